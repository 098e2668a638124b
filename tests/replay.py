"""`manage.py load_demo` and `loaddata` for tests that only need their result: the command runs for real the
first time from a given starting point, and what it wrote is replayed after that.

The demo is the suite's dearest fixture (six sheets saved and submitted, a rubric loaded, certificates with
fresh keys) and the 2022 rubric its most used one: run per test they cost minutes on each database. A replay
writes the very rows the command wrote (same primary keys, same timestamps), the files it left in MEDIA_ROOT
and DEMO_CERT_DIR and the e-mails it sent, so a test cannot tell. The starting point is part of the key: the
database's rows, the files already there and the settings the command reads, so a test that made data first
gets a real run of its own. tests/test_load_demo.py keeps calling the command itself.
"""

import atexit
import copy
import hashlib
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

_REPLAYS: dict[str, "_Replay"] = {}
_TOUCHED: dict[tuple, list[str]] = {}  # the tables a replay keyed by its own tables writes
_CACHE = Path(tempfile.mkdtemp(prefix="replayed-"))
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


class _Replay:
    def __init__(self, removed, added, files: dict[str, dict[str, Path]], messages):
        self.removed, self.added, self.files, self.messages = removed, added, files, messages


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def _plain(value):
    # psycopg returns bytea as memoryview; comparing and re-inserting wants bytes
    return bytes(value) if isinstance(value, memoryview) else value


def _rows(tables) -> dict[str, tuple[list[str], list[tuple]]]:
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [c[0] for c in cursor.description]
            found[table] = (columns, [tuple(_plain(v) for v in row) for row in cursor.fetchall()])
    return found


def _folders() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "certs": Path(settings.DEMO_CERT_DIR)}


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _key(rows, call) -> str:
    digest = hashlib.sha256()
    for part in (
        connection.vendor,
        settings.DEBUG,
        getattr(settings, "DEMO_LOGIN_ENABLED", None),
        settings.PASSWORD_HASHERS,
        call,
        sorted((t, sorted(map(repr, r))) for t, (_, r) in rows.items()),
        {name: sorted(_files(folder)) for name, folder in _folders().items()},
    ):
        digest.update(repr(part).encode())
    return digest.hexdigest()


def _diff(before, after):
    removed, added = {}, {}
    for table, (columns, rows) in after.items():
        old = {repr(r) for r in before.get(table, (columns, []))[1]}
        new = {repr(r) for r in rows}
        gone = [r for r in before.get(table, (columns, []))[1] if repr(r) not in new]
        came = [r for r in rows if repr(r) not in old]
        if gone:
            removed[table] = (columns, gone)
        if came:
            added[table] = (columns, came)
    return removed, added


def _adapted(value):
    if connection.vendor == "postgresql" and isinstance(value, (dict, list)):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _advance_sequences(cursor, added) -> None:
    """PostgreSQL's sequences do not follow explicit keys (SQLite's AUTOINCREMENT does): move them past the
    replayed rows, never back (setval outlives the test's rollback)."""
    if connection.vendor != "postgresql":
        return
    for model in apps.get_models(include_auto_created=True):
        table, pk = model._meta.db_table, model._meta.pk
        if table not in added or pk.get_internal_type() not in (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
        ):
            continue
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
        (sequence,) = cursor.fetchone()
        if sequence is None:
            continue
        column = added[table][0].index(pk.column)
        highest = max(row[column] for row in added[table][1])
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last, called = cursor.fetchone()
        if highest >= last or not called:
            cursor.execute("SELECT setval(%s, %s)", [sequence, max(highest, last)])


def _replay(replay: _Replay) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, rows) in replay.removed.items():
            for row in rows:
                where = " AND ".join(
                    f"{quote(c)} IS NULL" if v is None else f"{quote(c)} = %s"
                    for c, v in zip(columns, row, strict=True)
                )
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {where}", [_adapted(v) for v in row if v is not None]
                )
        for table, (columns, rows) in replay.added.items():
            names = ", ".join(quote(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                [[_adapted(v) for v in row] for row in rows],
            )
        _advance_sequences(cursor, replay.added)
    for name, folder in _folders().items():
        for relative, source in replay.files[name].items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # the certificates keep their 0600
    mail.outbox.extend(copy.copy(m) for m in replay.messages)


def replayed(name: str, run, *args, only_its_tables: bool = False) -> None:
    """Run `run(*args)` the first time from this starting point, replay what it wrote after that.

    `only_its_tables`: what it writes depends on nothing but the rows of the tables it writes (loaddata, whose
    objects are found by natural key), so only those rows make the starting point."""
    tables = _tables()
    before = _rows(tables)
    call = (name, args)
    keyed = _TOUCHED.get(call) if only_its_tables else None
    key = _key({t: before[t] for t in keyed} if keyed else before, call)
    if (keyed or not only_its_tables) and key in _REPLAYS:
        _replay(_REPLAYS[key])
        return
    files_before = {name: set(_files(folder)) for name, folder in _folders().items()}
    sent_before = len(getattr(mail, "outbox", []))
    run(*args)
    removed, added = _diff(before, _rows(tables))
    saved = {}
    for folder_name, folder in _folders().items():
        saved[folder_name] = {}
        for relative in set(_files(folder)) - files_before[folder_name]:
            copy = _CACHE / key / folder_name / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / relative, copy)
            saved[folder_name][relative] = copy
    replay = _Replay(removed, added, saved, list(getattr(mail, "outbox", []))[sent_before:])
    if only_its_tables:
        if any(saved.values()) or replay.messages:
            return  # it did more than write rows: never replayed
        keyed = _TOUCHED.setdefault(call, sorted({*removed, *added}))
        key = _key({t: before[t] for t in keyed}, call)
    _REPLAYS[key] = replay


def load_demo(*options: str) -> None:
    """What `call_command("load_demo", *options)` would leave in the database, the folders and the outbox."""
    replayed("load_demo", lambda *o: call_command("load_demo", *o, stdout=StringIO()), *options)


def load_fixture(label: str) -> None:
    """What `call_command("loaddata", label)` would leave in the database."""
    replayed("loaddata", lambda lb: call_command("loaddata", lb, verbosity=0), label, only_its_tables=True)
