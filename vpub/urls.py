from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from scoring import views, views_bloc, views_documents, views_system

admin.site.site_header = "Chấm điểm thi đua – quản trị"
admin.site.site_title = "Chấm điểm thi đua"

urlpatterns = [
    path("", views.home, name="home"),
    path("bang-cham-diem/bat-dau/<int:rubric_pk>/", views.sheet_start, name="sheet_start"),
    path("bang-cham-diem/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("bang-cham-diem/<int:pk>/cham-diem/", views.sheet_edit, name="sheet_edit"),
    path("bang-cham-diem/<int:pk>/nop/", views.sheet_submit, name="sheet_submit"),
    path("bang-cham-diem/<int:pk>/lich-su/", views.sheet_history, name="sheet_history"),
    path("bang-cham-diem/<int:pk>/tai.pdf", views_documents.sheet_download, {"fmt": "pdf"}, name="sheet_pdf"),
    path(
        "bang-cham-diem/<int:pk>/tai.xlsx", views_documents.sheet_download, {"fmt": "xlsx"}, name="sheet_xlsx"
    ),
    path("bang-cham-diem/<int:pk>/bao-cao/", views_documents.report_edit, name="report_edit"),
    path("bang-cham-diem/<int:pk>/bao-cao/tai/", views_documents.report_download, name="report_download"),
    path("bang-cham-diem/<int:pk>/bao-cao/ky/", views_documents.report_sign, name="report_sign"),
    path("khoi/bao-cao-da-nhan/", views_documents.received_reports, name="received_reports"),
    path(
        "khoi/bao-cao-da-nhan/<int:report_pk>/",
        views_documents.received_report_file,
        name="received_report_file",
    ),
    path("khoi/<str:code>/<int:year>/", views_bloc.bloc_board, name="bloc_board"),
    path("khoi/<str:code>/<int:year>/xep-hang/", views_bloc.bloc_ranking, name="bloc_ranking"),
    path(
        "khoi/<str:code>/<int:year>/tong-hop.pdf",
        views_bloc.bloc_export,
        {"fmt": "pdf"},
        name="bloc_export_pdf",
    ),
    path(
        "khoi/<str:code>/<int:year>/tong-hop.xlsx",
        views_bloc.bloc_export,
        {"fmt": "xlsx"},
        name="bloc_export_xlsx",
    ),
    path(
        "khoi/<str:code>/<int:year>/khoa-so/",
        views_bloc.round_action,
        {"action": "close"},
        name="round_close",
    ),
    path(
        "khoi/<str:code>/<int:year>/mo-lai/",
        views_bloc.round_action,
        {"action": "reopen"},
        name="round_reopen",
    ),
    path("bang-cham-diem/<int:pk>/tham-dinh/", views_bloc.sheet_review, name="sheet_review"),
    path("don-vi/<str:code>/tai-lieu/", views.document_list, name="document_list"),
    path("don-vi/<str:code>/tai-lieu/them/", views.document_create, name="document_create"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/tep/", views.document_file, name="document_file"),
    path("don-vi/<str:code>/tai-lieu/phan-tich/", views.citation_parse, name="citation_parse"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", views_system.healthz, name="healthz"),
    path("quan-tri/", admin.site.urls),
]

handler500 = "scoring.views_system.server_error"
