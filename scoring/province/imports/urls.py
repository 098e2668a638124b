"""Importing workbooks in the page: preview, then confirm; the confirmed import runs as a job (issues 14, 15)."""

from django.urls import path

from . import rubric_views as rubric_imports
from . import sheet_views as sheet_imports
from . import views as imports

urlpatterns = [
    path("tinh/thiet-lap/nhap/", sheet_imports.import_home, name="import_home"),
    path("tinh/thiet-lap/nhap/bang-cham-diem/", sheet_imports.sheet_import, name="sheet_import"),
    path(
        "tinh/thiet-lap/nhap/bang-cham-diem/xac-nhan/",
        sheet_imports.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    path("tinh/thiet-lap/nhap/bang-tieu-chi/", rubric_imports.rubric_import, name="rubric_import"),
    path(
        "tinh/thiet-lap/nhap/bang-tieu-chi/xac-nhan/",
        rubric_imports.rubric_import_confirm,
        name="rubric_import_confirm",
    ),
    # a confirmed import runs as a job: its page polls this until it is done
    path("tinh/thiet-lap/nhap/tac-vu/<int:pk>/", imports.import_job_status, name="import_job_status"),
]
