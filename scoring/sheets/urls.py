"""The agency's sheet: home, starting, scoring, submitting, history."""

from django.urls import path

from . import views as sheets

urlpatterns = [
    # the agency's sheet
    path("", sheets.home, name="home"),
    path("bang-cham-diem/bat-dau/<int:rubric_pk>/", sheets.sheet_start, name="sheet_start"),
    path("bang-cham-diem/<int:pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("bang-cham-diem/<int:pk>/cham-diem/", sheets.sheet_edit, name="sheet_edit"),
    path("bang-cham-diem/<int:pk>/nop/", sheets.sheet_submit, name="sheet_submit"),
    path("bang-cham-diem/<int:pk>/lich-su/", sheets.sheet_history, name="sheet_history"),
]
