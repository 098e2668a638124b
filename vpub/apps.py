"""The admin's app config: its modules are found when the URLconf or the system checks need them."""

from django.contrib import admin
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


class AdminConfig(SimpleAdminConfig):
    """Django's AdminConfig imports every app's admin.py at start-up (ours pulls in the rubric services,
    auth's its forms): a management command that exports one sheet paid for them and never used them.
    vpub/urls.py imports them before it builds the admin's URLs; the admin's checks before they look."""

    def ready(self):
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(_check_admin_app, checks.Tags.admin)


def _check_admin_app(app_configs, **kwargs):
    admin.autodiscover()  # the checks can run before the URLconf is imported
    return check_admin_app(app_configs, **kwargs)
