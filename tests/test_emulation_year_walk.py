"""Issue 16's whole emulation year in chromium, on the demo data: 2023 opened from 2022, Văn phòng UBND tỉnh's
pledge, the six-month round (opened, scored, submitted, accepted, closed, ranked), the year-end sheet started
from the six-month one, the year-end round closed and ranked, the award dossier prepared from the ranking,
signed and sent, the province's decision, which then stands in the office's register for 2024, and So sánh
các năm showing 2022 and 2023.

What a user walks is clicked in the browser (the administrator, Văn phòng's editor and head, the leader's
reviewer); the other six members' pledges and sheets are made with the services. The browser's page actions
(goto, click, fill, select, check, upload), counted from each person's first page after logging in: 92, in 20
form posts. The administrator 31 (8 posts: the year, the six-month round refused then made, opened, closed,
the year-end rubric opened, the year closed, the decision), Văn phòng's editor 19 (3: the pledge, the two
sheets started), its head 11 (3: the pledge sent, the two sheets submitted), the leader's reviewer 31 (6: two
acceptances, the dossier prepared, an individual added, the tờ trình numbered, signed and sent). Not
counted: the logins, and the looks at 390 px.

axe-core checks the pages the six-month round added: the setup form, the home card that offers "Bắt đầu từ
bảng sơ kết 6 tháng", the six-month board. At 390 px the home card and the six-month board must not be wider
than the screen; WALK_SHOTS=<folder> keeps their screenshots.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from scoring import demo
from scoring.evidence.matching import agency_register
from scoring.models import Agency, AwardTitle, BlocYear, Document, DossierLine, Pledge, Rubric, Sheet
from scoring.notation import format_points
from scoring.pledges.services import pledge_save, pledge_submit
from scoring.review.services import sheet_accept
from scoring.sheets.merge import ScoreInput
from scoring.sheets.queries import sheet_view
from scoring.sheets.services import sheet_save, sheet_submit

from .browser import (
    ADMIN,
    EDITOR,
    HEAD,
    PASSWORDS,
    PHONE,
    REVIEWER,
    Counted,
    context_page,
    log_in,
    sign_and_submit,
)
from .test_accessibility import axe_violations, described

BASIS = "Quyết định số 05/QĐ-TMTH ngày 06/01/2023 của Khối về Quy chế hoạt động năm 2023."
# Văn phòng's six-month points, typed in the browser; 1.3 is raised to 240 for the year
MID_YEAR = {"1:1.1": "90", "1:1.2": "45", "1:1.3": "200"}
# the other members' year-end sheets (criterion 1.1 alone), all below Văn phòng's 375
OTHERS = {"TTR": 80, "SNV": 70, "STC": 60, "SKHDT": 50, "STP": 40, "VPDDBQH": 30}
DECISION = "25/QĐ-UBND"
SHOTS = os.environ.get("WALK_SHOTS")


class Walk:
    """One signed-in page per person, its actions counted; every page's script errors in `errors`."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.errors, self.pages = browser, base, [], {}

    def __call__(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1400, "height": 1000},
                locale="vi-VN",
                bypass_csp=True,  # for axe
            )
            page = context_page(context, self.errors)
            log_in(page, self.base, username, PASSWORDS[username])
            self.pages[username] = Counted(page)
        return self.pages[username]

    def close(self):
        for page in self.pages.values():
            page.context.close()

    @property
    def actions(self) -> int:
        return sum(len(p.actions) for p in self.pages.values())

    @property
    def posts(self) -> int:
        return sum(len(p.posts) for p in self.pages.values())


def no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, described(violations)


def at_phone_width(walk: Walk, username: str, url: str, name: str) -> None:
    """The page at 390 px: nothing wider than the screen; a screenshot kept when WALK_SHOTS says where."""
    context = walk.browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context_page(context, walk.errors)
        log_in(page, walk.base, username, PASSWORDS[username])
        page.goto(walk.base + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], name
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    finally:
        context.close()


def user(username: str):
    return get_user_model().objects.get(username=username)


def sheets_of_the_others(rubric: Rubric) -> None:
    """Each other member's year-end sheet, saved, submitted and accepted by its reviewer (the deputy's
    reviewer for the leader's own)."""
    editor, leader_reviewer, deputy_reviewer = user("stc.bientap"), user(REVIEWER), user("snv.chamdiem")
    for code, points in OTHERS.items():
        sheet = Sheet.objects.create(rubric=rubric, agency=Agency.objects.get(code=code))
        values = {"1:1.1": ScoreInput(points=Decimal(points))}
        sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=editor)
        sheet.refresh_from_db()
        sheet = sheet_submit(sheet=sheet, base_version=sheet.version, by=editor)
        reviewer = deputy_reviewer if code == demo.LEADER else leader_reviewer
        sheet_accept(sheet=sheet, base_version=sheet.version, by=reviewer)


def pledges_of_the_others() -> None:
    """The other members' 2023 pledges, sent (the giao ước waits for every member)."""
    bloc_year = BlocYear.objects.get(bloc__code=demo.BLOC, year=2023)
    titles = list(AwardTitle.objects.filter(name="Tập thể lao động xuất sắc"))
    for code in OTHERS:
        pledge = pledge_save(
            bloc_year=bloc_year,
            agency=Agency.objects.get(code=code),
            titles=titles,
            commitments="Hoàn thành xuất sắc nhiệm vụ năm 2023.",
            by=user(ADMIN),
        )
        pledge_submit(pledge=pledge, by=user(ADMIN))


@pytest.mark.django_db(transaction=True)
def test_a_whole_emulation_year_from_the_pledge_to_next_years_register(browser, server):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    walk = Walk(browser, server.url)
    try:
        open_2023(walk)
        pledge(walk)
        mid_year_round(walk)
        year_end_round(walk)
        dossier(walk)
        decision_and_next_year(walk)
        # submitting is signing: choose the certificate, type its passphrase, confirm (3 more each round)
        assert walk.actions == 98, {u: p.actions for u, p in walk.pages.items()}
        assert walk.posts == 20, {u: p.posts for u, p in walk.pages.items()}
    finally:
        walk.close()
        connections.close_all()
    assert walk.errors == []


def open_2023(walk: Walk) -> None:
    """The administrator opens 2023 from 2022 (members, leader, deputy, rubric and award rules carried
    over), then its six-month round from the setup page, and opens that round."""
    admin = walk(ADMIN)
    admin.click("nav >> text=Thiết lập")
    admin.click("text=Mở năm thi đua 2023")
    admin.fill("#id_legal_basis", BASIS)
    admin.fill("#id_deadline", "01/12/2023")
    admin.click("button:has-text('Mở năm thi đua 2023')")
    admin.wait_for_selector("text=Đã mở năm thi đua 2023 của Khối các cơ quan Tham mưu - Tổng hợp")
    year_end = Rubric.objects.get(year=2023, round="year")
    assert year_end.status == "draft" and year_end.award_rules.count() == 2

    admin.click(".setup-year:has-text('2023') >> a:has-text('Lập vòng sơ kết 6 tháng')")
    admin.wait_for_selector("h1:has-text('Lập vòng sơ kết 6 tháng năm 2023')")
    assert "sơ kết 6 tháng đầu năm 2023" in admin.input_value("#id_title")
    no_violations(admin)
    admin.fill("#id_deadline", "20/12/2023")  # after the year-end deadline: refused, nothing written
    admin.click("button:has-text('Lập vòng sơ kết 6 tháng')")
    admin.wait_for_selector("text=phải trước hạn nộp tổng kết năm (01/12/2023)")
    assert not Rubric.objects.filter(year=2023, round="mid").exists()
    admin.fill("#id_deadline", "30/06/2023")
    admin.click("button:has-text('Lập vòng sơ kết 6 tháng')")
    admin.wait_for_selector("text=(đang soạn): bớt tiêu chí nếu sơ kết chấm gọn hơn")
    mid = Rubric.objects.get(year=2023, round="mid")
    assert admin.url == f"{walk.base}/tinh/thiet-lap/bang-tieu-chi/{mid.pk}/"
    admin.wait_for_load_state("load")  # its confirmation needs the page's script
    admin.click("button:has-text('Mở chấm điểm')")
    admin.click("dialog[open] button[value=ok]")
    admin.wait_for_selector("text=Đã mở bảng tiêu chí cho các đơn vị chấm điểm.")
    mid.refresh_from_db()
    assert (mid.status, str(mid.deadline)) == ("open", "2023-06-30")


def pledge(walk: Walk) -> None:
    """Văn phòng's editor registers its titles for 2023 from the home page; its head sends them."""
    editor = walk(EDITOR)
    editor.click("text=Đăng ký thi đua năm 2023")
    editor.check("label:text-is('Tập thể lao động xuất sắc')")
    editor.check("label:text-is('Cờ thi đua của UBND tỉnh')")
    editor.fill("#id_commitments", "Hoàn thành xuất sắc nhiệm vụ năm 2023.\nNộp báo cáo đúng hạn.")
    editor.click("#pledge-form [name=save]")
    editor.wait_for_selector("#pledge-status:has-text('Đang soạn')")
    head = walk(HEAD)
    head.click("text=Đăng ký thi đua năm 2023")
    head.wait_for_load_state("load")  # its confirmation needs the page's script
    head.click("button:has-text('Xác nhận và gửi khối trưởng')")
    head.click("dialog[open] button[value=ok]")
    head.wait_for_selector("#pledge-status:has-text('Đã đăng ký')")
    pledge = Pledge.objects.get(agency__code="VP", bloc_year__year=2023)
    assert pledge.status == "submitted" and pledge.submitted_by.username == HEAD
    assert sorted(pledge.titles.values_list("name", flat=True)) == [
        "Cờ thi đua của UBND tỉnh",
        "Tập thể lao động xuất sắc",
    ]
    pledges_of_the_others()


def score_and_submit(walk: Walk, values: dict[str, str]) -> Sheet:
    """The editor types `values` on the open sheet and saves; the head submits from the home page."""
    editor = walk(EDITOR)
    editor.wait_for_selector("#sheet-form")
    # the page's script listens for typing and takes over "Lưu nháp" once it has run: typed and clicked
    # before that (a loaded machine), the form would post the old way and the autosave status never show
    editor.wait_for_load_state("load")
    sheet = Sheet.objects.get(pk=int(editor.url.rstrip("/").split("/")[-2]))
    for key, value in values.items():
        criterion = sheet.rubric.criteria.get(key=key)
        editor.fill(f"input[name='p-{criterion.pk}']", value)
    editor.click("button[name=save] >> nth=0")
    editor.wait_for_selector("#autosave-status.autosave-saved:has-text('Đã lưu bảng chấm điểm lúc')")
    head = walk(HEAD)
    head.goto(walk.base + "/")
    head.click("a.btn-primary:has-text('Chấm điểm')")
    sign_and_submit(head, HEAD)
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_by.username == HEAD
    return sheet


def accept(walk: Walk, board: str, sheet: Sheet) -> None:
    reviewer = walk(REVIEWER)
    reviewer.goto(walk.base + board)
    reviewer.click("tr:has-text('Văn phòng UBND tỉnh') >> a:text-is('Thẩm định')")
    reviewer.wait_for_load_state("load")  # its confirmation needs the page's script
    reviewer.click("button[value=accept] >> nth=0")
    reviewer.click("dialog[open] button[value=ok]")
    reviewer.wait_for_selector("text=Đã duyệt bảng chấm điểm của Văn phòng UBND tỉnh.")
    sheet.refresh_from_db()
    assert sheet.status == "accepted"


def close_round(walk: Walk, board: str, what: str) -> None:
    admin = walk(ADMIN)
    admin.goto(walk.base + board)
    admin.click(f"button:has-text('Khóa sổ {what}')")
    admin.click("dialog[open] button:text-is('Khóa sổ')")
    admin.wait_for_selector(f"text=Đã khóa sổ {what}")


def mid_year_round(walk: Walk) -> None:
    """Văn phòng scores three criteria of its six-month sheet and submits it; the leader's reviewer accepts
    it on the six-month board; the administrator closes the six months; its ranking shows Văn phòng."""
    editor = walk(EDITOR)
    editor.goto(walk.base + "/")
    editor.wait_for_selector("h2:has-text('Bảng chấm điểm thi đua 6 tháng đầu năm 2023')")
    editor.click("button:has-text('Bắt đầu chấm điểm')")
    sheet = score_and_submit(walk, MID_YEAR)
    assert sheet.rubric.round == "mid"

    board = f"/khoi/{demo.BLOC}/2023/so-ket-6-thang/"
    reviewer = walk(REVIEWER)
    reviewer.click("text=Khối các cơ quan Tham mưu - Tổng hợp – năm 2023")
    reviewer.click("a.nav-link:text-is('Sơ kết 6 tháng')")
    reviewer.wait_for_url(walk.base + board)
    assert "Đã nộp" in reviewer.locator("tr", has_text="Văn phòng UBND tỉnh").inner_text()
    no_violations(reviewer)
    at_phone_width(walk, REVIEWER, board, "bang-theo-doi-so-ket-390")
    accept(walk, board, sheet)
    close_round(walk, board, "sơ kết 6 tháng năm 2023")
    assert Rubric.objects.get(pk=sheet.rubric_id).status == "closed"

    reviewer.goto(walk.base + board)
    reviewer.click("text=Xếp hạng sơ kết 6 tháng")
    reviewer.wait_for_selector("h1:has-text('Xếp hạng thi đua 6 tháng đầu năm 2023')")
    first = reviewer.locator("tbody tr").first.inner_text()
    assert "Văn phòng UBND tỉnh" in first and "335" in first  # 90 + 45 + 200


def year_end_round(walk: Walk) -> None:
    """The administrator opens the year-end rubric; Văn phòng starts its sheet from the six-month one, raises
    1.3 and submits; the reviewer accepts; the others' sheets are accepted too; the administrator closes the
    year and the ranking proposes the awards."""
    year_end = Rubric.objects.get(year=2023, round="year")
    admin = walk(ADMIN)
    admin.goto(walk.base + f"/tinh/thiet-lap/bang-tieu-chi/{year_end.pk}/")
    admin.wait_for_load_state("load")  # its confirmation needs the page's script
    admin.click("button:has-text('Mở chấm điểm')")
    admin.click("dialog[open] button[value=ok]")
    admin.wait_for_selector("text=Đã mở bảng tiêu chí cho các đơn vị chấm điểm.")

    editor = walk(EDITOR)
    editor.goto(walk.base + "/")
    editor.wait_for_selector("h2:has-text('Bảng chấm điểm thi đua năm 2023')")
    assert editor.locator("button:has-text('Bắt đầu bảng trống')").count() == 1
    no_violations(editor)
    at_phone_width(walk, EDITOR, "/", "trang-chu-hai-nut-bat-dau-390")
    editor.click("button:has-text('Bắt đầu từ bảng sơ kết 6 tháng')")
    editor.wait_for_selector("text=Đã chép 3 tiêu chí từ bảng sơ kết 6 tháng")
    for key, value in MID_YEAR.items():
        criterion = year_end.criteria.get(key=key)
        assert editor.input_value(f"input[name='p-{criterion.pk}']") == value, key
    sheet = score_and_submit(walk, {"1:1.3": "240"})
    assert sheet.rubric_id == year_end.pk
    assert sheet.scores.get(criterion__key="1:1.1").points == 90  # carried over, untouched

    sheets_of_the_others(year_end)
    accept(walk, f"/khoi/{demo.BLOC}/2023/", sheet)
    close_round(walk, f"/khoi/{demo.BLOC}/2023/", "năm 2023")
    year_end.refresh_from_db()
    assert year_end.status == "closed"

    reviewer = walk(REVIEWER)
    reviewer.goto(walk.base + f"/khoi/{demo.BLOC}/2023/")
    reviewer.click("a:text-is('Xếp hạng')")
    reviewer.wait_for_selector("h1:has-text('Xếp hạng')")
    rows = [row.inner_text() for row in reviewer.locator("tbody tr").all()]
    assert len(rows) == 7
    assert "Văn phòng UBND tỉnh" in rows[0] and "375" in rows[0] and "Cờ thi đua của UBND tỉnh" in rows[0]
    for row, name in zip(rows[1:3], ["Thanh tra tỉnh", "Sở Nội vụ"], strict=True):
        assert name in row and "Bằng khen của Chủ tịch UBND tỉnh" in row


def dossier(walk: Walk) -> None:
    """The leader's reviewer prepares the dossier from the ranking, adds an individual, numbers the tờ
    trình, signs it with the demo certificate and sends it to the province."""
    reviewer = walk(REVIEWER)
    reviewer.click("text=Hồ sơ đề nghị khen thưởng")
    reviewer.click("button:has-text('Lập hồ sơ đề nghị khen thưởng')")
    reviewer.wait_for_selector("text=Đã lập hồ sơ đề nghị khen thưởng từ kết quả xếp hạng.")
    reviewer.click("text=Thêm cá nhân")
    reviewer.fill("#id_full_name", "Nguyễn Thị Hoa")
    reviewer.fill("#id_position", "Phó Chánh Văn phòng")
    reviewer.select_option("#id_agency", label="Văn phòng UBND tỉnh")
    reviewer.fill("#id_award", "Bằng khen của Chủ tịch UBND tỉnh")
    reviewer.fill("#id_achievement", "Hoàn thành xuất sắc nhiệm vụ năm 2023.")
    reviewer.click("main [name=save]")
    reviewer.wait_for_selector("text=Đã lưu đề nghị cho")
    reviewer.fill("#id_number", "15")
    reviewer.fill("#id_issued_on", "20/12/2023")
    reviewer.click("#dossier-form [name=save]")
    reviewer.wait_for_selector("text=Đã lưu tờ trình.")
    reviewer.click("text=Ký số và gửi về tỉnh…")
    certificate = Path(settings.DEMO_CERT_DIR) / f"{REVIEWER}.p12"
    reviewer.set_input_files("input[name=certificate]", str(certificate))
    reviewer.fill("input[name=passphrase]", demo.CERT_PASSPHRASE)
    reviewer.wait_for_load_state("load")  # its confirmation needs the page's script
    reviewer.click("button[name=sign]")
    reviewer.click("dialog[open] button:text-is('Ký số và gửi')")
    reviewer.wait_for_selector("text=Đã ký số Tờ trình số")
    assert "đã ký số và gửi về tỉnh" in reviewer.inner_text("main")
    lines = DossierLine.objects.filter(dossier__bloc_year__year=2023).order_by("kind", "order")
    assert [(line.kind, line.agency.code, line.award) for line in lines] == [
        ("collective", "VP", "Cờ thi đua của UBND tỉnh"),
        ("collective", "TTR", "Bằng khen của Chủ tịch UBND tỉnh"),
        ("collective", "SNV", "Bằng khen của Chủ tịch UBND tỉnh"),
        ("individual", "VP", "Bằng khen của Chủ tịch UBND tỉnh"),
    ]
    assert lines[0].dossier.is_sent and lines[0].dossier.signer_name == demo.CERT_HOLDERS[REVIEWER]


def decision_and_next_year(walk: Walk) -> None:
    """The province records its decision on every line; Văn phòng's register has it, ready to be cited in
    2024; So sánh các năm shows 2022 beside 2023."""
    admin = walk(ADMIN)
    admin.goto(walk.base + "/tinh/")
    admin.click("text=Xem hồ sơ và ghi quyết định")
    admin.click("tr:has-text('15/TTr') >> a:has-text('Ghi quyết định')")
    admin.fill("#id_number", DECISION)
    admin.fill("#id_issued_on", "15/01/2024")
    for line in DossierLine.objects.filter(dossier__bloc_year__year=2023):
        admin.select_option(f"#id_line-{line.pk}", "yes")
    admin.click("button:has-text('Ghi quyết định')")
    admin.wait_for_selector(f"text=Đã ghi Quyết định số {DECISION} cho 4 dòng đề nghị.")
    admin.wait_for_selector("#all-decided")

    editor = walk(EDITOR)
    editor.goto(walk.base + "/")
    editor.click("text=Sổ tài liệu kiểm chứng")
    row = editor.locator("tr", has_text=DECISION)
    assert "Tặng Cờ thi đua của UBND tỉnh cho tập thể Văn phòng UBND tỉnh" in row.inner_text()
    document = Document.objects.get(agency__code="VP", number=DECISION)
    pieces = agency_register(document.agency).pieces(
        f"Năm 2023 được tặng Cờ thi đua (Quyết định số {DECISION} ngày 15/01/2024)."
    )
    assert [p.document for p in pieces if p.citation] == [document]  # a 2024 explanation links to it

    editor.goto(walk.base + "/")
    editor.click("text=So sánh các năm")
    years = {year: editor.inner_text(f"#nam-{year}") for year in (2022, 2023)}
    assert (
        "\t375\t375\t" in years[2023] and "1/7" in years[2023]
    )  # own, after review, rank and "Cờ thi đua của UBND tỉnh" in years[2023]
    # the demo's 2022 sheet of Văn phòng is still being typed: its own total, shown to its own people
    draft = sheet_view(Sheet.objects.get(agency__code="VP", rubric__year=2022)).grand_total
    assert "bản nháp" in years[2022] and f"\t{format_points(draft.points + draft.bonus)}\t" in years[2022]
