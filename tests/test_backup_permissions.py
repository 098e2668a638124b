"""A backup holds every password hash and every agency's files: only its owner can read it, from its first byte."""

import os
import stat
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def permissive_umask():
    """The umask most servers run with (0022), under which a plain open() makes a world-readable file."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.django_db
def test_a_backup_is_readable_by_its_owner_only_from_its_first_byte(tmp_path, permissive_umask, monkeypatch):
    """The archive holds password hashes and every agency's files; it is 0600 while written and after."""
    modes = []
    writestr = zipfile.ZipFile.writestr

    def watched(archive, *args, **kwargs):
        modes.append(stat.S_IMODE(os.fstat(archive.fp.fileno()).st_mode))
        return writestr(archive, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", watched)
    fresh = tmp_path / "sao-luu.zip"
    call_command("backup", "-o", str(fresh), stdout=StringIO())
    again = tmp_path / "cu.zip"  # an older, world-readable file of the same name is replaced
    again.write_bytes(b"cu")
    again.chmod(0o644)
    call_command("backup", "-o", str(again), stdout=StringIO())

    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(again.stat().st_mode) == 0o600
    assert modes and set(modes) == {0o600}
    assert zipfile.ZipFile(again).namelist()[0] == "data.json"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["cu.zip", "sao-luu.zip"]


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:No fixture data found")  # an empty database backs up to []
def test_restore_warns_when_others_can_read_the_archive(tmp_path):
    archive = tmp_path / "sao-luu.zip"
    call_command("backup", "-o", str(archive), stdout=StringIO())
    archive.chmod(0o644)
    err = StringIO()
    call_command("restore", str(archive), stdout=StringIO(), stderr=err)
    assert "Cảnh báo: người khác trên máy này đọc được tệp sao lưu" in err.getvalue()
    assert f"chmod 600 {archive}" in err.getvalue()

    archive.chmod(0o600)
    err = StringIO()
    call_command("restore", str(archive), stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
