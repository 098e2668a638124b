"""The province administrator's page for a bloc's rubric workbook: upload, see what `import_rubric` would
say (its errors, or the sections and totals it would write), confirm to write in one transaction.

The preview only parses (parse_rubric writes nothing, and takes a moment even for a large rubric); the upload
is kept in jobs.staging between the preview and the confirmation, and removed as soon as the preview
finds errors or the administrator cancels. “Xác nhận” queues the write as a background job
(import_job.py); the page then follows it (?tac-vu=<pk>) and shows what was written or why nothing was.
"""

from dataclasses import dataclass, field

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ... import rollup
from ...accounts.access import bound_data, get_province_admin
from ...jobs import staging
from ...models import Bloc, Rubric
from ...rubrics.import_job import rubric_import_job
from ...rubrics.workbook import parse_rubric
from ...workbooks import WorkbookError
from .uploads import shown_import_job, stage_upload, upload_confirmation, upload_helper, xlsx_upload_field

KIND = "rubric"


class RubricUploadForm(forms.Form):
    bloc = forms.ModelChoiceField(
        label="Khối thi đua",
        queryset=Bloc.objects.order_by("name"),
        to_field_name="code",
        empty_label="— chọn khối —",
        error_messages={"required": "Chọn khối thi đua.", "invalid_choice": "Không có khối này."},
    )
    year = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Nhập năm.", "invalid": "Năm là một số, ví dụ 2023."},
    )
    title = forms.CharField(
        label="Tên bảng tiêu chí",
        required=False,
        max_length=300,
        help_text="Để trống: lấy từ dòng tiêu đề của tệp.",
    )
    replace = forms.BooleanField(
        label="Thay bảng tiêu chí đã có của khối trong năm (khi chưa đơn vị nào nộp)", required=False
    )
    upload = xlsx_upload_field("Bảng TT | Tiêu chí | Điểm chuẩn | Điểm thưởng, như bảng chấm điểm của khối.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = upload_helper(
            Row(Column("bloc", css_class="col-md-6"), Column("year", css_class="col-md-2")),
            "title",
            "replace",
            "upload",
        )


@dataclass
class RubricPreview:
    """What the command would print: its errors, or the rubric's shape and totals."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str = ""
    sections: list = field(default_factory=list)
    criteria: int = 0
    total: rollup.Total | None = None


def rubric_preview(path, *, bloc: Bloc, year: int, title: str, replace: bool) -> RubricPreview:
    try:
        parsed = parse_rubric(path)
    except WorkbookError as exc:
        return RubricPreview(errors=exc.problems)
    sections = [c for c in parsed.criteria if c.parent is None]
    preview = RubricPreview(
        title=title or parsed.title or f"Bảng tiêu chí chấm điểm thi đua năm {year}",
        sections=sections,
        criteria=len(parsed.criteria) - len(sections),
        total=rollup.rubric_totals(parsed.tree),
    )
    existing = Rubric.objects.year_end().filter(bloc=bloc, year=year).first()
    if existing is not None and existing.is_locked:
        preview.errors.append(
            f"Bảng tiêu chí {bloc.code} năm {year} đã có đơn vị nộp bảng chấm điểm: không thay được."
        )
    elif existing is not None and existing.criteria.exists():
        if not replace:
            preview.errors.append(
                f"Khối {bloc.code} đã có bảng tiêu chí năm {year}; đánh dấu “Thay bảng tiêu chí đã có” để thay bằng tệp này."
            )
        elif existing.sheets.exists():
            preview.warnings.append(
                f"Thay bảng tiêu chí sẽ xóa {existing.sheets.count()} bảng chấm điểm đang nhập của các đơn vị."
            )
    return preview


def _page(request, form, preview=None, kept=None, job=None):
    return render(
        request,
        "scoring/rubric_import.html",
        {"form": form, "preview": preview, "staged": kept, "job": job, "tab": "import"},
    )


@login_required
def rubric_import(request):
    admin = get_province_admin(request)
    form = RubricUploadForm(*bound_data(request))
    if request.method != "POST" or not form.is_valid():
        return _page(request, form, job=shown_import_job(request, KIND, admin=admin))
    data = form.cleaned_data
    params = {
        "bloc": data["bloc"].code,
        "year": data["year"],
        "title": data["title"],
        "replace": data["replace"],
    }
    kept = stage_upload(request, form, kind=KIND, params=params)
    if kept is None:
        return _page(request, form)
    preview = rubric_preview(
        kept.path, bloc=data["bloc"], year=data["year"], title=data["title"], replace=data["replace"]
    )
    if preview.errors:
        staging.discard(kept.token, user=request.user)
        kept = None
    return _page(request, form, preview, kept)


rubric_import_confirm = upload_confirmation(KIND, page="rubric_import", task_=rubric_import_job)
