"""What the province's desk shows of a year's blocs, in a fixed number of queries whatever their number."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from ..models import BlocMember, BlocYear, Report, Round, Sheet


@dataclass
class BlocLine:
    bloc_year: BlocYear
    members: int = 0
    submitted: int = 0  # sheets the bloc sees: submitted, returned or accepted
    accepted: int = 0
    reports: int = 0  # signed reports received


def province_years() -> list[int]:
    """Every year some bloc has members or leaders set for, newest first."""
    return list(BlocYear.objects.order_by("-year").values_list("year", flat=True).distinct())


def bloc_lines(year: int) -> list[BlocLine]:
    bloc_years = BlocYear.objects.filter(year=year).select_related("bloc", "leader", "deputy_leader")
    lines = {by.bloc_id: BlocLine(by) for by in sorted(bloc_years, key=lambda by: by.bloc.name.casefold())}
    members = BlocMember.objects.filter(bloc_year__year=year).values_list("bloc_year__bloc_id")
    for bloc_id, n in members.annotate(n=Count("pk")).order_by():
        lines[bloc_id].members = n
    sheets = Sheet.objects.filter(
        rubric__year=year, rubric__round=Round.YEAR_END, status__in=Sheet.SEEN_BY_BLOC
    )
    statuses = Counter()
    for bloc_id, status, n in (
        sheets.values_list("rubric__bloc_id", "status").annotate(n=Count("pk")).order_by()
    ):
        statuses[bloc_id] += n
        if status == Sheet.Status.ACCEPTED:
            statuses[bloc_id, "accepted"] += n
    reports = Report.objects.filter(sheet__rubric__year=year, sheet__rubric__round=Round.YEAR_END).exclude(
        signed_pdf=""
    )
    signed = dict(reports.values_list("sheet__rubric__bloc_id").annotate(n=Count("pk")).order_by())
    for bloc_id, line in lines.items():
        line.submitted, line.accepted = statuses[bloc_id], statuses[bloc_id, "accepted"]
        line.reports = signed.get(bloc_id, 0)
    return list(lines.values())
