"""Authentication: Django's model backend, except that demo accounts stay out of production."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from ..demo import DEMO_USERNAMES


class AgencyBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if user.get_username() in DEMO_USERNAMES and not settings.DEMO_LOGIN_ENABLED:
            return False
        return super().user_can_authenticate(user)


class MaximumLengthValidator:
    """Long passphrases are welcome, up to a bound that keeps hashing cheap to ask for."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(f"Mật khẩu dài quá {self.max_length} ký tự.", code="password_too_long")

    def get_help_text(self):
        return f"Mật khẩu không dài quá {self.max_length} ký tự."


class MinimumLengthValidator:
    """Django's check, with its message in Vietnamese (Django's own catalogue lacks it)."""

    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự.", code="password_too_short"
            )

    def get_help_text(self):
        return f"Mật khẩu có ít nhất {self.min_length} ký tự."
