"""Who may do what: one policy table, and access helpers that answer 404 for other agencies' data."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import (
    Agency,
    BlocMember,
    BlocYear,
    Dossier,
    ExportJob,
    ImportJob,
    Membership,
    Report,
    Rubric,
    Sheet,
)
from .security import log_denied, log_event

Role = Membership.Role
# Roles held from outside the agency, on one sheet the bloc has seen (Sheet.seen_by_bloc): the reviewer
# who may review it (may_review: the leader's reviewers review the members, the deputy's the leader), and
# the province's administrators. Never on a draft, never beyond the sheet's bloc.
BLOC_REVIEWER = "bloc_reviewer"
PROVINCE_ADMIN = "province_admin"
OWN_READ = frozenset({Role.EDITOR, Role.HEAD, Role.REVIEWER, Role.ADMIN})
BLOC_READ = frozenset({BLOC_REVIEWER, PROVINCE_ADMIN})
# The head of the bloc's leader agency, who signs the bloc's giao ước for the bloc.
LEADER_HEAD = "leader_head"

# action → roles (in the agency that owns the object, or the bloc's roles above) allowed to do it
POLICY: dict[str, frozenset[str]] = {
    "sheet.view": OWN_READ | BLOC_READ,
    "sheet.edit": frozenset({Role.EDITOR, Role.HEAD}),
    "sheet.submit": frozenset({Role.HEAD}),
    "sheet.history": OWN_READ | BLOC_READ,
    "sheet.download": OWN_READ | BLOC_READ,  # its PDF and Excel Bảng chấm điểm
    "sheet.evidence": OWN_READ | BLOC_READ,  # the files of the documents it cites, as it cites them
    "report.view": OWN_READ,  # the report stays the agency's until signed (then: received reports)
    # the reviewing agency's signature beside the head's on a received report (may_review: the leader's
    # reviewers for the members, the deputy's for the leader)
    "report.countersign": frozenset({BLOC_REVIEWER}),
    "evidence.view": OWN_READ,
    "evidence.edit": frozenset({Role.EDITOR, Role.HEAD}),
    # the years side by side (So sánh các năm): an agency's own people see every year of it, its drafts
    # too; the bloc's side only the years of it they review (may_review); a bloc's years, those who follow
    # the bloc that year (sees_board)
    "history.agency": OWN_READ | BLOC_READ,
    "history.bloc": BLOC_READ,
    # the pledge (đăng ký thi đua) of an agency for a year; the bloc's side reads it once registered
    "pledge.view": OWN_READ | BLOC_READ,
    "pledge.edit": frozenset({Role.EDITOR, Role.HEAD}),
    "pledge.submit": frozenset({Role.HEAD}),
    # the bloc's giao ước: followed and made (deadline, number, date) by those who follow the bloc, as on its
    # board (the leader's and the deputy's reviewers, the province's administrators), signed by the leader's head
    "covenant.view": BLOC_READ | {LEADER_HEAD},
    "covenant.make": BLOC_READ,
    "covenant.sign": frozenset({LEADER_HEAD}),
    # held in the province office (Agency.is_province_office) only: every bloc, and the setup pages; an
    # import job is only its own administrator's (get_import_job)
    "province.admin": frozenset({Role.ADMIN}),
    # the award dossier: prepared, signed and sent by the reviewers of the bloc-year's leader agency;
    # decided on by the province's administrators (province.admin) once sent
    "dossier.prepare": frozenset({Role.REVIEWER}),
}
# actions that also need the sheet to be open for the agency (draft, or returned by the reviewer)
NEEDS_EDITABLE_SHEET = {"sheet.edit", "sheet.submit"}
# reads of another agency's files through the bloc's roles: each is written to the security log
LOGGED_FROM_OUTSIDE = {"sheet.download", "sheet.evidence"}


def roles_in(user, agency_id: int) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user, agency_id=agency_id).values_list("role", flat=True))


def allowed(action: str, roles: frozenset[str], sheet: Sheet | None = None) -> bool:
    if not roles & POLICY[action]:
        return False
    return not (action in NEEDS_EDITABLE_SHEET and sheet is not None and not sheet.is_editable)


def _denied(request, exception, what: str):
    """Log the refusal in the security log, then refuse."""
    log_denied(request, what)
    raise exception


def get_sheet_for_user(request, pk: int, action: str = "sheet.view") -> tuple[Sheet, frozenset[str]]:
    """The sheet and the user's roles on it; 404 if it is not theirs, 403 if their role in its agency may not.

    Its agency's roles, or the bloc's (BLOC_REVIEWER, PROVINCE_ADMIN) for the actions granted to them;
    to anybody else, a sheet of another agency does not exist."""
    sheet = Sheet.objects.select_related("rubric__bloc", "agency").filter(pk=pk).first()
    roles = roles_in(request.user, sheet.agency_id) if sheet is not None else frozenset()
    if sheet is not None and not roles:
        roles = _bloc_roles(request.user, sheet) & POLICY[action]
        if roles and action in LOGGED_FROM_OUTSIDE:
            log_event("bloc_read", request, outcome="allowed")
    if not roles:
        _denied(request, Http404(), "not_found")
    if not roles & POLICY[action]:
        _denied(request, PermissionDenied(), "forbidden")
    return sheet, roles


def _bloc_roles(user, sheet: Sheet) -> frozenset[str]:
    """The roles the user holds on another agency's sheet through its bloc: none on a draft."""
    if not user.is_authenticated or not sheet.seen_by_bloc:
        return frozenset()
    bloc_year = BlocYear.objects.filter(bloc_id=sheet.rubric.bloc_id, year=sheet.rubric.year).first()
    roles = roles_of(user)
    if bloc_year is None or not may_review(roles, sheet, bloc_year):
        return frozenset()
    return frozenset({PROVINCE_ADMIN if roles.province_admin else BLOC_REVIEWER})


def get_agency_for_user(request, code: str, action: str = "evidence.view") -> tuple[Agency, frozenset[str]]:
    try:
        agency = get_object_or_404(
            Agency.objects.filter(memberships__user__pk=request.user.pk).distinct(), code=code
        )
    except Http404 as exc:
        _denied(request, exc, "not_found")
    roles = roles_in(request.user, agency.pk)
    if not roles & POLICY[action]:
        _denied(request, PermissionDenied(), "forbidden")
    return agency, roles


def get_agencies_for_user(request) -> list[tuple[Agency, frozenset[str]]]:
    """The user's own agencies, by name, each with the user's roles in it."""
    roles: dict[int, set[str]] = {}
    agencies: dict[int, Agency] = {}
    memberships = Membership.objects.filter(user=request.user).select_related("agency")
    for membership in memberships.order_by("agency__name"):
        agencies[membership.agency_id] = membership.agency
        roles.setdefault(membership.agency_id, set()).add(membership.role)
    return [(agency, frozenset(roles[pk])) for pk, agency in agencies.items()]


def get_rubric_to_start(request, rubric_pk: int) -> tuple[Rubric, Agency]:
    """An open rubric and the user's agency that is scored against it (the one the home page's card names, for
    a user who scores for more than one member), if the user may score for that agency; 404 otherwise."""
    rubric = Rubric.objects.filter(pk=rubric_pk, status=Rubric.Status.OPEN).select_related("bloc").first()
    member = None
    if rubric is not None:
        members = BlocMember.objects.filter(
            bloc_year__bloc=rubric.bloc,
            bloc_year__year=rubric.year,
            agency__memberships__user=request.user,
            agency__memberships__role__in=POLICY["sheet.edit"],
        )
        if request.POST.get("agency"):
            members = members.filter(agency__code=request.POST["agency"])
        member = members.select_related("agency").order_by("agency__name").first()
    if member is None:
        _denied(request, Http404(), "not_found")
    return rubric, member.agency


def bound_data(request) -> tuple:
    """(data, files) for a form: bound on any POST, even an empty one, unbound otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# ---------------------------------------------------------------- the bloc's side


@dataclass(frozen=True)
class Roles:
    """A user's roles agency by agency, and whether they administer the province.

    Only an administrator of the province office (Agency.is_province_office) acts beyond their own
    agency; any other agency's roles, its "admin" included, stay inside that agency.
    """

    by_agency: dict[int, frozenset[str]]
    province_admin: bool = False

    def in_agency(self, agency_id: int | None) -> frozenset[str]:
        return self.by_agency.get(agency_id, frozenset())


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles({})
    by_agency: dict[int, set[str]] = {}
    province_admin = False
    rows = Membership.objects.filter(user=user).values_list("agency_id", "role", "agency__is_province_office")
    for agency_id, role, province_office in rows:
        by_agency.setdefault(agency_id, set()).add(role)
        province_admin = province_admin or (role in POLICY["province.admin"] and province_office)
    return Roles({pk: frozenset(r) for pk, r in by_agency.items()}, province_admin)


def sees_board(roles: Roles, bloc_year) -> bool:
    """The leader's and deputy's reviewers, and the province's administrators, follow the whole bloc."""
    if roles.province_admin:
        return True
    return any(
        Role.REVIEWER in roles.in_agency(agency_id)
        for agency_id in (bloc_year.leader_id, bloc_year.deputy_leader_id)
    )


def may_review(roles: Roles, sheet: Sheet, bloc_year) -> bool:
    """Nobody reviews their own agency: the leader reviews the members, the deputy reviews the leader.

    A draft is the agency's own until it is submitted: nobody on the bloc's side opens it."""
    if not sheet.seen_by_bloc or sheet.agency_id in roles.by_agency:
        return False
    if roles.province_admin:
        return True
    return Role.REVIEWER in roles.in_agency(reviewing_agency_id(sheet, bloc_year))


def reviewing_agency_id(sheet: Sheet, bloc_year) -> int | None:
    """The agency that reviews the sheet: the leader reviews the members, the deputy reviews the leader."""
    return bloc_year.deputy_leader_id if sheet.agency_id == bloc_year.leader_id else bloc_year.leader_id


def bloc_years_followed(user, roles: Roles | None = None) -> list[BlocYear]:
    """The bloc-years whose board the user sees, newest first."""
    roles = roles or roles_of(user)
    bloc_years = BlocYear.objects.select_related("bloc").order_by("-year", "bloc__name")
    return [bloc_year for bloc_year in bloc_years if sees_board(roles, bloc_year)]


def get_bloc_year(
    request, code: str, year: int, *, round: str = Rubric.Round.YEAR_END, members_once_closed: bool = False
):
    """(bloc_year, the round's rubric, roles) for those who follow the bloc; members too once the round is
    closed."""
    bloc_year = get_object_or_404(
        BlocYear.objects.select_related("bloc", "leader", "deputy_leader"), bloc__code=code, year=year
    )
    rubric = get_object_or_404(
        Rubric.objects.select_related("bloc"), bloc=bloc_year.bloc, year=year, round=round
    )
    roles = roles_of(request.user)
    if sees_board(roles, bloc_year):
        return bloc_year, rubric, roles
    is_member = bloc_year.memberships.filter(agency_id__in=roles.by_agency).exists()
    if members_once_closed and is_member and rubric.status == rubric.Status.CLOSED:
        return bloc_year, rubric, roles
    _denied(request, Http404(), "not_found")


def get_sheet_for_reviewer(request, pk: int):
    """(sheet, bloc_year, roles) if the user reviews this sheet; 404 otherwise."""
    sheet = get_object_or_404(Sheet.objects.select_related("rubric__bloc", "agency"), pk=pk)
    bloc_year = BlocYear.objects.filter(bloc=sheet.rubric.bloc, year=sheet.rubric.year).first()
    roles = roles_of(request.user)
    if bloc_year is None or not may_review(roles, sheet, bloc_year):
        _denied(request, Http404(), "not_found")
    return sheet, bloc_year, roles


def get_report_to_countersign(request, pk: int) -> tuple[Report, Agency]:
    """The signed report of sheet `pk` and the agency its reviewer signs for; 404 to all but that reviewer."""
    sheet, _ = get_sheet_for_user(request, pk, "report.countersign")
    report = Report.objects.filter(sheet=sheet).exclude(signed_pdf="").select_related("sheet__agency").first()
    if report is None:
        _denied(request, Http404(), "not_found")
    bloc_year = BlocYear.objects.select_related("leader", "deputy_leader").get(
        bloc_id=sheet.rubric.bloc_id, year=sheet.rubric.year
    )
    agency = (
        bloc_year.deputy_leader
        if reviewing_agency_id(sheet, bloc_year) == bloc_year.deputy_leader_id
        else bloc_year.leader
    )
    return report, agency


def get_export_job(request, code: str, year: int, pk: int) -> ExportJob:
    """A bloc's export job for those who see the bloc's tables (get_bloc_year); 404 for everybody else."""
    bloc_year, _, _ = get_bloc_year(request, code, year)
    job = ExportJob.objects.filter(pk=pk, bloc_year=bloc_year).select_related("bloc_year__bloc").first()
    if job is None:
        _denied(request, Http404(), "not_found")
    return job


# ---------------------------------------------------------------- the province's desk and setup pages


def get_province_admin(request) -> Roles:
    """The province's desk and setup pages are its administrators' alone: 404 for everybody else."""
    roles = roles_of(request.user)
    if not roles.province_admin:
        _denied(request, Http404(), "not_found")
    return roles


def get_province_export_job(request, year: int, pk: int) -> ExportJob:
    """A job of the province's table of `year`, for the province's administrators; 404 for everybody else."""
    get_province_admin(request)
    job = ExportJob.objects.for_province(year).filter(pk=pk).first()
    if job is None:
        _denied(request, Http404(), "not_found")
    return job


def get_import_job(request, pk, kind: str | None = None, *, admin: Roles | None = None) -> ImportJob:
    """An import job (of `kind`, if given) for the province's administrator who confirmed it: a job holds
    what one person uploaded, so another administrator, like everybody else, gets 404. `admin`: the
    caller's get_province_admin, if it asked already."""
    if admin is None:
        get_province_admin(request)
    job = None
    if str(pk).isdigit():
        jobs = ImportJob.objects.filter(pk=int(pk), requested_by=request.user)
        job = (jobs.filter(kind=kind) if kind else jobs).first()
    if job is None:
        _denied(request, Http404(), "not_found")
    return job


def get_bloc_year_to_set_up(request, code: str, year: int) -> BlocYear:
    get_province_admin(request)
    return get_object_or_404(
        BlocYear.objects.select_related("bloc", "leader", "deputy_leader"), bloc__code=code, year=year
    )


def get_rubric_to_set_up(request, pk: int) -> Rubric:
    """Any rubric, for the province's administrators (its editor); 404 for everybody else."""
    rubric = None
    if roles_of(request.user).province_admin:
        rubric = Rubric.objects.select_related("bloc").filter(pk=pk).first()
    if rubric is None:
        _denied(request, Http404(), "not_found")
    return rubric


# ---------------------------------------------------------------- the award dossier


def prepares_dossier(roles: Roles, bloc_year) -> bool:
    """The bloc-year's leader agency prepares its dossier, through its reviewers."""
    return bool(bloc_year.leader_id and roles.in_agency(bloc_year.leader_id) & POLICY["dossier.prepare"])


def get_bloc_year_for_dossier(request, code: str, year: int) -> tuple[BlocYear, Rubric]:
    """(bloc_year, rubric) for the leader's reviewers of that year; 404 for everybody else."""
    bloc_year = (
        BlocYear.objects.select_related("bloc", "leader", "deputy_leader")
        .filter(bloc__code=code, year=year)
        .first()
    )
    rubric = Rubric.objects.year_end().filter(bloc__code=code, year=year).first() if bloc_year else None
    if rubric is None or not prepares_dossier(roles_of(request.user), bloc_year):
        _denied(request, Http404(), "not_found")
    return bloc_year, rubric


def get_dossier_for_user(request, pk: int, action: str = "") -> tuple[Dossier, Roles]:
    """A dossier for its bloc-year's leader's reviewers ("dossier.prepare") and, once sent, the province's
    administrators ("province.admin"); no action: either may read it. 404 for everybody else, and for the
    province while it is a draft."""
    dossier = Dossier.objects.select_related("bloc_year__bloc", "bloc_year__leader").filter(pk=pk).first()
    roles = roles_of(request.user)
    if dossier is not None:
        prepares = prepares_dossier(roles, dossier.bloc_year)
        decides = roles.province_admin and dossier.is_sent
        if {"dossier.prepare": prepares, "province.admin": decides}.get(action, prepares or decides):
            return dossier, roles
    _denied(request, Http404(), "not_found")
