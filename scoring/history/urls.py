"""So sánh các năm: an agency's and a bloc's years side by side, and their documents."""

from django.urls import path

from . import views as history

urlpatterns = [
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
]
