"""The security log: one structured record per failed login, lock-out, denied access and CSRF failure.

Records carry time (UTC), user, agency, IP, path and outcome — never a password, session key or token.
"""

import datetime
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from ipware import get_client_ip

from ..models import Membership
from .middleware import wants_json

logger = logging.getLogger("vpub.security")

FIELDS = ("time", "event", "outcome", "user", "agency", "ip", "path", "request_id")


def client_ip(request) -> str:
    """The browser's address: the one resolver of django-axes (AXES_CLIENT_IP_CALLABLE) and of this log.

    Behind settings.PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest proxy and each proxy appended
    the address it received from to X-Forwarded-For: the client is that many entries from the right.
    Whatever the browser itself put further left is never trusted.
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.PROXY_COUNT:
        return remote
    # ipware counts the proxies *listed* in the header; the nearest one is REMOTE_ADDR, not listed.
    # Not strict: junk the browser sent is skipped, it cannot push the proxy's entry out of place.
    address, _routable = get_client_ip(
        request,
        proxy_count=settings.PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote


def _agencies(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return ",".join(sorted(set(Membership.objects.filter(user=user).values_list("agency__code", flat=True))))


def log_event(event: str, request, *, outcome: str, username: str | None = None) -> dict:
    user = getattr(request, "user", None) if request is not None else None
    record = {
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "event": event,
        "outcome": outcome,
        "user": username
        if username is not None
        else (user.get_username() if user and user.is_authenticated else ""),
        "agency": _agencies(user),
        "ip": client_ip(request),
        "path": request.path if request is not None else "",
        "request_id": getattr(request, "id", "-"),
    }
    logger.warning("%s %s", event, outcome, extra={"security": record})
    return record


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` holds the password: only the username is kept.
    log_event("login_failed", request, outcome="denied", username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event("lockout", request, outcome="locked", username=str(username or "")[:150])


def log_denied(request, what: str) -> None:
    log_event("access_denied", request, outcome=what)


def csrf_failure(request, reason=""):
    """A page's script reads the fresh `csrftoken` cookie (a new one comes with each login) and retries."""
    log_event("csrf_failure", request, outcome="denied")
    if wants_json(request):
        return JsonResponse({"status": "csrf"}, status=403)
    return render(request, "403_csrf.html", status=403)
