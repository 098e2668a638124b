"""The agency's sheet: home, starting, scoring, submitting, history; importing a filled sheet."""

from django.urls import path

from . import import_views as sheet_imports
from . import views as sheets

urlpatterns = [
    # the agency's sheet
    path("", sheets.home, name="home"),
    path("bang-cham-diem/bat-dau/<int:rubric_pk>/", sheets.sheet_start, name="sheet_start"),
    path("bang-cham-diem/<int:pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("bang-cham-diem/<int:pk>/cham-diem/", sheets.sheet_edit, name="sheet_edit"),
    path("bang-cham-diem/<int:pk>/nop/", sheets.sheet_submit, name="sheet_submit"),
    path("bang-cham-diem/<int:pk>/lich-su/", sheets.sheet_history, name="sheet_history"),
    # importing workbooks in the page: preview, then confirm (issue 14)
    path("tinh/thiet-lap/nhap/", sheet_imports.import_home, name="import_home"),
    path("tinh/thiet-lap/nhap/bang-cham-diem/", sheet_imports.sheet_import, name="sheet_import"),
    path(
        "tinh/thiet-lap/nhap/bang-cham-diem/xac-nhan/",
        sheet_imports.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
]
