"""Health check and error pages."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.debug import SafeExceptionReporterFilter


def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """No internals, only the id that finds the request in the log."""
    return render(request, "500.html", {"request_id": getattr(request, "id", "")}, status=500)


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide what is marked sensitive (a passphrase, a password) on every error report, DEBUG on or off.

    Django's filter stands aside when DEBUG is on; a test server or a debugging session then shows the
    head's signing passphrase on the error page.
    """

    def is_active(self, request):
        return True
