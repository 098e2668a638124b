"""axe-core (WCAG 2.1 A and AA) finds nothing on any page type, in Debian's chromium, on the demo data.

One browser and one live server for the whole module; each user logs in once. The page types are listed in
PAGES, each with who looks at it and how it is reached.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings

from .browser import ADMIN, AXE, DESKTOP, EDITOR, HEAD, PHONE, REVIEWER, context_page, demo_site

RUN_ONLY = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# The data is the module's (see `site`), committed before the first test; the mark only makes pytest-django
# set up the test database.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """Replaces the suite's per-test settings: the module's hold for the module (tests/browser.py)."""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    # The injected axe script is inline, which the app's CSP (rightly) refuses: lifted for this module only.
    with demo_site(django_db_blocker, tmp_path_factory.mktemp("accessibility"), bypass_csp=True) as site:
        yield site


def wrong_password(page, site):
    page.goto(site.base + "/dang-nhap/")
    page.fill("#id_username", "nguoi.la")
    page.fill("#id_password", "sai-mat-khau-roi")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Tên đăng nhập hoặc mật khẩu không đúng")


def locked_out(page, site):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(site.base + "/dang-nhap/")
        page.fill("#id_username", "khoa.thu")
        page.fill("#id_password", "sai-mat-khau-roi")
        page.click("button[type=submit]")
    page.wait_for_selector("text=Tạm khóa đăng nhập")


def empty_evidence(page, site):
    page.goto(site.base + site.urls["register"] + "them/")
    page.click("button[type=submit]:has-text('Lưu tài liệu'), input[type=submit]")
    page.wait_for_selector(".invalid-feedback, .alert-danger")


def short_password(page, site):
    page.goto(site.base + "/doi-mat-khau/")
    page.fill("#id_old_password", "sai")
    page.fill("#id_new_password1", "ngan")
    page.fill("#id_new_password2", "khac")
    page.click("button:has-text('Đổi mật khẩu')")
    page.wait_for_selector(".invalid-feedback")


def empty_signing(page, site):
    page.goto(site.base + site.urls["sheet"] + "bao-cao/ky/")
    page.click("button[name=sign]")
    page.click("dialog[open] button[value=ok]")  # the confirmation (static/js/confirm.js)
    page.wait_for_selector("text=Chọn tệp chứng thư số.")


@dataclass(frozen=True)
class PageType:
    name: str
    user: str | None
    path: str | Callable  # a URL (with {sheet}, {review}, {register}, {board}) or how to get there
    status: int = 200
    phone: bool = False  # checked at 390 × 844 too (tables, wrapping bars)


PAGES = [
    PageType("login", None, "/dang-nhap/"),
    PageType("login after a wrong password", None, wrong_password),
    PageType("locked out", None, locked_out),
    PageType("password change", EDITOR, "/doi-mat-khau/"),
    PageType("password change with errors", EDITOR, short_password),
    PageType("home, editor", EDITOR, "/", phone=True),
    PageType("home, head", HEAD, "/"),
    PageType("home, reviewer", REVIEWER, "/", phone=True),
    PageType("home, province admin", ADMIN, "/"),
    PageType("sheet detail", EDITOR, "{sheet}", phone=True),
    PageType("scoring page", EDITOR, "{sheet}cham-diem/", phone=True),
    PageType("submit page", HEAD, "{sheet}nop/"),
    PageType("history", EDITOR, "{sheet}lich-su/", phone=True),
    PageType("evidence list", EDITOR, "{register}", phone=True),
    PageType("evidence form", EDITOR, "{register}them/"),
    PageType("evidence form with errors", EDITOR, empty_evidence),
    PageType("bloc board, reviewer", REVIEWER, "{board}"),
    PageType("bloc board, province admin", ADMIN, "{board}", phone=True),
    PageType("ranking", REVIEWER, "{board}xep-hang/", phone=True),
    PageType("review page", REVIEWER, "{review}", phone=True),
    PageType("review page, province admin", ADMIN, "{review}", phone=True),
    PageType("sheet detail, reviewer", REVIEWER, "{reviewed_sheet}", phone=True),
    PageType("sheet history, reviewer", REVIEWER, "{reviewed_sheet}lich-su/"),
    PageType("report edit", HEAD, "{sheet}bao-cao/"),
    PageType("report sign", HEAD, "{sheet}bao-cao/ky/"),
    PageType("report sign with errors", HEAD, empty_signing),
    PageType("received reports", REVIEWER, "/khoi/bao-cao-da-nhan/", phone=True),
    PageType("404", EDITOR, "/khong-co-trang-nay/", status=404),
]
CHECKS = [(kind, DESKTOP) for kind in PAGES] + [(kind, PHONE) for kind in PAGES if kind.phone]


def described(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:10]:
            lines.append(f"    {node['target']}\n      " + node["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """options => axe.run(document, options).then(result => result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
        })))""",
        RUN_ONLY,
    )


@pytest.mark.parametrize(
    ("kind", "screen"), CHECKS, ids=[f"{kind.name} @ {screen['width']}px" for kind, screen in CHECKS]
)
def test_axe_finds_no_wcag_21_aa_violation(site, kind, screen):
    context = site.context(kind.user, screen)
    errors = []
    page = context_page(context, errors)
    try:
        if callable(kind.path):
            kind.path(page, site)
        else:
            response = page.goto(site.base + kind.path.format(**site.urls))
            assert response.status == kind.status
            page.wait_for_load_state("load")
        violations = axe_violations(page)
    finally:
        page.close()
        if kind.user is None:
            context.close()
    assert not violations, f"{kind.name} at {screen['width']} px: {page.url}\n" + described(violations)
    assert errors == []
