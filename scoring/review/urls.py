"""The bloc's side: board, ranking, closing the round, the bloc's tables as jobs, the review."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from ..rubrics.rounds import RoundConverter
from . import views as review

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
]
