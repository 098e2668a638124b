"""The reviewing agency counter-signs a received report: a second signature as an incremental update, the
head's still valid; the received reports page shows every signature with its own verdict."""

import datetime
import io
import logging
import shutil
import subprocess

import pytest
from django.urls import reverse

from scoring import demo, signing
from scoring.models import Report
from scoring.signing import verification

from .conftest import sign

pytestmark = pytest.mark.django_db
VALID = "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký"
BROKEN = "Không hợp lệ: nội dung đã bị sửa sau khi ký."
MODIFIED = "Không hợp lệ: tài liệu đã bị thêm hoặc sửa sau khi ký."


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def certificate(settings, username: str) -> bytes:
    return (settings.DEMO_CERT_DIR / f"{username}.p12").read_bytes()


@pytest.fixture
def received(client, round_2022, django_user_model, settings):
    """Văn phòng's report, signed by its head in the app and sent to Thanh tra tỉnh, the bloc's leader."""
    login(client, django_user_model, "vp.thutruong")
    sign(client, round_2022, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE)
    return Report.objects.get(sheet=round_2022)


def countersign(client, report, p12: bytes, passphrase: str = demo.CERT_PASSPHRASE):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("report_countersign", args=[report.sheet_id]),
        {"certificate": SimpleUploadedFile("xac-nhan.p12", p12), "passphrase": passphrase},
    )


def rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_the_leaders_reviewer_counter_signs_and_both_signatures_stay_valid(
    client, received, django_user_model, settings, caplog, django_capture_on_commit_callbacks
):
    head_signed = received.signed_pdf.read()
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("received_reports")).content.decode()
    assert reverse("report_countersign", args=[received.sheet_id]) in page
    caplog.set_level(logging.WARNING, logger="vpub.security")
    with django_capture_on_commit_callbacks(execute=True):
        response = countersign(client, received, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 302 and response["Location"] == reverse("received_reports")
    received.refresh_from_db()
    assert (
        received.countersigner_name == "Nguyễn Văn Bình"
        and received.countersigned_by.username == "ttr.chamdiem"
    )
    data = received.signed_pdf.read()
    assert data.startswith(head_signed)  # an incremental update: the head's bytes untouched
    result = verification.validate_pdf(data)
    assert [s.signer_common_name for s in result.signatures] == ["Vũ Minh Tâm", "Nguyễn Văn Bình"]
    assert (
        result.verdicts() == ["intact_untrusted", "intact_untrusted"] and result.verdict == "intact_untrusted"
    )
    assert (
        result.signatures[0].coverage == "ENTIRE_REVISION" and result.signatures[1].coverage == "ENTIRE_FILE"
    )
    # the head's file was replaced by the one that holds it whole
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "reports").rglob("*.pdf")) == [
        received.signed_pdf.name.rsplit("/", 1)[1]
    ]
    assert [
        r.security["outcome"]
        for r in caplog.records
        if getattr(r, "security", {}).get("event") == "report_countersign"
    ] == ["signed"]

    page = rows(client.get(reverse("received_reports")).content.decode())
    assert "Vũ Minh Tâm" in page and "Nguyễn Văn Bình (ký xác nhận)" not in page
    assert "<strong>Nguyễn Văn Bình</strong>" in page and "(ký xác nhận)" in page
    assert page.count(VALID) == 3  # each signature, and the whole file
    assert reverse("report_countersign", args=[received.sheet_id]) not in page
    again = client.get(reverse("report_countersign", args=[received.sheet_id]))
    assert again["Location"] == reverse("received_reports")
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", received.signed_pdf.path], capture_output=True, text=True).stdout
        assert out.count("Signature is Valid.") == 2

    login(client, django_user_model, "vp.thutruong")
    edit = client.get(reverse("report_edit", args=[received.sheet_id])).content.decode()
    assert "Khối đã ký xác nhận lúc" in edit and "(Nguyễn Văn Bình)" in edit


def write(report, data: bytes) -> None:
    with open(report.signed_pdf.path, "wb") as handle:
        handle.write(data)


def test_each_signature_has_its_own_verdict_once_the_file_is_altered(
    client, received, django_user_model, settings
):
    login(client, django_user_model, "ttr.chamdiem")
    countersign(client, received, certificate(settings, "ttr.chamdiem"))
    received.refresh_from_db()
    good = received.signed_pdf.read()

    # Bytes only the counter-signature covers (its signature dictionary): the head's signature still holds.
    where = good.rindex(b"/Reason")
    write(received, good[:where] + b"/Reasom" + good[where + 7 :])
    page = rows(client.get(reverse("received_reports")).content.decode())
    head, counter = page.split("<li>")[1:3]
    assert VALID in head and BROKEN in counter

    # Bytes the head signed: both signatures broken.
    where = good.index(b"/Producer")
    write(received, good[:where] + b"/Producez" + good[where + 9 :])
    page = rows(client.get(reverse("received_reports")).content.decode())
    assert page.count(BROKEN) == 3

    # Something appended after the last signature: what is read is what nobody signed.
    write(received, good + b"\n% added later\n")
    page = rows(client.get(reverse("received_reports")).content.decode())
    assert page.count(MODIFIED) == 3 and VALID not in page


def test_a_received_file_altered_is_not_counter_signed(client, received, django_user_model, settings, caplog):
    data = received.signed_pdf.read()
    write(received, data + b"\n% added later\n")
    login(client, django_user_model, "ttr.chamdiem")
    caplog.set_level(logging.WARNING, logger="vpub.security")
    response = countersign(client, received, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 200
    assert "Không ký xác nhận: tệp báo cáo đã nhận không còn nguyên vẹn" in response.content.decode()
    received.refresh_from_db()
    assert (
        received.countersigned_at is None and len(list((settings.MEDIA_ROOT / "reports").rglob("*.pdf"))) == 1
    )
    assert "refused_file" in [
        r.security["outcome"]
        for r in caplog.records
        if getattr(r, "security", {}).get("event") == "report_countersign"
    ]


def test_a_wrong_passphrase_changes_nothing(client, received, django_user_model, settings):
    before = received.signed_pdf.read()
    login(client, django_user_model, "ttr.chamdiem")
    response = countersign(client, received, certificate(settings, "ttr.chamdiem"), "sai-mat-khau")
    assert "Sai mật khẩu của tệp chứng thư số." in response.content.decode()
    received.refresh_from_db()
    assert received.countersigned_at is None and received.signed_pdf.read() == before
    assert len(list((settings.MEDIA_ROOT / "reports").rglob("*.pdf"))) == 1


def test_only_the_reviewer_of_the_sheet_counter_signs(client, received, django_user_model):
    url = reverse("report_countersign", args=[received.sheet_id])
    login(client, django_user_model, "vp.thutruong")  # the sender itself
    assert client.get(url).status_code == 403
    # a member of the bloc, the deputy's reviewer (who reviews the leader, not Văn phòng)
    for username in ("stc.bientap", "stc.thutruong", "snv.chamdiem"):
        login(client, django_user_model, username)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    received.refresh_from_db()
    assert received.countersigned_at is None


def test_the_deputys_reviewer_counter_signs_the_leaders_report(
    client, round_2022, django_user_model, settings
):
    """Thanh tra tỉnh leads the bloc: its own report (its sheet submitted) is counter-signed by Sở Nội vụ."""
    from django.core.files.base import ContentFile

    from scoring.exports.pdf import report_pdf_with_signature_box
    from scoring.models import Sheet
    from scoring.reports.services import report_for

    sheet = Sheet.objects.get(agency__code="TTR")
    assert sheet.seen_by_bloc
    report = report_for(sheet=sheet)
    now = datetime.datetime.now(datetime.UTC)
    p12 = signing.make_demo_p12(
        "Thủ trưởng TTR", b"x", not_before=now, not_after=now + datetime.timedelta(days=3)
    )
    pdf, page, box = report_pdf_with_signature_box(report)
    signed = signing.sign_pdf(
        pdf,
        signing.load_signer(p12, b"x"),
        box=box,
        page=page,
        signer_name="Thủ trưởng TTR",
        reason="Ký",
        location="QN",
    )
    report.signed_pdf.save("bao-cao.pdf", ContentFile(signed))
    report.snapshot = sheet.snapshots.order_by("-pk").first()  # signed for the submission the demo made
    report.save()
    login(client, django_user_model, "ttr.chamdiem")  # nobody reviews their own agency
    assert client.get(reverse("report_countersign", args=[sheet.pk])).status_code == 403
    login(client, django_user_model, "snv.chamdiem")
    assert countersign(client, report, certificate(settings, "snv.chamdiem")).status_code == 302
    report.refresh_from_db()
    assert report.countersigner_name == "Trần Thị Hạnh"
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(report.signed_pdf.read()))
    first, second = reader.embedded_regular_signatures
    assert str(second.sig_object["/Reason"]).startswith("Sở Nội vụ ký xác nhận Báo cáo số")


def test_the_received_page_lists_signatures_in_a_fixed_number_of_queries(
    client, received, django_user_model, settings, django_assert_num_queries
):
    login(client, django_user_model, "ttr.chamdiem")
    countersign(client, received, certificate(settings, "ttr.chamdiem"))
    # session, user, roles, the bloc-years followed, the reports with their sheets and the files they
    # superseded; the session's update (3). No file is validated: its verdict was kept when it arrived.
    with django_assert_num_queries(9):
        page = client.get(reverse("received_reports"))
    assert page.status_code == 200


def test_a_failure_after_the_new_file_is_stored_keeps_the_heads_file_alone(
    client, received, django_user_model, settings, monkeypatch
):
    from scoring.reports import services

    before = received.signed_pdf.read()
    original = services.Report.objects.filter

    def failing_filter(*args, **kwargs):
        if "countersigned_at__isnull" in kwargs:
            raise RuntimeError("test: the database failed half way")
        return original(*args, **kwargs)

    monkeypatch.setattr(services.Report.objects, "filter", failing_filter)
    login(client, django_user_model, "ttr.chamdiem")
    with pytest.raises(RuntimeError, match="half way"):
        countersign(client, received, certificate(settings, "ttr.chamdiem"))
    monkeypatch.undo()
    received.refresh_from_db()
    assert received.countersigned_at is None and received.signed_pdf.read() == before
    assert len(list((settings.MEDIA_ROOT / "reports").rglob("*.pdf"))) == 1


def certify_no_changes(pdf: bytes, signer) -> bytes:
    """The head's program certifying the report "no changes allowed" (DocMDP P=1) as it signs."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer).getvalue()


def assert_unchanged(received, before: bytes, settings) -> None:
    received.refresh_from_db()
    assert received.countersigned_at is None and received.countersigned_by is None
    assert received.signed_pdf.read() == before
    assert len(list((settings.MEDIA_ROOT / "reports").rglob("*.pdf"))) == 1


def test_a_report_certified_no_changes_is_not_counter_signed(client, received, django_user_model, settings):
    from scoring.exports.pdf import report_pdf_with_signature_box

    head = signing.load_signer(certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE.encode())
    certified = certify_no_changes(report_pdf_with_signature_box(received)[0], head)
    assert verification.validate_pdf(certified).verdict == "intact_untrusted"
    assert verification.forbids_changes(certified)
    write(received, certified)
    login(client, django_user_model, "ttr.chamdiem")
    response = countersign(client, received, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 200
    assert "ở mức không cho phép thay đổi" in response.content.decode()
    assert_unchanged(received, certified, settings)


def test_a_pyhanko_signing_error_is_a_message_not_a_server_error(
    client, received, django_user_model, settings, monkeypatch
):
    from pyhanko.sign.general import SigningError

    def refuse(*args, **kwargs):
        raise SigningError("Author signature forbids all changes")

    monkeypatch.setattr(signing, "countersign_pdf", refuse)
    before = received.signed_pdf.read()
    login(client, django_user_model, "ttr.chamdiem")
    response = countersign(client, received, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 200
    assert "phần mềm ký không thêm được chữ ký vào tệp báo cáo này" in response.content.decode()
    assert_unchanged(received, before, settings)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda good, before: good + b"\n% added after the counter-signature\n", id="unsigned tail"
        ),
        pytest.param(lambda good, before: before, id="no counter-signature"),
        pytest.param(
            lambda good, before: good.replace(b"/Producer", b"/Producez", 1), id="the head's bytes changed"
        ),
    ],
)
def test_a_counter_signed_file_that_does_not_verify_is_not_stored(
    client, received, django_user_model, settings, monkeypatch, spoil
):
    """What the signing produced is checked before it replaces the head's file."""
    real = signing.countersign_pdf
    before = received.signed_pdf.read()
    monkeypatch.setattr(signing, "countersign_pdf", lambda pdf, *a, **kw: spoil(real(pdf, *a, **kw), before))
    login(client, django_user_model, "ttr.chamdiem")
    response = countersign(client, received, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 200
    assert "tệp sau khi ký xác nhận không giữ nguyên được chữ ký của đơn vị" in response.content.decode()
    assert_unchanged(received, before, settings)
