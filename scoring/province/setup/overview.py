"""The province's view of its blocs, year by year, with everything a year still lacks — in five queries."""

from dataclasses import dataclass, field

from django.db.models import Count

from ...models import Agency, Bloc, BlocMember, BlocYear, Membership, Rubric

Role = Membership.Role
STATUS = {
    Rubric.Status.DRAFT: "Đang soạn – các đơn vị chưa thấy",
    Rubric.Status.OPEN: "Đang chấm điểm",
    Rubric.Status.CLOSED: "Đã khóa sổ",
}


@dataclass
class YearRow:
    """One year of a bloc: its bloc-year (members, leader, deputy) and its rubric, either may be missing."""

    year: int
    bloc_year: BlocYear | None
    rubric: Rubric | None  # the year-end round's
    mid_year: Rubric | None = None  # the six-month round's, where the year has one
    members: list[Agency] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return STATUS[self.rubric.status] if self.rubric else "Chưa có bảng tiêu chí"

    @property
    def mid_year_status(self) -> str:
        return STATUS[self.mid_year.status] if self.mid_year else ""


@dataclass
class BlocRow:
    bloc: Bloc
    years: list[YearRow]  # newest first

    @property
    def latest(self) -> BlocYear | None:
        """The bloc-year next year is opened from."""
        return next((row.bloc_year for row in self.years if row.bloc_year), None)

    @property
    def next_year(self) -> int | None:
        """The year "Mở năm thi đua" opens, unless it is already there."""
        latest = self.latest
        if latest is None or any(r.bloc_year and r.year == latest.year + 1 for r in self.years):
            return None
        return latest.year + 1


def setup_overview() -> list[BlocRow]:
    """Every bloc with its years, newest first; whatever a year lacks is said, never left out."""
    bloc_years = {(b.bloc_id, b.year): b for b in BlocYear.objects.select_related("leader", "deputy_leader")}
    members: dict[int, list[Agency]] = {}
    for membership in BlocMember.objects.select_related("agency").order_by("agency__name"):
        members.setdefault(membership.bloc_year_id, []).append(membership.agency)
    rubrics, mid_years = {}, {}
    for r in Rubric.objects.annotate(
        criterion_count=Count("criteria", distinct=True), award_count=Count("award_rules", distinct=True)
    ):
        # a round opened from the year's rubric (the six-month one) sits beside it
        (mid_years if r.round_kind.opened_from else rubrics)[(r.bloc_id, r.year)] = r
    staff: dict[int, set[str]] = {}
    for agency_id, role in Membership.objects.filter(user__is_active=True).values_list("agency_id", "role"):
        staff.setdefault(agency_id, set()).add(role)
    rows = []
    for bloc in Bloc.objects.order_by("name"):
        years = sorted({y for b, y in (*bloc_years, *rubrics) if b == bloc.pk}, reverse=True)
        year_rows = []
        for year in years:
            bloc_year = bloc_years.get((bloc.pk, year))
            row = YearRow(year, bloc_year, rubrics.get((bloc.pk, year)), mid_years.get((bloc.pk, year)))
            row.members = members.get(bloc_year.pk, []) if bloc_year else []
            row.problems = year_problems(row, staff)
            year_rows.append(row)
        rows.append(BlocRow(bloc, year_rows))
    return rows


def year_problems(row: YearRow, staff: dict[int, set[str]]) -> list[str]:
    """What stops the year from being scored, in the administrator's words. A closed year asks for nothing."""
    rubric, bloc_year = row.rubric, row.bloc_year
    if rubric is not None and rubric.status == Rubric.Status.CLOSED:
        return []
    problems = []
    if bloc_year is None:
        problems.append(
            f"Chưa có khối năm {row.year}: chưa có thành viên, khối trưởng, khối phó – "
            "không đơn vị nào thấy bảng tiêu chí."
        )
    else:
        problems += bloc_year_problems(bloc_year, row.members, staff)
    if rubric is None:
        problems.append("Chưa có bảng tiêu chí.")
        return problems
    if not rubric.criterion_count:
        problems.append("Bảng tiêu chí chưa có tiêu chí nào.")
    if not rubric.legal_basis.strip():
        problems.append("Thiếu căn cứ của bảng tiêu chí.")
    if rubric.deadline is None:
        problems.append("Thiếu hạn nộp.")
    if not rubric.award_count:
        problems.append("Thiếu quy tắc khen thưởng.")
    return problems


def bloc_year_problems(bloc_year: BlocYear, members: list[Agency], staff: dict[int, set[str]]) -> list[str]:
    problems = []
    if not members:
        problems.append("Chưa có thành viên.")
    for agency, what in ((bloc_year.leader, "khối trưởng"), (bloc_year.deputy_leader, "khối phó")):
        if agency is None:
            problems.append(f"Chưa có {what}.")
        elif Role.REVIEWER not in staff.get(agency.pk, set()):
            problems.append(f"{what.capitalize()} {agency} chưa có cán bộ chấm điểm.")
    no_one = [a.name for a in members if not staff.get(a.pk, set()) & {Role.EDITOR, Role.HEAD}]
    if no_one:
        problems.append(
            "Chưa có ai nhập hoặc ký bảng chấm điểm (cán bộ nhập liệu, thủ trưởng) của: "
            + ", ".join(no_one)
            + "."
        )
    no_head = [a.name for a in members if a.name not in no_one and Role.HEAD not in staff.get(a.pk, set())]
    if no_head:
        problems.append("Chưa có thủ trưởng (người nộp bảng chấm điểm): " + ", ".join(no_head) + ".")
    return problems
