"""The province's table of a year as a background job: the desk asks, the worker builds it, through the
blocs' own job machinery (jobs/exports.py: the file written whole, the lease, the Vietnamese failures)."""

from django_tasks import task

from ..exports.province import ProvinceTable, province_pdf, province_xlsx
from ..jobs.exports import enqueue_on_commit, export_job_run
from ..models import BlocYear, ExportJob, Rubric
from ..review.standings import bloc_round

BUILDERS = {ExportJob.Kind.BLOC_XLSX: province_xlsx, ExportJob.Kind.BLOC_PDF: province_pdf}


def province_job_start(*, year: int, kind: str, by) -> ExportJob:
    job = ExportJob.objects.create(year=year, kind=ExportJob.Kind(kind), requested_by=by)
    enqueue_on_commit(job, province_export)
    return job


@task()
def province_export(job_id: int) -> str:
    """What the worker runs: the file's name in the media storage."""
    return export_job_run(job_id=job_id, build=province_tables)


def province_tables(job: ExportJob) -> bytes:
    return BUILDERS[job.kind](province_table(job.year))


def province_table(year: int) -> ProvinceTable:
    """Every bloc of the year that has its rubric, each ranked as its own board ranks it (bloc_round)."""
    rubrics = {r.bloc_id: r for r in Rubric.objects.year_end().filter(year=year).select_related("bloc")}
    bloc_years = BlocYear.objects.filter(year=year, bloc_id__in=rubrics).select_related(
        "bloc", "leader", "deputy_leader"
    )
    ordered = sorted(bloc_years, key=lambda by: by.bloc.name.casefold())
    return ProvinceTable(year, [bloc_round(rubrics[by.bloc_id], by) for by in ordered])
