"""What the province's three workbook upload pages (a rubric, a filled sheet, an agency's staff) share: the
upload field, the form's helper, keeping the upload for its confirmation, and the confirmation's prologue.
Each page keeps only its own fields, preview and import."""

from functools import wraps

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.shortcuts import redirect

from . import staging
from .access import get_province_admin

EXPIRED = "Tệp đã hết hạn hoặc đã được nhập: hãy tải tệp lên lại."
CANCELLED = "Đã hủy: không nhập gì."


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


def confirms_upload(kind: str, *, page: str):
    """Make `view(request, kept)` the confirmation of an upload staged for `kind` on the URL named `page`.

    The province's administrator only (404 for everybody else). The view runs only for a fresh token of
    theirs and the “confirm” button; an expired token or “Hủy” goes back to `page` with a message. Whatever
    the view does, the staged file is discarded after it: a confirmation is never repeated.
    """

    def decorator(view):
        @wraps(view)
        def confirm(request):
            get_province_admin(request)
            token = request.POST.get("token", "")
            kept = staging.staged(token, user=request.user, kind=kind)
            if kept is None:
                messages.error(request, EXPIRED)
                return redirect(page)
            try:
                if request.POST.get("action") != "confirm":
                    messages.info(request, CANCELLED)
                    return redirect(page)
                return view(request, kept)
            finally:
                staging.discard(token, user=request.user)

        return confirm

    return decorator
