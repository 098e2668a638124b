"""The award dossier: prepared by the bloc leader, signed and sent; decided by the province."""

from django.urls import path

from . import views as awards

urlpatterns = [
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
]
