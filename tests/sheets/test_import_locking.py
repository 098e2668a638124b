"""An import parses before it opens its write transaction: on SQLite a transaction holds the database's write
lock, and a 300k-row dry run parsed inside one froze every user's saves for 34 s."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from scoring.models import Agency
from scoring.rubrics import workbook as rubric_workbook
from scoring.sheets import workbook as sheet_workbook

from ..factories import SEED_SHEET


def held_reader(monkeypatch, module):
    """The module's reader, made to wait while the test writes; returns (parsing, release)."""
    parsing, release = threading.Event(), threading.Event()
    real = module.read_table

    def slow(path, required):
        parsing.set()
        release.wait(timeout=30)
        return real(path, required)

    monkeypatch.setattr(module, "read_table", slow)
    return parsing, release


def another_users_save_goes_through(parsing, release) -> bool:
    assert parsing.wait(timeout=10)
    done = threading.Event()

    def save():
        try:
            with transaction.atomic():
                Agency.objects.filter(code="TTR").update(name="Thanh tra tỉnh")
            done.set()
        finally:
            connection.close()

    writer = threading.Thread(target=save)
    writer.start()
    saved = done.wait(timeout=3)
    release.set()
    writer.join(timeout=30)
    return saved


def in_thread(target):
    def run():
        try:
            target()
        except CommandError:  # the seed table has errors; what matters is when the import locks
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("command", "module", "args"),
    [
        ("import_sheet", sheet_workbook, ("--agency", "VP", "--year", "2022", "--dry-run")),
        ("import_rubric", rubric_workbook, ("--bloc", "TMTH", "--year", "2031")),
    ],
    ids=["import_sheet-dry-run", "import_rubric"],
)
def test_an_import_lets_other_users_save_while_it_parses(bloc_2022, monkeypatch, command, module, args):
    parsing, release = held_reader(monkeypatch, module)
    importer = in_thread(
        lambda: call_command(command, str(SEED_SHEET), *args, stdout=StringIO(), stderr=StringIO())
    )
    try:
        assert another_users_save_goes_through(parsing, release)
    finally:
        release.set()
        importer.join(timeout=30)
    assert Agency.objects.get(code="TTR").name == "Thanh tra tỉnh"
