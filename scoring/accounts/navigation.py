"""What the navigation bar shows for a user's roles, known without a query on every page."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .access import roles_of

SESSION_KEY = "vpub_province_admin"


@receiver(user_logged_in)
def remember_province_admin(sender, request, user, **kwargs):
    """Read once at login: a role given or taken later shows in the bar from the next login on (the pages
    themselves check the roles on every request)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = roles_of(user).province_admin


def navigation(request) -> dict:
    session = getattr(request, "session", None)
    return {"shows_setup": bool(session is not None and session.get(SESSION_KEY))}
