"""The province administrator's import pages: the landing that leads to both, and an agency's filled sheet
— upload, see what `import_sheet --dry-run` says (errors, warnings, totals), confirm to write.

The preview is the command's dry run (read_sheet: it parses and writes nothing, and opens no transaction);
the confirmed import is `import_sheet`, one transaction. The upload is kept in accounts.staging between the
two and removed once the preview finds an error, or the administrator confirms or cancels.
"""

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..accounts import staging
from ..accounts.access import bound_data, get_province_admin
from ..accounts.forms import agency_field
from ..accounts.uploads import confirms_upload, stage_upload, upload_helper, xlsx_upload_field
from ..models import Agency, Sheet
from ..workbooks import WorkbookError
from .workbook import Problem, SheetImport, import_sheet, read_sheet

KIND = "sheet"


@login_required
@require_GET
def import_home(request):
    get_province_admin(request)
    return render(request, "scoring/import_home.html", {"tab": "import"})


class SheetUploadForm(forms.Form):
    agency = agency_field()
    year = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Nhập năm.", "invalid": "Năm là một số, ví dụ 2023."},
    )
    clamp = forms.BooleanField(label="Điểm vượt mức tối đa được tính bằng mức tối đa", required=False)
    upload = xlsx_upload_field(
        "Bảng chấm điểm đã điền: TT | Tiêu chí | … | Điểm tự chấm | Điểm thưởng tự chấm | Giải trình."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = upload_helper(
            Row(Column("agency", css_class="col-md-6"), Column("year", css_class="col-md-2")),
            "clamp",
            "upload",
        )


def sheet_preview(path, *, agency: Agency, year: int, clamp: bool) -> tuple[SheetImport | None, list[str]]:
    """The dry run's result, and the errors that stop it before any row is read."""
    try:
        result = read_sheet(path, agency=agency, year=year, clamp=clamp)
    except WorkbookError as exc:
        return None, exc.problems
    sheet = Sheet.objects.filter(rubric=result.rubric, agency=agency).first()
    if sheet is not None and not sheet.is_editable:
        result.problems.insert(
            0,
            Problem(
                "error",
                agency.name,
                f"bảng chấm điểm đang ở trạng thái “{sheet.get_status_display()}”: không nhập đè được.",
            ),
        )
    return result, []


def _page(request, form, result=None, failures=(), kept=None):
    context = {"form": form, "result": result, "failures": list(failures), "staged": kept, "tab": "import"}
    return render(request, "scoring/sheet_import.html", context)


@login_required
def sheet_import(request):
    get_province_admin(request)
    form = SheetUploadForm(*bound_data(request))
    if request.method != "POST" or not form.is_valid():
        return _page(request, form)
    data = form.cleaned_data
    params = {"agency": data["agency"].code, "year": data["year"], "clamp": data["clamp"]}
    kept = stage_upload(request, form, kind=KIND, params=params)
    if kept is None:
        return _page(request, form)
    result, failures = sheet_preview(kept.path, agency=data["agency"], year=data["year"], clamp=data["clamp"])
    if failures or result.errors:
        staging.discard(kept.token, user=request.user)
        kept = None
    return _page(request, form, result, failures, kept)


@login_required
@require_POST
@confirms_upload(KIND, page="sheet_import")
def sheet_import_confirm(request, kept):
    p = kept.params
    agency = get_object_or_404(Agency, code=p.get("agency"))
    form = SheetUploadForm(initial={"agency": agency.code, "year": p["year"], "clamp": p["clamp"]})
    try:
        result = import_sheet(
            kept.path, agency=agency, year=int(p["year"]), clamp=p["clamp"], by=request.user
        )
    except WorkbookError as exc:
        return _page(request, form, None, exc.problems)
    if not result.written:
        return _page(request, form, result)
    messages.success(request, f"Đã ghi vào bảng chấm điểm năm {p['year']} của {agency.name}.")
    return redirect("sheet_import")
