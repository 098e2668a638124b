"""Health check, error pages, and the guard against NUL bytes."""

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


NUL = "\x00"


class RefuseNulBytesMiddleware:
    """400 for a NUL byte anywhere in the path, query string, form data or cookies.

    No Vietnamese text has one, and PostgreSQL refuses any string that does, so without this guard each
    such request that reached a query was a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            response = HttpResponse(
                "Yêu cầu có ký tự không hợp lệ (NUL). Hãy xóa ký tự đó rồi gửi lại.\n",
                content_type="text/plain; charset=utf-8",
                status=400,
            )
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path_info or NUL in request.path:
        return True
    parts = [request.GET, request.COOKIES]
    if request.method == "POST":
        parts.append(request.POST)  # files are checked by content where they are used
    for part in parts:
        items = part.lists() if hasattr(part, "lists") else ((k, [v]) for k, v in part.items())
        if any(NUL in key or any(NUL in value for value in values) for key, values in items):
            return True
    return False


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
