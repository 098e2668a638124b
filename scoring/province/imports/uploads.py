"""What the province's three workbook upload pages (a rubric, a filled sheet, an agency's staff) share: the
upload field, the form's helper, keeping the upload for its confirmation, the confirmation (which queues the
import as a job: jobs.imports) and the job the page then follows. Each page keeps only its own fields,
preview and import."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ...accounts.access import get_import_job, get_province_admin
from ...jobs import staging
from ...jobs.imports import expire_lost_imports, import_job_start
from ...models import ImportJob

EXPIRED = "Tệp đã hết hạn hoặc đã được nhập: hãy tải tệp lên lại."
CANCELLED = "Đã hủy: không nhập gì."
JOB_PARAMETER = "tac-vu"


def xlsx_upload_field(help_text: str) -> forms.FileField:
    return forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text=help_text,
        error_messages={"required": "Chọn tệp Excel.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def upload_helper(*fields) -> FormHelper:
    """The form's `fields`, then “Xem trước”; multipart, and the browser's own checks left to ours."""
    helper = FormHelper()
    helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
    helper.layout = Layout(*fields, Submit("preview", "Xem trước"))
    return helper


def stage_upload(request, form, *, kind: str, params: dict) -> staging.Staged | None:
    """The valid form's upload, kept for its confirmation; None, with the reason on the form, if refused."""
    try:
        return staging.stage(form.cleaned_data["upload"], user=request.user, kind=kind, params=params)
    except staging.UploadRefused as exc:
        form.add_error("upload", str(exc))
        return None


def upload_confirmation(kind: str, *, page: str, task_):
    """The confirmation view of an upload staged for `kind` on the URL named `page`: “Xác nhận” queues the
    import job `task_` (jobs.imports) and goes back to `page`, which follows the job (?tac-vu=<pk>).

    The province's administrator only (404 for everybody else). An expired token goes back to `page` with a
    message; “Hủy” removes the file. An upload confirmed twice leads to its one job.
    """

    @login_required
    @require_POST
    def confirm(request):
        get_province_admin(request)
        token = request.POST.get("token", "")
        job = ImportJob.objects.filter(token=token, requested_by=request.user, kind=kind).first()
        kept = None if job else staging.staged(token, user=request.user, kind=kind)
        if job is None and kept is None:
            messages.error(request, EXPIRED)
            return redirect(page)
        if job is None and request.POST.get("action") != "confirm":
            staging.discard(token, user=request.user)
            messages.info(request, CANCELLED)
            return redirect(page)
        job = job or import_job_start(kept=kept, by=request.user, task_=task_)
        return redirect(job_url(page, job))

    return confirm


def job_url(page: str, job: ImportJob) -> str:
    return f"{reverse(page)}?{JOB_PARAMETER}={job.pk}#tac-vu"


def shown_import_job(request, kind: str, *, admin) -> ImportJob | None:
    """The job the page was asked to follow (?tac-vu=<pk>): the administrator's own, else 404. `admin`: the
    page's get_province_admin."""
    if request.method != "GET" or JOB_PARAMETER not in request.GET:
        return None
    expire_lost_imports()
    return get_import_job(request, request.GET[JOB_PARAMETER], kind, admin=admin)
