"""A full disk while an evidence file is uploaded or a report is signed: a Vietnamese message where the user
is, what they typed kept, no file (whole, half or empty) left in MEDIA_ROOT, nothing written to the database.
"""

import datetime
import errno
import os
import subprocess

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import demo
from scoring.models import Document, Report, Sheet
from scoring.reports.services import report_for

from .factories import PDF
from .replay import load_demo

pytestmark = pytest.mark.django_db
FULL = "Máy chủ hết chỗ lưu tệp"
ENTRY = {
    "kind": "QĐ",
    "number": "02/QĐ-VP",
    "issued_on": "04/01/2022",
    "issuer": "VP",
    "subject": "Chương trình công tác năm",
}


def files_in(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def disk_full_at_once(self, name, content):
    raise OSError(errno.ENOSPC, "No space left on device")


def disk_full_halfway(self, name, content):
    """What a real disk does: the file is created, half of it written, then the write fails."""
    path = self.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = b"".join(content.chunks())
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def editor(client, cast):
    client.force_login(cast["editor"])
    return client


def upload(client, content=PDF):
    data = {**ENTRY, "upload": SimpleUploadedFile("quyet-dinh.pdf", content)}
    return client.post(reverse("evidence_create", args=["VP"]), data)


def assert_entry_kept(response):
    page = response.content.decode()
    assert response.status_code == 200
    assert FULL in page
    assert 'value="02/QĐ-VP"' in page and "Chương trình công tác năm" in page  # what was typed


@pytest.mark.parametrize("broken", [disk_full_at_once, disk_full_halfway])
def test_an_upload_to_a_full_disk_keeps_the_form_and_leaves_no_file(
    editor, vp_sheet, settings, monkeypatch, broken
):
    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    assert_entry_kept(upload(editor))
    assert not Document.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []


@pytest.fixture
def tiny_media(settings, tmp_path):
    """MEDIA_ROOT on a real 1 MB filesystem (a tmpfs; needs root)."""
    root = tmp_path / "tiny"
    root.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"no mount here: {exc}")
    if mounted.returncode:
        pytest.skip(f"no tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = root
    yield root
    subprocess.run(["umount", str(root)], check=True)


def test_an_upload_to_a_real_full_filesystem_leaves_no_file(editor, vp_sheet, tiny_media):
    assert_entry_kept(upload(editor, PDF + b"0" * (1536 * 1024)))
    assert not Document.objects.exists()
    assert files_in(tiny_media) == []
    # Room again: the same entry goes through.
    assert upload(editor).status_code == 302 and len(files_in(tiny_media)) == 1


@pytest.fixture
def head(client, db):
    """Văn phòng UBND tỉnh's head, with a report numbered and dated, ready to be signed."""
    load_demo()
    sheet = Sheet.objects.get(agency__code="VP")
    report = report_for(sheet=sheet)
    report.number, report.issued_on = "25", datetime.date(2022, 12, 12)
    report.save()
    client.force_login(sheet.agency.memberships.get(user__username="vp.thutruong").user)
    return client, sheet


@pytest.mark.parametrize("broken", [disk_full_at_once, disk_full_halfway])
def test_signing_on_a_full_disk_signs_nothing_and_leaves_no_file(head, settings, monkeypatch, broken):
    client, sheet = head
    certificate = (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes()
    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    response = client.post(
        reverse("report_sign", args=[sheet.pk]),
        {
            "certificate": SimpleUploadedFile("chung-thu.p12", certificate),
            "passphrase": demo.CERT_PASSPHRASE,
            "version": sheet.version,
        },
    )
    assert response.status_code == 200
    assert FULL in response.content.decode()
    sheet.refresh_from_db()
    report = Report.objects.get(sheet=sheet)
    assert sheet.status == Sheet.Status.DRAFT and not report.signed_pdf and report.signed_at is None
    assert files_in(settings.MEDIA_ROOT / "reports") == []
