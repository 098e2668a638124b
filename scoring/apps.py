from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm thi đua"

    def ready(self):
        from .accounts import access, security  # noqa: F401 - connects their signal receivers
