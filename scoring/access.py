"""Who may do what: one policy table, and access helpers that answer 404 for other agencies' data."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Agency, Membership, Sheet

Role = Membership.Role

# action → roles (in the agency that owns the object) allowed to do it
POLICY: dict[str, frozenset[str]] = {
    "sheet.view": frozenset({Role.EDITOR, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
    "sheet.edit": frozenset({Role.EDITOR, Role.HEAD}),
    "sheet.submit": frozenset({Role.HEAD}),
    "sheet.history": frozenset({Role.EDITOR, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
    "document.view": frozenset({Role.EDITOR, Role.HEAD, Role.REVIEWER, Role.ADMIN}),
    "document.edit": frozenset({Role.EDITOR, Role.HEAD}),
}
# actions that also need the sheet to be open for the agency (draft, or returned by the reviewer)
NEEDS_EDITABLE_SHEET = {"sheet.edit", "sheet.submit"}


def roles_in(user, agency_id: int) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user, agency_id=agency_id).values_list("role", flat=True))


def allowed(action: str, roles: frozenset[str], sheet: Sheet | None = None) -> bool:
    if not roles & POLICY[action]:
        return False
    return not (action in NEEDS_EDITABLE_SHEET and sheet is not None and not sheet.is_editable)


def get_sheet_for_user(request, pk: int, action: str = "sheet.view") -> tuple[Sheet, frozenset[str]]:
    """The sheet and the user's roles in its agency; 404 if it is not theirs, 403 if their role may not."""
    sheet = get_object_or_404(
        Sheet.objects.for_user(request.user).select_related("rubric__bloc", "agency"), pk=pk
    )
    roles = roles_in(request.user, sheet.agency_id)
    if not roles & POLICY[action]:
        raise PermissionDenied
    return sheet, roles


def get_agency_for_user(request, code: str, action: str = "document.view") -> tuple[Agency, frozenset[str]]:
    agency = get_object_or_404(
        Agency.objects.filter(memberships__user__pk=request.user.pk).distinct(), code=code
    )
    roles = roles_in(request.user, agency.pk)
    if not roles & POLICY[action]:
        raise PermissionDenied
    return agency, roles


def bound_data(request) -> tuple:
    """(data, files) for a form: bound on any POST, even an empty one, unbound otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
