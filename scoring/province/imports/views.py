"""An import job's status, which every import page polls (static/js/import-job.js)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ...accounts.access import get_import_job
from ...jobs.imports import expire_lost_imports, import_job_state


@login_required
@require_GET
def import_job_status(request, pk: int):
    """What an import page's script polls until the job is done or failed: the requester's own job only."""
    expire_lost_imports()
    return JsonResponse(import_job_state(get_import_job(request, pk)))
