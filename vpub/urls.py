from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, register_converter
from django.urls.converters import get_converters

from scoring import system
from scoring.accounts import views as accounts
from scoring.awards import views as awards
from scoring.evidence import views as evidence
from scoring.history import views as history
from scoring.pledges import views as pledges
from scoring.province import views as province
from scoring.reports import views as reports
from scoring.review import views as review
from scoring.rubrics import editor_views as rubric_editor
from scoring.rubrics import import_views as rubric_imports
from scoring.rubrics import views as rubrics
from scoring.rubrics.rounds import RoundConverter
from scoring.sheets import import_views as sheet_imports
from scoring.sheets import views as sheets

# vpub/apps.py leaves this to the URLconf: the admin modules, registered before admin.site.urls is read.
admin.autodiscover()
admin.site.site_header = "Chấm điểm thi đua – quản trị"
admin.site.site_title = "Chấm điểm thi đua"

if "round" not in get_converters():  # the URLconf is read again in some tests: register once
    register_converter(RoundConverter, "round")


def bloc_round_paths(tail: str, view, name: str, kwargs: dict | None = None) -> list:
    """A bloc-year page of the year-end round (khoi/<mã>/<năm>/…) and its twin of the six-month round
    (khoi/<mã>/<năm>/so-ket-6-thang/…), under one name: reverse() picks by the arguments given
    (`Rubric.round_args`)."""
    return [
        path(f"khoi/<str:code>/<int:year>/{tail}", view, kwargs or {}, name=name),
        path(f"khoi/<str:code>/<int:year>/<round:round>/{tail}", view, kwargs or {}, name=name),
    ]


urlpatterns = [
    # the agency's sheet
    path("", sheets.home, name="home"),
    path("bang-cham-diem/bat-dau/<int:rubric_pk>/", sheets.sheet_start, name="sheet_start"),
    path("bang-cham-diem/<int:pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("bang-cham-diem/<int:pk>/cham-diem/", sheets.sheet_edit, name="sheet_edit"),
    path("bang-cham-diem/<int:pk>/nop/", sheets.sheet_submit, name="sheet_submit"),
    path("bang-cham-diem/<int:pk>/lich-su/", sheets.sheet_history, name="sheet_history"),
    # its documents: the Bảng chấm điểm, the report, signing; what the bloc leader receives
    path("bang-cham-diem/<int:pk>/tai.pdf", reports.sheet_download, {"fmt": "pdf"}, name="sheet_pdf"),
    path("bang-cham-diem/<int:pk>/tai.xlsx", reports.sheet_download, {"fmt": "xlsx"}, name="sheet_xlsx"),
    path("bang-cham-diem/<int:pk>/bao-cao/", reports.report_edit, name="report_edit"),
    path("bang-cham-diem/<int:pk>/bao-cao/tai/", reports.report_download, name="report_download"),
    path("bang-cham-diem/<int:pk>/bao-cao/ky/", reports.report_sign, name="report_sign"),
    # signed in another program (a USB token's): the copy to sign, then the signed file back
    path(
        "bang-cham-diem/<int:pk>/bao-cao/ban-de-ky.pdf", reports.report_for_signing, name="report_for_signing"
    ),
    path(
        "bang-cham-diem/<int:pk>/bao-cao/nop-ban-da-ky/",
        reports.report_upload_signed,
        name="report_upload_signed",
    ),
    # the reviewing agency's signature beside the head's
    path(
        "bang-cham-diem/<int:pk>/bao-cao/ky-xac-nhan/", reports.report_countersign, name="report_countersign"
    ),
    path("khoi/bao-cao-da-nhan/", reports.received_reports, name="received_reports"),
    path("khoi/bao-cao-da-nhan/<int:report_pk>/", reports.received_report_file, name="received_report_file"),
    # the bloc's side
    *bloc_round_paths("", review.bloc_board, "bloc_board"),
    *bloc_round_paths("xep-hang/", review.bloc_ranking, "bloc_ranking"),
    # the bloc's tables are background jobs (below); their old addresses send bookmarks to the board's section
    path(
        "khoi/<str:code>/<int:year>/tong-hop.pdf",
        review.bloc_export_moved,
        {"fmt": "pdf"},
        name="bloc_export_moved_pdf",
    ),
    path(
        "khoi/<str:code>/<int:year>/tong-hop.xlsx",
        review.bloc_export_moved,
        {"fmt": "xlsx"},
        name="bloc_export_moved_xlsx",
    ),
    # the bloc's tables as background jobs: asked for on the board, fetched when ready
    *bloc_round_paths("tep-xuat/tao.xlsx", review.export_job_start, "export_job_start_xlsx", {"fmt": "xlsx"}),
    *bloc_round_paths("tep-xuat/tao.pdf", review.export_job_start, "export_job_start_pdf", {"fmt": "pdf"}),
    path("khoi/<str:code>/<int:year>/tep-xuat/<int:pk>/", review.export_job_status, name="export_job_status"),
    path("khoi/<str:code>/<int:year>/tep-xuat/<int:pk>/tai/", review.export_job_file, name="export_job_file"),
    *bloc_round_paths("khoa-so/", review.round_action, "round_close", {"action": "close"}),
    *bloc_round_paths("mo-lai/", review.round_action, "round_reopen", {"action": "reopen"}),
    path("bang-cham-diem/<int:pk>/tham-dinh/", review.sheet_review, name="sheet_review"),
    # the award dossier: prepared by the bloc leader, signed and sent; decided on by the province
    path("khoi/<str:code>/<int:year>/khen-thuong/", awards.dossier_home, name="dossier_home"),
    path("khoi/<str:code>/<int:year>/khen-thuong/lap/", awards.dossier_start, name="dossier_start"),
    path("khen-thuong/<int:pk>/ca-nhan/them/", awards.line_edit, name="dossier_line_add"),
    path("khen-thuong/<int:pk>/dong/<int:line_pk>/", awards.line_edit, name="dossier_line_edit"),
    path("khen-thuong/<int:pk>/dong/<int:line_pk>/xoa/", awards.line_delete, name="dossier_line_delete"),
    path("khen-thuong/<int:pk>/to-trinh.pdf", awards.dossier_download, {"fmt": "pdf"}, name="dossier_pdf"),
    path(
        "khen-thuong/<int:pk>/danh-sach.xlsx", awards.dossier_download, {"fmt": "xlsx"}, name="dossier_xlsx"
    ),
    path("khen-thuong/<int:pk>/ky/", awards.dossier_sign, name="dossier_sign"),
    path("don-vi/<str:code>/khen-thuong/", awards.agency_awards, name="agency_awards"),
    path("tinh/khen-thuong/", awards.dossiers_received, name="dossiers_received"),
    path("tinh/khen-thuong/<int:pk>/", awards.dossier_decide, name="dossier_decide"),
    # the province's desk: every bloc of a year, the reports received, the province's table as jobs
    path("tinh/", province.province_desk, name="province_desk"),
    path(
        "tinh/<int:year>/tep-xuat/tao.xlsx",
        province.province_job_start,
        {"fmt": "xlsx"},
        name="province_job_start_xlsx",
    ),
    path(
        "tinh/<int:year>/tep-xuat/tao.pdf",
        province.province_job_start,
        {"fmt": "pdf"},
        name="province_job_start_pdf",
    ),
    path("tinh/<int:year>/tep-xuat/<int:pk>/", province.province_job_status, name="province_job_status"),
    path("tinh/<int:year>/tep-xuat/<int:pk>/tai/", province.province_job_file, name="province_job_file"),
    path(
        "bang-cham-diem/<int:pk>/tai-lieu/<int:document_pk>/phien-ban/<int:version>/",
        evidence.sheet_evidence_file,
        name="sheet_evidence_file",
    ),
    # the years side by side (So sánh các năm): an agency's, a bloc's, and their documents
    path("don-vi/<str:code>/so-sanh-cac-nam/", history.agency_history, name="agency_history"),
    path(
        "don-vi/<str:code>/so-sanh-cac-nam.xlsx",
        history.agency_history_export,
        {"fmt": "xlsx"},
        name="agency_history_xlsx",
    ),
    path(
        "don-vi/<str:code>/so-sanh-cac-nam.pdf",
        history.agency_history_export,
        {"fmt": "pdf"},
        name="agency_history_pdf",
    ),
    path("khoi/<str:code>/so-sanh-cac-nam/", history.bloc_history, name="bloc_history"),
    path(
        "khoi/<str:code>/so-sanh-cac-nam.xlsx",
        history.bloc_history_export,
        {"fmt": "xlsx"},
        name="bloc_history_xlsx",
    ),
    path(
        "khoi/<str:code>/so-sanh-cac-nam.pdf",
        history.bloc_history_export,
        {"fmt": "pdf"},
        name="bloc_history_pdf",
    ),
    # the evidence register
    path("don-vi/<str:code>/tai-lieu/", evidence.evidence_list, name="evidence_list"),
    path("don-vi/<str:code>/tai-lieu/them/", evidence.evidence_create, name="evidence_create"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/sua/", evidence.evidence_edit, name="evidence_edit"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/tep/", evidence.evidence_file, name="evidence_file"),
    path("don-vi/<str:code>/tai-lieu/phan-tich/", evidence.citation_parse, name="citation_parse"),
    # pledges: an agency's đăng ký thi đua, the bloc's giao ước, the province's catalogue of titles (issue 16)
    path("don-vi/<str:code>/dang-ky-thi-dua/<int:year>/", pledges.pledge_edit, name="pledge_edit"),
    path("don-vi/<str:code>/dang-ky-thi-dua/<int:year>/gui/", pledges.pledge_submit, name="pledge_submit"),
    path("khoi/<str:code>/<int:year>/giao-uoc/", pledges.covenant_page, name="covenant_page"),
    path("khoi/<str:code>/<int:year>/giao-uoc/tai.pdf", pledges.covenant_download, name="covenant_download"),
    path("khoi/<str:code>/<int:year>/giao-uoc/ky/", pledges.covenant_sign, name="covenant_sign"),
    path("tinh/thiet-lap/danh-hieu/", pledges.award_titles, name="award_titles"),
    path("tinh/thiet-lap/danh-hieu/<int:pk>/", pledges.award_title_edit, name="award_title_edit"),
    # the province's setup
    path("tinh/thiet-lap/", rubrics.setup_home, name="setup_home"),
    path(
        "tinh/thiet-lap/khoi/<str:code>/<int:year>/mo-nam-sau/",
        rubrics.setup_year_open,
        name="setup_year_open",
    ),
    path("tinh/thiet-lap/khoi/<str:code>/<int:year>/", rubrics.setup_year_edit, name="setup_year_edit"),
    path(
        "tinh/thiet-lap/bang-tieu-chi/<int:pk>/sao-chep/", rubrics.setup_rubric_copy, name="setup_rubric_copy"
    ),
    path(
        "tinh/thiet-lap/bang-tieu-chi/<int:pk>/so-ket-6-thang/", rubrics.setup_mid_year, name="setup_mid_year"
    ),
    path("tinh/thiet-lap/bang-tieu-chi/<int:pk>/", rubric_editor.rubric_editor, name="rubric_editor"),
    # the province's people: who has which role where, invitations, deactivation (issue 14)
    path("tinh/thiet-lap/nguoi-dung/", accounts.people_list, name="people_list"),
    path("tinh/thiet-lap/nguoi-dung/them/", accounts.person_add, name="person_add"),
    path("tinh/thiet-lap/nguoi-dung/nhap/", accounts.people_import, name="people_import"),
    path(
        "tinh/thiet-lap/nguoi-dung/nhap/xac-nhan/",
        accounts.people_import_confirm,
        name="people_import_confirm",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/khoa/",
        accounts.person_active,
        {"active": False},
        name="person_deactivate",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/mo-khoa/",
        accounts.person_active,
        {"active": True},
        name="person_reactivate",
    ),
    path("tinh/thiet-lap/nguoi-dung/<int:pk>/gui-thu-moi/", accounts.person_invite, name="person_invite"),
    # importing workbooks in the page: preview, then confirm (issue 14)
    path("tinh/thiet-lap/nhap/", sheet_imports.import_home, name="import_home"),
    path("tinh/thiet-lap/nhap/bang-tieu-chi/", rubric_imports.rubric_import, name="rubric_import"),
    path(
        "tinh/thiet-lap/nhap/bang-tieu-chi/xac-nhan/",
        rubric_imports.rubric_import_confirm,
        name="rubric_import_confirm",
    ),
    path("tinh/thiet-lap/nhap/bang-cham-diem/", sheet_imports.sheet_import, name="sheet_import"),
    path(
        "tinh/thiet-lap/nhap/bang-cham-diem/xac-nhan/",
        sheet_imports.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    # a confirmed import runs as a job: its page polls this until it is done (issue 15)
    path("tinh/thiet-lap/nhap/tac-vu/<int:pk>/", accounts.import_job_status, name="import_job_status"),
    path("moi/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
    # accounts and operations
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", system.healthz, name="healthz"),
    path("quan-tri/", admin.site.urls),
]

# Django's own handlers render our Vietnamese 400.html, 403.html and 404.html (400 without the request, so
# that a request too broken to read cannot break its own error page); 500 has its own, with the request id.
handler400 = "django.views.defaults.bad_request"
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "scoring.system.server_error"
