"""The sheet import page's confirmed upload, written by the worker (jobs.imports runs it): the filled
sheet read from the staged file as the dry run reads it, then written in the job's one transaction."""

from pathlib import Path

from django_tasks import task

from ..jobs.imports import Plan, import_job_run
from ..models import Agency, ImportJob
from ..notation import format_points
from ..workbooks import WorkbookError
from .workbook import read_sheet, write_sheet


@task()
def sheet_import_job(job_id: int) -> str:
    """What the worker runs: the job's status once it has run."""
    return import_job_run(job_id=job_id, prepare=prepare_sheet)


def prepare_sheet(job: ImportJob, path: Path) -> Plan:
    p = job.params
    agency = Agency.objects.filter(code=p.get("agency", "")).first()
    if agency is None:
        raise WorkbookError([f"Không còn cơ quan, đơn vị mã {p.get('agency')}."])
    year = int(p["year"])
    result = read_sheet(path, agency=agency, year=year, clamp=p["clamp"])
    if result.errors:
        raise WorkbookError([f"{e.where}: {e.message}" for e in result.errors])

    def write() -> str:
        write_sheet(result, by=job.requested_by)
        return (
            f"Đã ghi vào bảng chấm điểm năm {year} của {agency.name}: điểm tự chấm "
            f"{format_points(result.total.points)}, điểm thưởng tự chấm {format_points(result.total.bonus)}."
        )

    return Plan(write)
