"""The province's desk (for the province's administrators only): every bloc's board of a year, the reports
received, and the province's table of all blocs' results as files built by the job worker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..accounts.access import get_province_admin, get_province_export_job
from ..jobs.exports import expire_lost_jobs, job_file, job_state
from ..models import ExportJob
from . import jobs, queries

JOBS_SHOWN = 10
FORMATS = {"xlsx": "Excel", "pdf": "PDF"}


def _year(request, years: list[int]) -> int | None:
    """The year asked for (?nam=), or the newest; 404 for a year no bloc has."""
    asked = request.GET.get("nam")
    if asked is None:
        return years[0] if years else None
    if not (asked.isascii() and asked.isdigit()) or int(asked) not in years:
        raise Http404
    return int(asked)


@login_required
@require_GET
def province_desk(request):
    get_province_admin(request)
    years = queries.province_years()
    year = _year(request, years)
    expire_lost_jobs()
    lines = queries.bloc_lines(year) if year else []
    return render(
        request,
        "scoring/province_desk.html",
        {
            "year": year,
            "years": years,
            "lines": lines,
            "totals": {
                name: sum(getattr(line, name) for line in lines)
                for name in ("members", "submitted", "accepted", "reports")
            },
            "jobs": ExportJob.objects.for_province(year)[:JOBS_SHOWN] if year else [],
        },
    )


@login_required
@require_POST
def province_job_start(request, year: int, fmt: str):
    get_province_admin(request)
    if year not in queries.province_years():
        raise Http404
    job = jobs.province_job_start(year=year, kind=fmt, by=request.user)
    messages.success(
        request,
        f"Đã nhận yêu cầu tạo bảng tổng hợp toàn tỉnh năm {year} ({FORMATS[job.kind]}): khi tệp xong, nút "
        "“Tải tệp” hiện ở mục Bảng tổng hợp toàn tỉnh.",
    )
    return redirect(reverse("province_desk") + f"?nam={year}#tep-xuat")


@login_required
@require_GET
def province_job_status(request, year: int, pk: int):
    expire_lost_jobs()
    job = get_province_export_job(request, year, pk)
    return JsonResponse(job_state(job, reverse("province_job_file", args=[year, job.pk])))


@login_required
@require_GET
def province_job_file(request, year: int, pk: int):
    job = get_province_export_job(request, year, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    return job_file(job)
