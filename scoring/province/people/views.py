"""The province administrator's people pages: the list, adding a person, a staff workbook, invitations.

Each view checks the administrator first (access.get_province_admin: 404 for everybody else), validates,
calls a service in accounts/people.py, and redirects or renders. The page where an invited person sets
their password is accounts/views.py.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ...accounts import people
from ...accounts.access import bound_data, get_province_admin
from ...accounts.roster import people_import_job, read_roster
from ...jobs import staging
from ...models import ImportJob, Membership
from ...workbooks import WorkbookError
from ..imports.uploads import shown_import_job, stage_upload, upload_confirmation
from .forms import PeopleFilterForm, PersonForm, RosterUploadForm

ROSTER = ImportJob.Kind.PEOPLE.value
NOT_SENT = (
    "máy chủ thư không nhận. Tài khoản đã được tạo; khi máy chủ thư hoạt động lại, bấm “Gửi lại thư mời” "
    "ở dòng của người đó trong danh sách bên dưới."
)


def _get_person(request, pk: int):
    """A person of the agencies (not a superuser without any role), for the province's administrator."""
    get_province_admin(request)
    return get_object_or_404(
        get_user_model().objects.filter(is_superuser=False, memberships__isnull=False).distinct(), pk=pk
    )


def _back(agency_code: str = "") -> str:
    url = reverse("people_list")
    return f"{url}?{urlencode({'agency': agency_code})}" if agency_code else url


@login_required
@require_GET
def people_list(request):
    get_province_admin(request)
    form = PeopleFilterForm(request.GET or None)
    rows = Membership.objects.select_related("user", "agency").order_by(
        "agency__name", "user__last_name", "user__first_name", "role"
    )
    if form.is_valid():
        if form.cleaned_data["agency"]:
            rows = rows.filter(agency=form.cleaned_data["agency"])
        if form.cleaned_data["role"]:
            rows = rows.filter(role=form.cleaned_data["role"])
        query = form.cleaned_data["q"].strip()
        if query:
            rows = rows.filter(
                Q(user__last_name__icontains=query)
                | Q(user__first_name__icontains=query)
                | Q(user__email__icontains=query)
            )
    return render(request, "scoring/people_list.html", {"form": form, "rows": list(rows)})


@login_required
def person_add(request):
    get_province_admin(request)
    form = PersonForm(bound_data(request)[0], initial={"agency": request.GET.get("agency")})
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        person = form.cleaned_data["person"]
        try:
            _, sent = people.people_invite(agency=agency, people=[person], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            added = f"Đã thêm {person.full_name} ({person.role_label}, {agency.name})"
            if sent:
                messages.success(request, f"{added} và gửi thư mời đến {person.email}.")
            else:
                messages.warning(
                    request, f"{added} nhưng chưa gửi được thư mời đến {person.email}: {NOT_SENT}"
                )
            return redirect(_back(agency.code))
    return render(request, "scoring/person_form.html", {"form": form})


def _roster_page(request, form, *, checked=None, staged=None, agency=None, job=None):
    context = {
        "form": form,
        "checked": checked or [],
        "staged": staged,
        "agency": agency,
        "errors": sum(len(p.errors) for p in checked or []),
        "job": job,
        "job_done_url": _back(job.params.get("agency", "")) if job else "",
    }
    return render(request, "scoring/people_import.html", context)


@login_required
def people_import(request):
    admin = get_province_admin(request)
    form = RosterUploadForm(*bound_data(request), initial={"agency": request.GET.get("agency")})
    if request.method != "POST" or not form.is_valid():
        return _roster_page(request, form, job=shown_import_job(request, ROSTER, admin=admin))
    agency = form.cleaned_data["agency"]
    kept = stage_upload(request, form, kind=ROSTER, params={"agency": agency.code})
    if kept is None:
        return _roster_page(request, form)
    try:
        checked = people.check_people(read_roster(kept.path), agency=agency)
    except WorkbookError as exc:
        staging.discard(kept.token, user=request.user)
        for problem in exc.problems:
            form.add_error("upload", problem)
        return _roster_page(request, form)
    if any(p.errors for p in checked):
        staging.discard(kept.token, user=request.user)  # nothing to confirm: the file is not kept
        kept = None
    return _roster_page(request, form, checked=checked, staged=kept, agency=agency)


people_import_confirm = upload_confirmation(ROSTER, page="people_import", task_=people_import_job)


@login_required
@require_POST
def person_active(request, pk: int, active: bool):
    person = _get_person(request, pk)
    try:
        people.person_set_active(user=person, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        done = "Đã mở lại tài khoản của" if active else "Đã khóa tài khoản của"
        messages.success(request, f"{done} {people.full_name(person)}.")
    return redirect(_back(request.POST.get("agency", "")[:20]))


@login_required
@require_POST
def person_invite(request, pk: int):
    person = _get_person(request, pk)
    if not person.is_active or person.has_usable_password():
        messages.error(
            request, f"{people.full_name(person)} đã đặt mật khẩu hoặc đang bị khóa: không gửi thư mời."
        )
    elif people.send_invitations([person], by=request.user):
        messages.success(request, f"Đã gửi lại thư mời đến {person.email}.")
    else:
        messages.error(
            request,
            f"Chưa gửi được thư mời đến {person.email}: máy chủ thư không nhận. "
            "Xin báo cho quản trị hệ thống kiểm tra máy chủ thư rồi bấm “Gửi lại thư mời” lần nữa.",
        )
    return redirect(_back())
