from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm thi đua"

    def ready(self):
        from .accounts import access, security  # noqa: F401 - connect their signal receivers (security log,
        # the province desk's link remembered at login)
