"""Authentication: Django's model backend, except that demo accounts stay out of production."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .demo import DEMO_USERNAMES


class AgencyBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if user.get_username() in DEMO_USERNAMES and not settings.DEMO_LOGIN_ENABLED:
            return False
        return super().user_can_authenticate(user)
