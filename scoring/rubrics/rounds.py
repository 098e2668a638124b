"""The rounds of an emulation year: the six-month review (sơ kết 6 tháng) beside the year-end one.

A round is a rubric of its own (`Rubric.round`), with its deadline, status and sheets; the year-end round
keeps the addresses it always had, and the six-month round's pages add one segment after the year
(`khoi/TMTH/2022/so-ket-6-thang/`), which `RoundConverter` reads.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Round, RoundKind, Rubric
from ..models.rounds import KINDS
from .services import rubric_copy


class RoundConverter:
    """`<round:round>` in a URL: a round's segment (`RoundKind.url_segment`); the year-end round has none."""

    def __init__(self):
        self.rounds = {kind.url_segment: kind.value for kind in KINDS.values() if kind.url_segment}
        self.regex = "|".join(re.escape(segment) for segment in sorted(self.rounds, key=len, reverse=True))

    def to_python(self, value: str) -> str:
        return self.rounds[value]

    def to_url(self, value: str) -> str:
        kind = KINDS.get(value)
        if kind is None or not kind.url_segment:
            raise ValueError(value)  # the year-end round's address is the one without the segment
        return kind.url_segment


def mid_year_title(rubric: Rubric) -> str:
    """ "Tiêu chí đánh giá thi đua năm 2022 …" becomes "… sơ kết 6 tháng đầu năm 2022 …"."""
    return round_title(rubric, Round.kind(Round.MID_YEAR))


def round_title(rubric: Rubric, kind: RoundKind) -> str:
    """The title of `kind`'s round, made from the title of the rubric it is opened from."""
    marker, named = f"năm {rubric.year}", kind.titled_period(rubric.year)
    if marker in rubric.title:
        return rubric.title.replace(marker, named, 1)
    return f"{rubric.title} – {named}"


def mid_year_open(*, year_end: Rubric, deadline: datetime.date | None, title: str = "") -> Rubric:
    """The six-month round of the year-end rubric's year."""
    return round_open(source=year_end, round=Round.MID_YEAR, deadline=deadline, title=title)


@transaction.atomic
def round_open(*, source: Rubric, round: str, deadline: datetime.date | None, title: str = "") -> Rubric:
    """`round` of the `source` rubric's bloc and year (the rubric its kind is opened from): a draft copy of
    its criteria (which the rubric editor can then make lighter) with its own deadline, before the source's.
    A ValidationError (field → message) writes nothing."""
    kind, made_from = Round.kind(round), source.round_kind
    errors = {}
    if source.round != kind.opened_from:
        opened_from = Round.kind(kind.opened_from) if kind.opened_from else made_from
        errors["round"] = f"Vòng {kind.report_word} được lập từ bảng tiêu chí {opened_from.named}."
    elif Rubric.objects.filter(bloc=source.bloc, year=source.year, round=round).exists():
        errors["round"] = f"{source.bloc} đã có {kind.name[:1].lower()}{kind.name[1:]} năm {source.year}."
    if deadline is None:
        errors["deadline"] = f"Nhập hạn nộp bảng chấm điểm {kind.named}."
    elif deadline.year != source.year:
        errors["deadline"] = f"Hạn nộp {kind.named} phải trong năm {source.year}."
    elif source.deadline and deadline >= source.deadline:
        errors["deadline"] = (
            f"Hạn nộp {kind.named} phải trước hạn nộp {made_from.named} ({source.deadline:%d/%m/%Y})."
        )
    if errors:
        raise ValidationError(errors)
    return rubric_copy(
        rubric=source,
        year=source.year,
        title=title.strip() or round_title(source, kind),
        legal_basis=source.legal_basis,
        deadline=deadline,
        award_rules=None if kind.proposes_awards else [],
        round=round,
    )


def rounds_of(bloc_id: int, year: int) -> list[Rubric]:
    """The year's rubrics in the year's order: the six-month round before the year-end one."""
    rubrics = Rubric.objects.filter(bloc_id=bloc_id, year=year).select_related("bloc")
    return sorted(rubrics, key=lambda r: r.round_kind.order)
