"""The province's set-up: the overview, a bloc's year, a rubric copied, the six-month round."""

from django.urls import path

from . import views as setup

urlpatterns = [
    path("tinh/thiet-lap/", setup.setup_home, name="setup_home"),
    path(
        "tinh/thiet-lap/khoi/<str:code>/<int:year>/mo-nam-sau/",
        setup.setup_year_open,
        name="setup_year_open",
    ),
    path("tinh/thiet-lap/khoi/<str:code>/<int:year>/", setup.setup_year_edit, name="setup_year_edit"),
    path(
        "tinh/thiet-lap/bang-tieu-chi/<int:pk>/sao-chep/", setup.setup_rubric_copy, name="setup_rubric_copy"
    ),
    path(
        "tinh/thiet-lap/bang-tieu-chi/<int:pk>/so-ket-6-thang/", setup.setup_mid_year, name="setup_mid_year"
    ),
]
