"""The sheet's documents, the year-end report, its signatures, and the reports the bloc receives."""

from django.urls import path

from . import views as reports

urlpatterns = [
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
    path(
        "khoi/bao-cao-da-nhan/<int:report_pk>/kiem-tra-lai/",
        reports.received_report_recheck,
        name="received_report_recheck",
    ),
    path(
        "khoi/bao-cao-da-nhan/<int:report_pk>/ban-da-thay-the/<int:old_pk>/",
        reports.received_superseded_file,
        name="received_superseded_file",
    ),
]
