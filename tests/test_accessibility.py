"""axe-core (WCAG 2.1 A and AA) finds nothing on any page type, in Debian's chromium, on the demo data.

One browser and one live server for the whole module; each user logs in once. The page types are listed in
PAGES, each with who looks at it and how it is reached.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings

from .browser import ADMIN, AXE, DESKTOP, EDITOR, HEAD, PHONE, REVIEWER, context_page, demo_site
from .factories import SEED_SHEET

LEADER_HEAD = "ttr.thutruong"  # signs the bloc's giao ước

RUN_ONLY = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# The data is the module's (see `site`), committed before the first test; the mark only makes pytest-django
# set up the test database.
pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """Replaces the suite's per-test settings: the module's hold for the module (tests/browser.py)."""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    # The injected axe script is inline, which the app's CSP (rightly) refuses: lifted for this module only.
    with demo_site(django_db_blocker, tmp_path_factory.mktemp("accessibility"), bypass_csp=True) as site:
        site.urls.update(rubric_editor_urls())
        site.urls.update(dossier_urls())
        site.urls.update(mid_year_urls())
        yield site


def rubric_editor_urls() -> dict[str, str]:
    """The demo's rubric (submitted against: read only) and a draft copy of it for 2023 (editable)."""
    from scoring.models import Rubric
    from scoring.rubrics.services import rubric_copy

    rubric = Rubric.objects.get(year=2022)
    draft = rubric_copy(rubric=rubric, year=2023, legal_basis=rubric.legal_basis, deadline=None)
    tiered = draft.criteria.get(key="2:6")
    return {
        "rubric_editor": f"/tinh/thiet-lap/bang-tieu-chi/{rubric.pk}/",
        "draft_editor": f"/tinh/thiet-lap/bang-tieu-chi/{draft.pk}/",
        "draft_tiered": tiered.pk,
    }


def mid_year_urls() -> dict[str, str]:
    """A six-month round for the demo's 2022, open, with Văn phòng's sheet submitted and accepted: its board,
    its ranking, the form that opens one (shown again for the year that has it)."""
    import datetime

    from django.contrib.auth import get_user_model

    from scoring.models import Rubric, Sheet
    from scoring.review.services import sheet_accept
    from scoring.rubrics.rounds import mid_year_open
    from scoring.rubrics.services import rubric_open
    from scoring.sheets.services import sheet_submit

    year_end = Rubric.objects.get(year=2022, round="year")
    mid = rubric_open(rubric=mid_year_open(year_end=year_end, deadline=datetime.date(2022, 6, 20)))
    sheet = Sheet.objects.create(rubric=mid, agency=year_end.sheets.get(agency__code="VP").agency)
    sheet = sheet_submit(
        sheet=sheet, base_version=sheet.version, by=get_user_model().objects.get(username="vp.thutruong")
    )
    sheet_accept(
        sheet=sheet, base_version=sheet.version, by=get_user_model().objects.get(username="ttr.chamdiem")
    )
    return {"mid_year_form": f"/tinh/thiet-lap/bang-tieu-chi/{year_end.pk}/so-ket-6-thang/"}


def dossier_urls() -> dict[str, str]:
    """The demo's 2022 round is not complete: its dossier page says why it cannot be prepared. Two more years
    of the bloc led by Thanh tra tỉnh: 2021's dossier being prepared, 2020's sent to the province."""
    from scoring.models import Agency, Bloc, BlocYear, Dossier, DossierLine, Rubric

    bloc = Bloc.objects.get(code="TMTH")
    leader = Agency.objects.get(code="TTR")
    member = Agency.objects.get(code="VP")
    found = {}
    for year, sent in ((2021, False), (2020, True)):
        bloc_year = BlocYear.objects.create(bloc=bloc, year=year, leader=leader)
        bloc_year.memberships.create(agency=leader)
        bloc_year.memberships.create(agency=member)
        Rubric.objects.create(bloc=bloc, year=year, title=f"Bảng {year}", status=Rubric.Status.CLOSED)
        dossier = Dossier.objects.create(bloc_year=bloc_year, number="12", recipients="Chủ tịch UBND tỉnh")
        DossierLine.objects.create(
            dossier=dossier,
            kind="collective",
            agency=member,
            award="Cờ thi đua của UBND tỉnh",
            rank=1,
            points=945,
        )
        DossierLine.objects.create(
            dossier=dossier,
            kind="individual",
            agency=member,
            full_name="Nguyễn Thị Hoa",
            position="Phó Chánh Văn phòng",
            achievement="Hoàn thành xuất sắc nhiệm vụ.",
            award="Bằng khen của Chủ tịch UBND tỉnh",
        )
        if sent:
            Dossier.objects.filter(pk=dossier.pk).update(sent_at=datetime.datetime.now(datetime.UTC))
        found[year] = dossier.pk
    return {"dossier_draft": found[2021], "dossier_sent": found[2020]}


def dossier_line_with_errors(page, site):
    page.goto(site.base + f"/khen-thuong/{site.urls['dossier_draft']}/ca-nhan/them/")
    page.fill("#id_position", "Chuyên viên")
    page.click("input[value='Lưu'], button:has-text('Lưu')")
    page.wait_for_selector(".invalid-feedback")


def dossier_decision_with_errors(page, site):
    page.goto(site.base + f"/tinh/khen-thuong/{site.urls['dossier_sent']}/")
    page.fill("#id_number", "898 QĐ")
    page.click("button:has-text('Ghi quyết định')")
    page.wait_for_selector(".invalid-feedback")


def rubric_tier_above_maximum(page, site):
    """A tier of 50 points typed on a 20-point criterion: refused at the form, what was typed kept."""
    pk = site.urls["draft_tiered"]
    page.goto(site.base + site.urls["draft_editor"] + f"?sua={pk}")
    page.fill(f"#id_e{pk}-tiers", "Xuất sắc = 50\nTốt = 15")
    page.fill(f"#id_e{pk}-max_points", "")
    page.click(f"#edit-{pk} button:has-text('Lưu tiêu chí')")
    page.wait_for_selector(".invalid-feedback")


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


def signed_upload_not_a_pdf(page, site):
    page.goto(site.base + site.urls["sheet"] + "bao-cao/nop-ban-da-ky/")
    page.set_input_files(
        "#id_signed_pdf", {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"PK\x03\x04 Word"}
    )
    page.click("button[name=upload]")
    page.click("dialog[open] button[value=ok]")
    page.wait_for_selector("text=Tệp tải lên không phải là tệp PDF.")


def empty_countersigning(page, site):
    page.goto(site.base + site.urls["reviewed_sheet"] + "bao-cao/ky-xac-nhan/")
    page.click("button[name=sign]")
    page.click("dialog[open] button[value=ok]")
    page.wait_for_selector("text=Chọn tệp chứng thư số.")


def new_year_with_errors(page, site):
    page.goto(site.base + "/tinh/thiet-lap/khoi/TMTH/2022/mo-nam-sau/")
    page.select_option("#id_deputy_leader", label="Thanh tra tỉnh")  # the leader too
    # the site has a 2023 draft rubric already (the editor's pages): the form keeps it and asks no deadline
    page.click("button:has-text('Mở năm thi đua 2023')")
    page.wait_for_selector(".invalid-feedback")


def rubric_copy(page, site):
    page.goto(site.base + "/tinh/thiet-lap/")
    page.click("text=Sao chép bảng tiêu chí năm 2022 sang khối, năm khác")
    page.wait_for_selector("h1:has-text('Sao chép bảng tiêu chí')")


def person_with_errors(page, site):
    page.goto(site.base + "/tinh/thiet-lap/nguoi-dung/them/")
    page.fill("#id_full_name", "Hoa")
    page.fill("#id_email", "khong-phai-email")
    page.click("input[value='Thêm và gửi thư mời'], button:has-text('Thêm và gửi thư mời')")
    page.wait_for_selector(".invalid-feedback")


def upload_preview(
    page, site, path: str, choices: dict[str, str], fills: dict[str, str], file, ticks=()
) -> None:
    page.goto(site.base + path)
    for selector in ticks:
        page.check(selector)
    for selector, value in choices.items():
        page.select_option(selector, value)
    for selector, value in fills.items():
        page.fill(selector, value)
    page.set_input_files("#id_upload", str(file))
    page.click("input[value='Xem trước'], button:has-text('Xem trước')")
    page.wait_for_selector("#preview-title")


def people_preview(page, site):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Họ và tên", "E-mail", "Vai trò"])
    wb.active.append(["Trần Văn An", "an@stc.gov.vn", "Cán bộ nhập liệu"])
    wb.active.append(["Phạm Thị Ngọc", "ngoc@stc", "Thư ký"])
    wb.save(site.folder / "danh-sach.xlsx")
    upload_preview(
        page,
        site,
        "/tinh/thiet-lap/nguoi-dung/nhap/",
        {"#id_agency": "STC"},
        {},
        site.folder / "danh-sach.xlsx",
    )


def rubric_preview(page, site):
    upload_preview(
        page,
        site,
        "/tinh/thiet-lap/nhap/bang-tieu-chi/",
        {"#id_bloc": "TMTH"},
        {"#id_year": "2030"},
        SEED_SHEET,
    )


def sheet_preview(page, site):
    upload_preview(
        page,
        site,
        "/tinh/thiet-lap/nhap/bang-cham-diem/",
        {"#id_agency": "VP"},
        {"#id_year": "2022"},
        SEED_SHEET,
    )


def rubric_import_done(page, site):
    """Confirmed, and run at once (the ImmediateBackend, in the live server): the job's result on the page."""
    from django.test import override_settings

    upload_preview(
        page,
        site,
        "/tinh/thiet-lap/nhap/bang-tieu-chi/",
        {"#id_bloc": "TMTH"},
        {"#id_year": "2031"},
        SEED_SHEET,
        ticks=["#id_replace"],  # the second screen's run replaces the first one's rubric
    )
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        page.click("button:has-text('Xác nhận: ghi bảng tiêu chí')")
        page.wait_for_selector("section#tac-vu[data-status='done']")


def people_import_waiting(page, site):
    """Confirmed, with no worker running: the job waits, and the page keeps asking."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Họ và tên", "E-mail", "Vai trò"])
    wb.active.append(["Trần Văn An", "an.cho@stc.gov.vn", "Cán bộ nhập liệu"])
    wb.save(site.folder / "danh-sach-dung.xlsx")
    upload_preview(
        page,
        site,
        "/tinh/thiet-lap/nguoi-dung/nhap/",
        {"#id_agency": "STC"},
        {},
        site.folder / "danh-sach-dung.xlsx",
    )
    page.click("button:has-text('Xác nhận: thêm 1 người')")
    page.wait_for_selector("section#tac-vu[data-status='queued']")


def invitation(page, site):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    user = get_user_model().objects.get(username="snv.chamdiem")
    uid = urlsafe_base64_encode(str(user.pk).encode())
    page.goto(f"{site.base}/moi/{uid}/{default_token_generator.make_token(user)}/")
    page.wait_for_selector("#id_new_password1")


def pledge_without_titles(page, site):
    """Every title unticked: refused at the form, the commitments typed kept."""
    page.goto(site.base + "/don-vi/VP/dang-ky-thi-dua/2022/")
    for box in page.query_selector_all("input[name=titles]:checked"):
        box.uncheck()
    page.fill("#id_commitments", "Hoàn thành xuất sắc nhiệm vụ năm 2022.")
    page.click("input[value='Lưu đăng ký'], button:has-text('Lưu đăng ký')")
    page.wait_for_selector(".invalid-feedback")


def award_title_twice(page, site):
    page.goto(site.base + "/tinh/thiet-lap/danh-hieu/")
    page.fill("#id_name", "Tập thể lao động xuất sắc")
    page.click("input[value='Thêm vào danh mục'], button:has-text('Thêm vào danh mục')")
    page.wait_for_selector(".invalid-feedback")


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
    PageType("home, province admin", ADMIN, "/", phone=True),
    PageType("sheet detail", EDITOR, "{sheet}", phone=True),
    PageType("scoring page", EDITOR, "{sheet}cham-diem/", phone=True),
    PageType("submit page", HEAD, "{sheet}nop/"),
    PageType("history", EDITOR, "{sheet}lich-su/", phone=True),
    PageType("evidence list", EDITOR, "{register}", phone=True),
    PageType("evidence form", EDITOR, "{register}them/"),
    PageType("evidence form with errors", EDITOR, empty_evidence),
    PageType("years compared, agency", EDITOR, "/don-vi/VP/so-sanh-cac-nam/", phone=True),
    PageType("years compared, agency, reviewer", REVIEWER, "/don-vi/STC/so-sanh-cac-nam/", phone=True),
    PageType("years compared, bloc", REVIEWER, "/khoi/TMTH/so-sanh-cac-nam/", phone=True),
    PageType("bloc board, reviewer", REVIEWER, "{board}"),
    PageType("six-month board", REVIEWER, "/khoi/TMTH/2022/so-ket-6-thang/", phone=True),
    PageType("six-month ranking", REVIEWER, "/khoi/TMTH/2022/so-ket-6-thang/xep-hang/", phone=True),
    PageType("six-month round form", ADMIN, "{mid_year_form}", phone=True),
    PageType("bloc board, province admin", ADMIN, "{board}", phone=True),
    PageType("ranking", REVIEWER, "{board}xep-hang/", phone=True),
    PageType("review page", REVIEWER, "{review}", phone=True),
    PageType("review page, province admin", ADMIN, "{review}", phone=True),
    PageType("sheet detail, reviewer", REVIEWER, "{reviewed_sheet}", phone=True),
    PageType("sheet history, reviewer", REVIEWER, "{reviewed_sheet}lich-su/"),
    PageType("report edit", HEAD, "{sheet}bao-cao/"),
    PageType("report sign", HEAD, "{sheet}bao-cao/ky/"),
    PageType("report sign with errors", HEAD, empty_signing),
    PageType("report signed with a token, upload", HEAD, "{sheet}bao-cao/nop-ban-da-ky/", phone=True),
    PageType("report signed with a token, refused", HEAD, signed_upload_not_a_pdf),
    PageType("counter-signature", REVIEWER, "{reviewed_sheet}bao-cao/ky-xac-nhan/", phone=True),
    PageType("counter-signature with errors", REVIEWER, empty_countersigning),
    PageType("received reports", REVIEWER, "/khoi/bao-cao-da-nhan/", phone=True),
    PageType("received reports, province admin", ADMIN, "/khoi/bao-cao-da-nhan/?nam=2022", phone=True),
    PageType("province desk", ADMIN, "/tinh/", phone=True),
    PageType("award dossier, round not final", REVIEWER, "{board}khen-thuong/", phone=True),
    PageType("award dossier", REVIEWER, "/khoi/TMTH/2021/khen-thuong/", phone=True),
    PageType("award dossier, add an individual", REVIEWER, "/khen-thuong/{dossier_draft}/ca-nhan/them/"),
    PageType("award dossier, individual with errors", REVIEWER, dossier_line_with_errors, phone=True),
    PageType("award dossier, sign", REVIEWER, "/khen-thuong/{dossier_draft}/ky/"),
    PageType("award dossiers received", ADMIN, "/tinh/khen-thuong/", phone=True),
    PageType("award decisions", ADMIN, "/tinh/khen-thuong/{dossier_sent}/", phone=True),
    PageType("award decisions with errors", ADMIN, dossier_decision_with_errors, phone=True),
    PageType("award outcomes, agency", EDITOR, "/don-vi/VP/khen-thuong/", phone=True),
    PageType("setup home", ADMIN, "/tinh/thiet-lap/", phone=True),
    PageType("new year form", ADMIN, "/tinh/thiet-lap/khoi/TMTH/2022/mo-nam-sau/", phone=True),
    PageType("new year form with errors", ADMIN, new_year_with_errors, phone=True),
    PageType("rubric copy form", ADMIN, rubric_copy),
    PageType("bloc-year form", ADMIN, "/tinh/thiet-lap/khoi/TMTH/2022/", phone=True),
    PageType("rubric editor, submitted against", ADMIN, "{rubric_editor}"),
    PageType("rubric editor, draft", ADMIN, "{draft_editor}", phone=True),
    PageType(
        "rubric editor, editing a tiered criterion", ADMIN, "{draft_editor}?sua={draft_tiered}", phone=True
    ),
    PageType("rubric editor, adding a section", ADMIN, "{draft_editor}?them=0"),
    PageType("rubric editor with errors", ADMIN, rubric_tier_above_maximum),
    PageType("people, province admin", ADMIN, "/tinh/thiet-lap/nguoi-dung/", phone=True),
    PageType("add a person", ADMIN, "/tinh/thiet-lap/nguoi-dung/them/"),
    PageType("add a person with errors", ADMIN, person_with_errors),
    PageType("people from a spreadsheet", ADMIN, "/tinh/thiet-lap/nguoi-dung/nhap/"),
    PageType("people spreadsheet preview with errors", ADMIN, people_preview, phone=True),
    PageType("import from Excel", ADMIN, "/tinh/thiet-lap/nhap/", phone=True),
    PageType("rubric import", ADMIN, "/tinh/thiet-lap/nhap/bang-tieu-chi/"),
    PageType("rubric import preview", ADMIN, rubric_preview, phone=True),
    PageType("sheet import", ADMIN, "/tinh/thiet-lap/nhap/bang-cham-diem/"),
    PageType("sheet import preview", ADMIN, sheet_preview, phone=True),
    PageType("rubric import job done", ADMIN, rubric_import_done, phone=True),
    PageType("people import job waiting", ADMIN, people_import_waiting),
    PageType("pledge, editor", EDITOR, "/don-vi/VP/dang-ky-thi-dua/2022/", phone=True),
    PageType("pledge, head", HEAD, "/don-vi/VP/dang-ky-thi-dua/2022/"),
    PageType("pledge with errors", EDITOR, pledge_without_titles, phone=True),
    PageType("pledge sent, reviewer", REVIEWER, "/don-vi/STC/dang-ky-thi-dua/2022/", phone=True),
    PageType("giao ước, reviewer", REVIEWER, "/khoi/TMTH/2022/giao-uoc/", phone=True),
    PageType("giao ước, province admin", ADMIN, "/khoi/TMTH/2022/giao-uoc/"),
    PageType("giao ước signing", LEADER_HEAD, "/khoi/TMTH/2022/giao-uoc/ky/", phone=True),
    PageType("title catalogue", ADMIN, "/tinh/thiet-lap/danh-hieu/", phone=True),
    PageType("title catalogue with errors", ADMIN, award_title_twice),
    PageType("set a password from an invitation", None, invitation),
    PageType("an expired invitation", None, "/moi/MQ/xyz-abc/"),
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
