"""The bloc's tables as background jobs: the board asks, the worker builds them with the bloc's builders,
through the shared job machinery (jobs/exports.py: the file written whole, the lease, the Vietnamese
failures)."""

from django_tasks import task

from ..exports.bloc import bloc_pdf, bloc_xlsx
from ..jobs.exports import enqueue_on_commit, export_job_run
from ..models import BlocYear, ExportJob, Rubric
from .standings import bloc_round

BUILDERS = {ExportJob.Kind.BLOC_XLSX: bloc_xlsx, ExportJob.Kind.BLOC_PDF: bloc_pdf}


def export_job_start(*, bloc_year: BlocYear, kind: str, by, round: str = Rubric.Round.YEAR_END) -> ExportJob:
    """Record the job, and queue its task once the record is committed (a worker must find it)."""
    job = ExportJob.objects.create(
        bloc_year=bloc_year, kind=ExportJob.Kind(kind), requested_by=by, round=round
    )
    enqueue_on_commit(job, bloc_export)
    return job


@task()
def bloc_export(job_id: int) -> str:
    """What the worker runs: the file's name in the media storage."""
    return export_job_run(job_id=job_id, build=bloc_tables)


def bloc_tables(job: ExportJob) -> bytes:
    rubric = Rubric.objects.get(bloc=job.bloc_year.bloc, year=job.bloc_year.year, round=job.round)
    return BUILDERS[job.kind](bloc_round(rubric, job.bloc_year))
