"""The province's set-up: years, rubrics, the editor, the six-month round, importing a rubric."""

from django.urls import path

from . import editor_views as rubric_editor
from . import import_views as rubric_imports
from . import views as rubrics

urlpatterns = [
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
    path("tinh/thiet-lap/nhap/bang-tieu-chi/", rubric_imports.rubric_import, name="rubric_import"),
    path(
        "tinh/thiet-lap/nhap/bang-tieu-chi/xac-nhan/",
        rubric_imports.rubric_import_confirm,
        name="rubric_import_confirm",
    ),
]
