"""The rubric import page's confirmed upload, written by the worker (jobs.imports runs it): the rubric
parsed from the staged file, then written in the job's one transaction."""

from pathlib import Path

from django_tasks import task

from ..jobs.imports import Plan, import_job_run
from ..models import Bloc, ImportJob
from ..workbooks import WorkbookError
from .workbook import parse_rubric, write_rubric


@task()
def rubric_import_job(job_id: int) -> str:
    """What the worker runs: the job's status once it has run."""
    return import_job_run(job_id=job_id, prepare=prepare_rubric)


def prepare_rubric(job: ImportJob, path: Path) -> Plan:
    p = job.params
    bloc = Bloc.objects.filter(code=p.get("bloc", "")).first()
    if bloc is None:
        raise WorkbookError([f"Không còn khối thi đua mã {p.get('bloc')}."])
    parsed = parse_rubric(path)
    sections = sum(1 for c in parsed.criteria if c.parent is None)

    def write() -> str:
        rubric = write_rubric(parsed, bloc=bloc, year=int(p["year"]), title=p["title"], replace=p["replace"])
        return (
            f"Đã nhập “{rubric.title}” – khối {bloc.code}, năm {rubric.year}: {sections} nội dung, "
            f"{len(parsed.criteria) - sections} tiêu chí."
        )

    return Plan(write)
