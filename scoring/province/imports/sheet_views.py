"""The province administrator's import pages: the landing that leads to both, and an agency's filled sheet
— upload, see what `import_sheet --dry-run` says (errors, warnings, totals), confirm to write.

The preview is the command's dry run (read_sheet: it parses and writes nothing, and opens no transaction);
the confirmed import is a background job (import_job.py: read again, written in one transaction). The upload
is kept in jobs.staging between the two and removed once the preview finds an error, the administrator
cancels, or the job has run; the page follows the job (?tac-vu=<pk>) and shows what it wrote or its errors.
"""

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ...accounts.access import bound_data, get_province_admin
from ...jobs import staging
from ...models import Agency, Sheet
from ...sheets.import_job import sheet_import_job
from ...sheets.workbook import Problem, SheetImport, read_sheet
from ...workbooks import WorkbookError
from ..people.forms import agency_field
from .uploads import shown_import_job, stage_upload, upload_confirmation, upload_helper, xlsx_upload_field

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


def _page(request, form, result=None, failures=(), kept=None, job=None):
    context = {
        "form": form,
        "result": result,
        "failures": list(failures),
        "staged": kept,
        "job": job,
        "tab": "import",
    }
    return render(request, "scoring/sheet_import.html", context)


@login_required
def sheet_import(request):
    admin = get_province_admin(request)
    form = SheetUploadForm(*bound_data(request))
    if request.method != "POST" or not form.is_valid():
        return _page(request, form, job=shown_import_job(request, KIND, admin=admin))
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


sheet_import_confirm = upload_confirmation(KIND, page="sheet_import", task_=sheet_import_job)
