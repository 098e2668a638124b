"""Access helpers for what belongs to a year rather than to one sheet: the years side by side (So sánh các
năm), a year's pledges and giao ước, and the six-month sheet a year-end sheet starts from. The rules are the policy table's (access.POLICY)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from ..models import Agency, BlocMember, BlocYear, Membership, Pledge, Round, Rubric, Sheet
from .access import (
    BLOC_READ,
    BLOC_REVIEWER,
    LEADER_HEAD,
    POLICY,
    PROVINCE_ADMIN,
    Roles,
    _denied,
    may_review,
    roles_in,
    roles_of,
    sees_board,
)

Role = Membership.Role


# ---------------------------------------------------------------- the years side by side


def get_agency_years_for_history(request, code: str) -> tuple[Agency, list[BlocYear], Roles, bool]:
    """(agency, the bloc-years it has a sheet in, oldest first, the user's roles, whether they are the
    agency's own people). The years are then shown one by one (history_year_shown); nobody but its own
    people, the province's administrators and reviewers gets this far, everybody else 404."""
    agency = Agency.objects.filter(code=code).first()
    roles = roles_of(request.user)
    own = agency is not None and bool(roles.in_agency(agency.pk) & POLICY["history.agency"])
    reviews = any(Role.REVIEWER in held for held in roles.by_agency.values())
    if agency is None or not (own or roles.province_admin or reviews):
        _denied(request, Http404(), "not_found")
    has_sheet = Sheet.objects.filter(
        agency=agency,
        rubric__bloc=OuterRef("bloc"),
        rubric__year=OuterRef("year"),
        rubric__round=Round.YEAR_END,
    )
    bloc_years = list(
        BlocYear.objects.filter(Exists(has_sheet))
        .select_related("bloc", "leader", "deputy_leader")
        .order_by("year", "bloc__name")
    )
    return agency, bloc_years, roles, own


def history_year_shown(roles: Roles, agency_id: int, sheet: Sheet, bloc_year: BlocYear) -> bool:
    """A year of an agency's comparison: every one to its own people (a draft's numbers included), to the
    bloc's side only a sheet they may review (submitted, and in a bloc they review that year)."""
    if roles.in_agency(agency_id) & POLICY["history.agency"]:
        return True
    return may_review(roles, sheet, bloc_year)


def require_history_years(request, roles: Roles, own: bool, shown: int) -> None:
    """A reviewer who may see no year of the agency does not learn that it exists: 404."""
    if not (own or roles.province_admin or shown):
        _denied(request, Http404(), "not_found")


def get_bloc_years_for_history(request, code: str) -> tuple[list[BlocYear], Roles]:
    """The bloc's years the user follows (sees_board), oldest first; 404 if none."""
    roles = roles_of(request.user)
    bloc_years = [
        bloc_year
        for bloc_year in BlocYear.objects.filter(bloc__code=code)
        .select_related("bloc", "leader", "deputy_leader")
        .order_by("year")
        if sees_board(roles, bloc_year)
    ]
    if not bloc_years:
        _denied(request, Http404(), "not_found")
    return bloc_years, roles


# ---------------------------------------------------------------- pledges and the bloc's giao ước


def get_pledge_for_user(request, code: str, year: int, action: str = "pledge.view"):
    """(bloc_year, agency, pledge or None, roles) for the agency's pledge of `year`.

    The agency's own roles; from outside, the leader's reviewers and the province's administrators read a
    registered pledge (never a draft). To anybody else it does not exist (404); a role of the agency that
    may not do `action` gets 403."""
    member = (
        BlocMember.objects.filter(agency__code=code, bloc_year__year=year)
        .select_related("agency", "bloc_year__bloc", "bloc_year__leader")
        .first()
    )
    if member is None:
        _denied(request, Http404(), "not_found")
    bloc_year, agency = member.bloc_year, member.agency
    pledge = Pledge.objects.filter(bloc_year=bloc_year, agency=agency).prefetch_related("titles").first()
    roles = roles_in(request.user, agency.pk)
    if not roles and pledge is not None and pledge.is_submitted:
        roles = covenant_roles(roles_of(request.user), bloc_year) & BLOC_READ & POLICY[action]
    if not roles:
        _denied(request, Http404(), "not_found")
    if not roles & POLICY[action]:
        _denied(request, PermissionDenied(), "forbidden")
    return bloc_year, agency, pledge, roles


def covenant_roles(roles: Roles, bloc_year) -> frozenset[str]:
    """The roles the user holds on the bloc's giao ước: the reviewers of those who follow the bloc (leader
    and deputy, as sees_board), the leader's head, who signs it for the bloc, the province's administrators."""
    held = set()
    if roles.province_admin:
        held.add(PROVINCE_ADMIN)
    if sees_board(roles, bloc_year) and not roles.province_admin:
        held.add(BLOC_REVIEWER)
    if bloc_year.leader_id and Role.HEAD in roles.in_agency(bloc_year.leader_id):
        held.add(LEADER_HEAD)
    return frozenset(held)


def get_covenant_bloc_year(request, code: str, year: int, action: str = "covenant.view"):
    """(bloc_year, roles) for those who may do `action` on the bloc's giao ước; 404 for everybody else."""
    bloc_year = BlocYear.objects.select_related("bloc", "leader").filter(bloc__code=code, year=year).first()
    roles = covenant_roles(roles_of(request.user), bloc_year) if bloc_year is not None else frozenset()
    if not roles & POLICY[action]:
        _denied(request, Http404(), "not_found")
    return bloc_year, roles


# ---------------------------------------------------------------- the rounds of a year


def mid_year_source(request, rubric: Rubric, agency: Agency, pk: str) -> Sheet:
    """The agency's own six-month sheet of the year-end `rubric`'s bloc and year; 404 for any other sheet."""
    sheet, pk = None, str(pk)
    starts_from = rubric.round_kind.starts_from
    if pk.isascii() and pk.isdigit() and len(pk) <= 12 and starts_from:
        sheet = (
            Sheet.objects.filter(
                pk=int(pk),
                agency=agency,
                rubric__bloc_id=rubric.bloc_id,
                rubric__year=rubric.year,
                rubric__round=starts_from,
            )
            .select_related("rubric")
            .first()
        )
    if sheet is None:
        _denied(request, Http404(), "not_found")
    return sheet
