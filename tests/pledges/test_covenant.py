"""The bloc's giao ước: made once every member has registered, laid out by Nghị định 30/2020, signed by the
leader's head like the report (PAdES, the certificate used once and never stored)."""

import datetime
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import demo, signing
from scoring.models import Covenant, Pledge
from scoring.pledges import services
from scoring.pledges.document import covenant_pdf
from scoring.signing import verification

from ..exports.test_sheet_documents import flat, ink, pgm, poppler, write
from .conftest import login, vp_pledge

pytestmark = pytest.mark.django_db
PAGE = reverse("covenant_page", args=["TMTH", 2022])
PDF = reverse("covenant_download", args=["TMTH", 2022])
SIGN = reverse("covenant_sign", args=["TMTH", 2022])


@pytest.fixture
def all_in(demo_round):
    """Every member has sent its pledge; the giao ước is numbered and dated."""
    services.pledge_submit(pledge=vp_pledge(), by=None)
    Covenant.objects.filter(bloc_year=demo_round).update(number="01", issued_on=datetime.date(2022, 2, 15))
    return Covenant.objects.select_related("bloc_year__bloc", "bloc_year__leader").get(bloc_year=demo_round)


def sign(client, certificate: bytes, passphrase: str):
    return client.post(
        SIGN, {"certificate": SimpleUploadedFile("chung-thu.p12", certificate), "passphrase": passphrase}
    )


def test_the_giao_uoc_waits_for_every_member(client, demo_round, django_user_model):
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(PAGE).content.decode()
    assert "Chưa đủ đăng ký thi đua của các thành viên: còn Văn phòng UBND tỉnh." in page
    response = client.get(PDF, follow=True)
    assert response.redirect_chain[-1][0] == PAGE and "còn Văn phòng UBND tỉnh" in response.content.decode()
    # VP's draft shows as a status only: its titles are the agency's until it sends them
    assert "Đang soạn" in page


def test_the_giao_uoc_pdf_follows_the_official_layout(all_in, tmp_path):
    pdf = write(tmp_path, "giao-uoc.pdf", covenant_pdf(all_in))
    first = flat(poppler("pdftotext", "-f", "1", "-l", "1", pdf, "-"))
    for line in [
        "UBND TỈNH QUẢNG NGÃI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 15 tháng 02 năm 2022",
        "GIAO ƯỚC THI ĐUA năm 2022",
    ]:
        assert line in first, line
    # the header's left column alone (pdftotext reads the two columns line by line, interleaved)
    left = flat(
        poppler("pdftotext", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "275", "-H", "150", pdf, "-")
    )
    assert left == "UBND TỈNH QUẢNG NGÃI KHỐI CÁC CƠ QUAN THAM MƯU - TỔNG HỢP Số: 01/GƯ-TMTH"
    whole = flat(poppler("pdftotext", pdf, "-"))
    assert "Thanh tra tỉnh (Khối trưởng) Tập thể lao động xuất sắc Cờ thi đua của UBND tỉnh" in whole
    assert "Sở Tư pháp Tập thể lao động tiên tiến" in whole
    assert "Không có cán bộ, công chức vi phạm pháp luật" in whole
    assert "ĐẠI DIỆN CÁC THÀNH VIÊN KÝ GIAO ƯỚC" in whole
    for name in ("Nguyễn Văn Bình", "Vũ Minh Tâm", "Đặng Thu Ánh", "Huỳnh Thị Dương"):  # every member's head
        assert name in whole, name
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(" yes yes yes " in line and "VPUB-Serif" in line for line in fonts), fonts
    info = poppler("pdfinfo", pdf)
    assert "Page size:       595.276 x 841.89 pts (A4)" in info

    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", pdf, str(tmp_path / "p")], check=True
    )
    width, height, pixels = pgm(str(next(tmp_path.glob("p*.pgm"))))
    assert abs(width / height - 210 / 297) < 0.01
    margin_left = 30 / 210
    assert ink(pixels, width, 0, margin_left - 0.01, 0, 1, height) == 0  # 30 mm left
    assert ink(pixels, width, 1 - 14 / 210, 1, 0, 1, height) == 0  # 15 mm right
    assert ink(pixels, width, 0, 1, 0, 19 / 297, height) == 0  # 20 mm top
    assert ink(pixels, width, margin_left, 0.5, 0.06, 0.16, height) > 50  # the bloc's block, left
    assert ink(pixels, width, 0.5, 0.93, 0.06, 0.16, height) > 50  # the Quốc hiệu, right


def test_the_leaders_head_signs_it_and_it_is_kept_as_signed(client, all_in, django_user_model, settings):
    login(client, django_user_model, "ttr.thutruong")
    certificate = (settings.DEMO_CERT_DIR / "ttr.thutruong.p12").read_bytes()
    response = sign(client, certificate, demo.CERT_PASSPHRASE)
    assert response.status_code == 302 and response["Location"] == PAGE
    covenant = Covenant.objects.get(pk=all_in.pk)
    assert covenant.signer_name == "Nguyễn Văn Bình" and covenant.signed_by.username == "ttr.thutruong"
    signed = covenant.signed_pdf.read()
    result = verification.validate_pdf(signed)
    assert result.verdict == "intact_untrusted"
    assert result.signatures[-1].signer_common_name == "Nguyễn Văn Bình"
    login(client, django_user_model, "ttr.chamdiem")
    assert b"".join(client.get(PDF).streaming_content) == signed
    assert "Đã ký số lúc" in client.get(PAGE).content.decode()
    before = covenant.signed_at
    login(client, django_user_model, "ttr.thutruong")
    assert sign(client, certificate, demo.CERT_PASSPHRASE)["Location"] == PAGE  # once
    assert Covenant.objects.get(pk=all_in.pk).signed_at == before


def test_a_wrong_passphrase_signs_nothing_and_stores_nothing(client, all_in, django_user_model, settings):
    login(client, django_user_model, "ttr.thutruong")
    certificate = (settings.DEMO_CERT_DIR / "ttr.thutruong.p12").read_bytes()
    response = sign(client, certificate, "sai-mat-khau")
    assert response.status_code == 200 and "Sai mật khẩu của tệp chứng thư số." in response.content.decode()
    assert not Covenant.objects.get(pk=all_in.pk).signed_pdf
    assert not (settings.MEDIA_ROOT / "covenants").exists()


def test_it_cannot_be_signed_before_every_member_has_registered(
    client, demo_round, django_user_model, settings
):
    login(client, django_user_model, "ttr.thutruong")
    certificate = (settings.DEMO_CERT_DIR / "ttr.thutruong.p12").read_bytes()
    response = sign(client, certificate, demo.CERT_PASSPHRASE)
    assert response.status_code == 200 and "còn Văn phòng UBND tỉnh" in response.content.decode()
    assert not Covenant.objects.get(bloc_year=demo_round).signed_pdf
    assert Pledge.objects.filter(status="draft").count() == 1


def test_the_reviewer_sets_the_deadline_and_a_bad_date_keeps_what_was_typed(
    client, demo_round, django_user_model
):
    login(client, django_user_model, "ttr.chamdiem")
    response = client.post(PAGE, {"deadline": "31/02/2022", "number": "01", "issued_on": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Ngày cần có dạng ngày/tháng/năm" in page and "31/02/2022" in page
    assert Covenant.objects.get(bloc_year=demo_round).deadline is None
    assert client.post(PAGE, {"deadline": "31/03/2022", "number": "01"}).status_code == 302
    assert Covenant.objects.get(bloc_year=demo_round).deadline == datetime.date(2022, 3, 31)


def test_a_signature_made_while_the_reviewer_saves_is_kept(client, all_in, django_user_model, monkeypatch):
    """The leader's head signs between the reviewer's page reading the giao ước and its save: the save
    writes nothing (a form's save would have written the unsigned columns back over the signature)."""
    read = services.covenant_for

    def read_then_signed_meanwhile(*, bloc_year):
        covenant = read(bloc_year=bloc_year)
        Covenant.objects.filter(pk=covenant.pk).update(signed_pdf="giao-uoc/da-ky.pdf", signer_name="Đã ký")
        return covenant

    monkeypatch.setattr(services, "covenant_for", read_then_signed_meanwhile)
    login(client, django_user_model, "ttr.chamdiem")
    response = client.post(PAGE, {"deadline": "31/03/2022", "number": "02", "issued_on": "16/02/2022"})
    assert response.status_code == 302
    monkeypatch.setattr(services, "covenant_for", read)
    assert "Giao ước vừa được ký" in client.get(PAGE).content.decode()
    stored = Covenant.objects.get(pk=all_in.pk)
    assert (stored.signed_pdf.name, stored.signer_name, stored.number) == (
        "giao-uoc/da-ky.pdf",
        "Đã ký",
        "01",
    )
    assert stored.deadline is None


def test_a_full_disk_while_signing_signs_nothing_and_leaves_no_file(
    client, all_in, django_user_model, settings, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    from ..test_full_disk import FULL, disk_full_halfway, files_in

    login(client, django_user_model, "ttr.thutruong")
    certificate = (settings.DEMO_CERT_DIR / "ttr.thutruong.p12").read_bytes()
    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_halfway)
    response = sign(client, certificate, demo.CERT_PASSPHRASE)
    assert response.status_code == 200 and FULL in response.content.decode()
    covenant = Covenant.objects.get(pk=all_in.pk)
    assert not covenant.signed_pdf and covenant.signed_at is None
    assert files_in(settings.MEDIA_ROOT / "covenants") == []


def test_the_passphrase_never_shows_on_an_error_page(
    client, all_in, django_user_model, settings, monkeypatch
):
    """A failure half way through signing, with DEBUG on: Django's technical page hides the passphrase."""
    import secrets

    passphrase = secrets.token_hex(8)  # not a literal: the page shows this file's source lines
    now = datetime.datetime.now(datetime.UTC)
    certificate = signing.make_demo_p12(
        "Nguyễn Văn Bình",
        passphrase.encode(),
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=30),
    )

    def boom(*args, **kwargs):
        raise RuntimeError("test: signing failed half way")

    monkeypatch.setattr(services, "covenant_pdf_with_signature_box", boom)
    settings.DEBUG = True
    client.raise_request_exception = False
    login(client, django_user_model, "ttr.thutruong")
    response = sign(client, certificate, passphrase)
    page = response.content.decode()
    assert response.status_code == 500
    assert "test: signing failed half way" in page and "Local vars" in page
    assert passphrase not in page
    assert not Covenant.objects.get(pk=all_in.pk).signed_pdf
