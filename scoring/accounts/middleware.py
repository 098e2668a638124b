"""Request ids, session lifetime, JSON answers to scripts whose session ended, no caching of private pages."""

import re
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_cache_control

from vpub.logs import request_id_var

VALID_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    """An id per request, from the proxy's X-Request-ID when it sends a sane one; echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class SessionLifetimeMiddleware:
    """Sessions end 30 minutes after the last request (SESSION_COOKIE_AGE) and 8 hours after login."""

    KEY = "vpub_login_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(self.KEY)
            now = time.time()
            if started is None:
                request.session[self.KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Phiên làm việc đã quá 8 giờ: xin đăng nhập lại.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing the app itself answers is kept by a browser or a proxy cache (static files are not ours here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


def wants_json(request) -> bool:
    """A request from a page's script (autosave, a fetch): it is answered in JSON, never with a page."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    return request.method == "POST" and request.POST.get("autosave") == "1"


class LoginRequiredJsonMiddleware:
    """A script's request whose session has ended gets 401 and where to log in, not the login page.

    Every `login_required` view, and the 8-hour limit above, answer a redirect to the login page; a script
    that followed it would read the login form as a 200 answer and believe its input saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 302 or request.user.is_authenticated or not wants_json(request):
            return response
        if urlsplit(response.url).path != resolve_url(settings.LOGIN_URL):
            return response
        return JsonResponse({"status": "login_required", "login_url": response.url}, status=401)
