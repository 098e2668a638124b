from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm thi đua"

    def ready(self):
        from .accounts import navigation, security  # noqa: F401 - connect their signal receivers
