"""The rounds of an emulation year: the six-month review (sơ kết 6 tháng) beside the year-end one.

A round is a rubric of its own (`Rubric.round`), with its deadline, status and sheets; the year-end round
keeps the addresses it always had, and the six-month round's pages add one segment after the year
(`khoi/TMTH/2022/so-ket-6-thang/`), which `RoundConverter` reads.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Rubric
from .services import rubric_copy

MID_YEAR_SEGMENT = "so-ket-6-thang"


class RoundConverter:
    """`<round:round>` in a URL: only the six-month round has a segment; the year-end round has none."""

    regex = MID_YEAR_SEGMENT

    def to_python(self, value: str) -> str:
        return Rubric.Round.MID_YEAR

    def to_url(self, value: str) -> str:
        if value != Rubric.Round.MID_YEAR:
            raise ValueError(value)  # the year-end round's address is the one without the segment
        return MID_YEAR_SEGMENT


def mid_year_title(rubric: Rubric) -> str:
    """ "Tiêu chí đánh giá thi đua năm 2022 …" becomes "… sơ kết 6 tháng đầu năm 2022 …"."""
    marker = f"năm {rubric.year}"
    if marker in rubric.title:
        return rubric.title.replace(marker, f"sơ kết 6 tháng đầu năm {rubric.year}", 1)
    return f"{rubric.title} – sơ kết 6 tháng đầu năm {rubric.year}"


@transaction.atomic
def mid_year_open(*, year_end: Rubric, deadline: datetime.date | None, title: str = "") -> Rubric:
    """The six-month round of the year-end rubric's year: a draft copy of its criteria (which the rubric
    editor can then make lighter) with its own deadline. A ValidationError (field → message) writes nothing."""
    errors = {}
    if year_end.is_mid_year:
        errors["round"] = "Vòng sơ kết được lập từ bảng tiêu chí tổng kết năm."
    elif Rubric.objects.filter(bloc=year_end.bloc, year=year_end.year, round=Rubric.Round.MID_YEAR).exists():
        errors["round"] = f"{year_end.bloc} đã có vòng sơ kết 6 tháng năm {year_end.year}."
    if deadline is None:
        errors["deadline"] = "Nhập hạn nộp bảng chấm điểm sơ kết 6 tháng."
    elif deadline.year != year_end.year:
        errors["deadline"] = f"Hạn nộp sơ kết 6 tháng phải trong năm {year_end.year}."
    elif year_end.deadline and deadline >= year_end.deadline:
        errors["deadline"] = (
            f"Hạn nộp sơ kết 6 tháng phải trước hạn nộp tổng kết năm ({year_end.deadline:%d/%m/%Y})."
        )
    if errors:
        raise ValidationError(errors)
    return rubric_copy(
        rubric=year_end,
        year=year_end.year,
        title=title.strip() or mid_year_title(year_end),
        legal_basis=year_end.legal_basis,
        deadline=deadline,
        award_rules=[],  # awards are proposed from the year-end ranking only
        round=Rubric.Round.MID_YEAR,
    )


def rounds_of(bloc_id: int, year: int) -> list[Rubric]:
    """The year's rubrics in the year's order: the six-month round ("mid") before the year-end one."""
    return list(Rubric.objects.filter(bloc_id=bloc_id, year=year).select_related("bloc").order_by("round"))
