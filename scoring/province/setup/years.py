"""A bloc's years as the province sets them up: opening next year from last year's in one step."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ...models import Agency, BlocMember, BlocYear, Rubric, Sheet
from ...models.agencies import elsewhere_message
from ...rubrics.services import AwardSpec, rubric_copy


@dataclass(frozen=True)
class RubricChoices:
    """What the administrator confirmed for the copied rubric."""

    title: str
    legal_basis: str
    deadline: datetime.date | None
    award_rules: list[AwardSpec]


def bloc_year_problems(
    *, bloc_year: BlocYear, members: list[Agency], leader: Agency | None, deputy_leader: Agency | None
) -> dict[str, list[str]]:
    """Why these members, leader and deputy cannot be saved for that bloc and year, field by field."""
    errors: dict[str, list[str]] = {}
    if (
        BlocYear.objects.filter(bloc_id=bloc_year.bloc_id, year=bloc_year.year)
        .exclude(pk=bloc_year.pk)
        .exists()
    ):
        errors["year"] = [f"{bloc_year.bloc} đã có năm thi đua {bloc_year.year}."]
    elsewhere = BlocMember.objects.elsewhere(
        year=bloc_year.year, agency_ids=[a.pk for a in members], bloc_year_id=bloc_year.pk
    )
    if elsewhere:
        errors["members"] = [elsewhere_message(m) for m in elsewhere.values()]
    bloc_year.leader, bloc_year.deputy_leader = leader, deputy_leader
    for field, message in bloc_year.leader_errors({a.pk for a in members}).items():
        errors[field] = [message]
    return errors


@transaction.atomic
def bloc_year_open(
    *,
    source: BlocYear,
    year: int,
    members: list[Agency],
    leader: Agency,
    deputy_leader: Agency,
    rubric: RubricChoices | None,
) -> BlocYear:
    """The bloc's `year` with these members, leader and deputy, and — when `rubric` is given — a draft copy of
    the source year's rubric with the title, legal basis, deadline and award rules confirmed. All or nothing:
    a ValidationError (field → messages) writes nothing."""
    new = BlocYear(bloc=source.bloc, year=year)
    errors = bloc_year_problems(bloc_year=new, members=members, leader=leader, deputy_leader=deputy_leader)
    old_rubric = (
        Rubric.objects.year_end().filter(bloc=source.bloc, year=source.year).select_related("bloc").first()
    )
    if rubric is not None and Rubric.objects.year_end().filter(bloc=source.bloc, year=year).exists():
        errors.setdefault("year", []).append(f"{source.bloc} đã có bảng tiêu chí năm {year}.")
    if errors:
        raise ValidationError(errors)
    new.save()
    BlocMember.objects.bulk_create(BlocMember(bloc_year=new, agency=agency) for agency in members)
    if rubric is not None and old_rubric is not None:
        rubric_copy(
            rubric=old_rubric,
            year=year,
            title=rubric.title,
            legal_basis=rubric.legal_basis,
            deadline=rubric.deadline,
            award_rules=rubric.award_rules,
        )
    return new


def rubrics_around(source: BlocYear) -> tuple[Rubric | None, bool]:
    """The source year's rubric, and whether the next year already has one (then it is not copied)."""
    rubrics = {
        r.year: r
        for r in Rubric.objects.year_end().filter(bloc=source.bloc, year__in=[source.year, source.year + 1])
    }
    return rubrics.get(source.year), source.year + 1 in rubrics


@transaction.atomic
def bloc_year_update(
    *, bloc_year: BlocYear, members: list[Agency], leader: Agency, deputy_leader: Agency
) -> BlocYear:
    """The year's members, leader and deputy as given. An agency that has a sheet against the year's rubric
    stays: its sheet would be left outside every bloc."""
    errors = bloc_year_problems(
        bloc_year=bloc_year, members=members, leader=leader, deputy_leader=deputy_leader
    )
    keep = {a.pk for a in members}
    with_sheets = (
        Sheet.objects.filter(rubric__bloc_id=bloc_year.bloc_id, rubric__year=bloc_year.year)
        .exclude(agency_id__in=keep)
        .select_related("agency")
    )
    for sheet in with_sheets:
        errors.setdefault("members", []).append(
            f"{sheet.agency} đã có bảng chấm điểm năm {bloc_year.year}: không bỏ khỏi khối được."
        )
    if errors:
        raise ValidationError(errors)
    bloc_year.save()
    bloc_year.memberships.exclude(agency_id__in=keep).delete()
    existing = set(bloc_year.memberships.values_list("agency_id", flat=True))
    BlocMember.objects.bulk_create(
        BlocMember(bloc_year=bloc_year, agency=a) for a in members if a.pk not in existing
    )
    return bloc_year
