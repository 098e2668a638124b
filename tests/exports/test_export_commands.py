"""The export commands start fast: no system checks (they import every URLconf and view, pyHanko with
them), and a PDF export does not load openpyxl."""

import sys
from io import StringIO

import pytest
from django.core.management import load_command_class
from django.core.management.base import BaseCommand

from ..replay import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo()


@pytest.fixture
def checks_fail(monkeypatch):
    def check(self, *args, **kwargs):
        raise AssertionError("the system checks ran")

    monkeypatch.setattr(BaseCommand, "check", check)


@pytest.mark.parametrize(
    "command, options",
    [
        ("export_sheet", {"agency": "VP", "year": 2022, "format": "pdf"}),
        ("export_bloc", {"bloc": "TMTH", "year": 2022, "format": "xlsx"}),
    ],
)
def test_it_writes_the_file_without_running_the_system_checks(demo, checks_fail, tmp_path, command, options):
    """As `manage.py` runs it (call_command always skips the checks): execute() with skip_checks off."""
    target = tmp_path / f"out.{options['format']}"
    out = StringIO()
    cmd = load_command_class("scoring", command)
    cmd.execute(
        output=str(target), skip_checks=False, force_color=False, no_color=True, stdout=out, **options
    )
    assert target.stat().st_size > 1000 and "Đã ghi" in out.getvalue()


def test_the_export_command_imports_openpyxl_only_for_a_workbook():
    import subprocess

    code = (
        "import sys, django; django.setup();"
        "from django.core.management import load_command_class;"
        "load_command_class('scoring', 'export_sheet');"
        "print('openpyxl' in sys.modules, 'pyhanko' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_a_pdf_export_loads_neither_the_admin_nor_the_sites_template_tags():
    """Start-up of `export_sheet --format pdf`: the admin's modules wait for the URLconf (vpub/apps.py), the
    documents have an engine of their own (exports/templates.py), the report's markup reader waits for a
    report."""
    import subprocess

    code = (
        "import sys, django; django.setup();"
        "from django.core.management import load_command_class;"
        "load_command_class('scoring', 'export_sheet');"
        "from scoring.exports import pdf, templates;"
        "templates._engine().get_template('documents/sheet.html');"
        "names = ['scoring.admin', 'django.contrib.auth.admin', 'mistune',"
        " 'crispy_forms.templatetags.crispy_forms_tags', 'django.contrib.admin.templatetags.admin_list'];"
        "print(*[name in sys.modules for name in names])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"] * 5


def test_the_admin_is_registered_for_its_pages_and_its_checks():
    """What Django's AdminConfig did at start-up happens when the URLconf is read, or the checks run."""
    import subprocess

    code = (
        "import django; django.setup();"
        "from django.contrib import admin; from django.core import checks;"
        "before = len(admin.site._registry);"
        "checks.run_checks(tags=['admin']);"
        "print(before, admin.site.is_registered(__import__('scoring.models').models.Rubric))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True"]
