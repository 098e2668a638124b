import io
import re
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.evidence import uploads
from scoring.models import Document

from ..factories import PDF

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def files_on_disk(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, data, upload=None):
    if upload is not None:
        data = {**data, "upload": upload}
    return client.post(reverse("evidence_create", args=["VP"]), data)


GOOD = {
    "kind": "QĐ",
    "number": "02/QĐ-VP",
    "issued_on": "04/01/2022",
    "issuer": "VP",
    "subject": "Chương trình công tác",
}


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("b.png", PNG, "png"),
        ("c.jpg", JPEG, "jpeg"),
        ("d.docx", office("docx"), "docx"),
        ("e.xlsx", office("xlsx"), "xlsx"),
        ("chup-man-hinh.PDF", PDF, "pdf"),
    ],
)
def test_it_stores_an_allowed_file_under_a_generated_name(
    client, cast, vp_sheet, settings, name, content, kind
):
    client.force_login(cast["editor"])
    response = post(client, GOOD, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (
        document.file_type == kind and document.original_name == name and document.file_size == len(content)
    )
    assert re.fullmatch(r"evidence/VP/[0-9a-f]{32}\.[a-z]+", document.file.name)
    assert document.file.path.startswith(str(settings.MEDIA_ROOT))
    assert len(files_on_disk(settings)) == 1
    download = client.get(reverse("evidence_file", args=["VP", document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trang.pdf", b"<html><script>alert(1)</script></html>", uploads.REFUSED),
        ("chay.pdf", b"MZ\x90\x00" + b"\x00" * 60, uploads.REFUSED),
        ("hinh.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", uploads.REFUSED),
        ("nen.docx", b"PK\x03\x04" + b"\x00" * 60, uploads.REFUSED),
        ("bom.docx", zip_bomb(), "Tệp nén bất thường"),
        ("rong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_it_refuses_a_file_by_its_content_keeps_the_form_and_leaves_no_file(
    client, cast, vp_sheet, settings, name, content, message
):
    client.force_login(cast["editor"])
    response = post(client, GOOD, SimpleUploadedFile(name, content))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="02/QĐ-VP"' in page  # what was typed stays
    assert not Document.objects.exists()
    assert files_on_disk(settings) == []


def test_it_refuses_a_file_above_20_mb(client, cast, vp_sheet, settings):
    client.force_login(cast["editor"])
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (uploads.MAX_UPLOAD_BYTES + 1))
    response = post(client, GOOD, big)
    assert "Tệp lớn hơn 20 MB" in response.content.decode()
    assert not Document.objects.exists() and files_on_disk(settings) == []


def test_a_failed_save_leaves_no_orphan_file(client, cast, vp_sheet, settings, monkeypatch):
    client.force_login(cast["editor"])

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Document, "save", broken_save)
    with pytest.raises(RuntimeError):
        post(client, GOOD, SimpleUploadedFile("a.pdf", PDF))
    assert files_on_disk(settings) == []


def test_pasting_a_citation_fills_the_fields(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    response = post(client, {"citation": "Thông báo số 08-TB/ĐTN ngày 24/10/2022 về việc xếp loại Chi đoàn"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert (
        document.kind,
        document.number,
        document.issued_on.isoformat(),
        document.issuer,
        document.subject,
    ) == (
        "TB",
        "08-TB/ĐTN",
        "2022-10-24",
        "ĐTN",
        "xếp loại Chi đoàn",
    )
    parsed = client.get(
        reverse("citation_parse", args=["VP"]), {"q": "Kế hoạch số 274-KH/ĐU ngày 31/3/2022"}
    ).json()
    assert parsed == {
        "ok": True,
        "kind": "KH",
        "number": "274-KH/ĐU",
        "issued_on": "31/03/2022",
        "issuer": "ĐU",
        "subject": "",
    }


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"citation": "xin chào"}, "Không đọc được trích dẫn"),
        ({"citation": "Quyết định số 31/QĐ-VP ngày 31/4/2019"}, "Ngày 31/4/2019 không có thật."),
        ({"kind": "QĐ", "number": "1/QĐ-VP", "issued_on": "32/01/2022"}, "Ngày cần có dạng ngày/tháng/năm"),
        ({"kind": "QĐ", "issued_on": "02/01/2022"}, "Nhập số, ký hiệu văn bản."),
    ],
)
def test_a_bad_entry_gets_a_vietnamese_message(client, cast, vp_sheet, data, field_message):
    client.force_login(cast["editor"])
    response = post(client, data)
    assert response.status_code == 200 and field_message in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_is_entered_once(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    assert post(client, GOOD).status_code == 302
    response = post(client, GOOD)
    assert "Văn bản này đã có trong sổ tài liệu" in response.content.decode()
    assert Document.objects.count() == 1


def test_user_text_is_escaped(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    post(client, {**GOOD, "subject": "<script>alert('x')</script>"})
    page = client.get(reverse("evidence_list", args=["VP"])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_name"),
    [
        ("x.html", PDF, "application/pdf", "x.pdf"),
        ("a.hta", PNG, "image/png", "a.png"),
        ("anh chup.svg", JPEG, "image/jpeg", "anh chup.jpg"),
        ("bang.xlsx.exe", office("xlsx"), uploads.XLSX.content_type, "bang.xlsx.xlsx"),
    ],
    ids=["pdf-as-html", "png-as-hta", "jpeg-as-svg", "xlsx-as-exe"],
)
def test_a_download_is_served_as_what_its_content_is_not_what_its_name_says(
    client, cast, vp_sheet, name, content, content_type, served_name
):
    client.force_login(cast["editor"])
    assert post(client, GOOD, SimpleUploadedFile(name, content, content_type="text/html")).status_code == 302
    document = Document.objects.get()
    assert document.original_name == name
    assert document.file.name.endswith(uploads.KINDS[document.file_type].extension)
    download = client.get(reverse("evidence_file", args=["VP", document.pk]))
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == f'attachment; filename="{served_name}"'
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    "markup",
    [
        b"<img src=x onerror=alert(1)>",
        b"<IMG SRC=x OnError = alert(1)>",
        b"<img/src/onerror=alert(1)>",
        b'<div class="a" onmouseover="alert(1)">',
        b"<a href='#' onclick='alert(1)'>",
        b"<image href=x onload=alert(1)>",
    ],
    ids=["onerror", "upper-case-with-spaces", "slashes", "quoted", "onclick", "onload"],
)
@pytest.mark.parametrize(
    ("name", "head"), [("anh.png", PNG), ("anh.jpg", JPEG), ("vb.pdf", PDF)], ids=["png", "jpeg", "pdf"]
)
def test_it_refuses_an_event_handler_hidden_in_a_file(client, cast, vp_sheet, settings, markup, name, head):
    client.force_login(cast["editor"])
    response = post(client, GOOD, SimpleUploadedFile(name, head + b"\x00" * 2000 + markup + b"\x00" * 64))
    page = response.content.decode()
    assert response.status_code == 200 and uploads.POLYGLOT in page
    assert 'value="02/QĐ-VP"' in page
    assert not Document.objects.exists() and files_on_disk(settings) == []


def pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, o) for n, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer\n<</Root 1 0 R>>\n%%EOF\n"


def object_stream(hidden: bytes, *, compress=True, kind=b"/ObjStm", encrypt=b"") -> bytes:
    packed = zlib.compress(b"2 0 " + hidden) if compress else b"2 0 " + hidden
    flate = b"/Filter/FlateDecode" if compress else b""
    return b"<</Type%s/N 1/First 4%s/Length %d%s>>stream\n%s\nendstream" % (
        kind,
        flate,
        len(packed),
        encrypt,
        packed,
    )


CATALOG = b"<</Type/Catalog/Pages 3 0 R/OpenAction 2 0 R>>"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf(CATALOG, b"<</S/JavaScript/JS(app.alert(1))>>"), id="open-action-javascript"),
        pytest.param(pdf(b"<</Type/Catalog/AA<</WC<</JS 2 0 R>>>>>>", b"(app.alert(1))"), id="js-alone"),
        pytest.param(pdf(CATALOG, b"<</S/J#61vaScript/J#53(app.alert(1))>>"), id="escaped-names"),
        pytest.param(pdf(CATALOG, b"<</S/Launch/F(cmd.exe)>>"), id="launch"),
        pytest.param(pdf(b"<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>", b"<<>>"), id="embedded-files"),
        pytest.param(
            pdf(b"<</Type/Catalog>>", b"<</Type/EmbeddedFile/Length 5>>stream\nhello\nendstream"),
            id="embedded-file",
        ),
        pytest.param(
            pdf(CATALOG, object_stream(b"<</S/JavaScript/JS(app.alert(1))>>")), id="in-an-object-stream"
        ),
        pytest.param(pdf(CATALOG, object_stream(b"<</JS(app.alert(1))>>")), id="js-in-an-object-stream"),
        pytest.param(
            pdf(CATALOG, object_stream(b"<</JS(app.alert(1))>>", compress=False)), id="plain-object-stream"
        ),
        pytest.param(
            pdf(CATALOG, object_stream(b"<</JS(app.alert(1))>>", kind=b"/Obj#53tm")),
            id="escaped-object-stream",
        ),
    ],
)
def test_it_refuses_a_pdf_that_runs_code_or_carries_files(client, cast, vp_sheet, settings, content):
    client.force_login(cast["editor"])
    response = post(client, GOOD, SimpleUploadedFile("cong-van.pdf", content))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<span id="error_1_id_upload"><strong>{uploads.ACTIVE_PDF}</strong>' in page  # beside the field
    assert 'value="02/QĐ-VP"' in page and "Chương trình công tác" in page
    assert not Document.objects.exists() and files_on_disk(settings) == []


def test_it_refuses_an_encrypted_pdf_whose_objects_it_cannot_read(client, cast, vp_sheet, settings):
    client.force_login(cast["editor"])
    content = pdf(CATALOG, object_stream(b"<<>>", encrypt=b"/Encrypt 9 0 R"))
    page = post(client, GOOD, SimpleUploadedFile("mat.pdf", content)).content.decode()
    assert f'<span id="error_1_id_upload"><strong>{uploads.UNCHECKABLE_PDF}</strong>' in page
    assert not Document.objects.exists() and files_on_disk(settings) == []


def test_it_refuses_streams_declared_inside_one_another_in_bounded_time(client, cast, vp_sheet, settings):
    client.force_login(cast["editor"])
    nested = b"/ObjStm stream\n" * 200_000 + b"x" * 1_000_000 + b"endstream"
    started = time.monotonic()
    page = post(
        client, GOOD, SimpleUploadedFile("long.pdf", pdf(b"<</Type/Catalog>>", nested))
    ).content.decode()
    assert time.monotonic() - started < 2
    assert uploads.STRANGE_PDF in page and not Document.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf(b"<</Type/Catalog/OpenAction[3 0 R/Fit]>>"), id="open-action-to-a-page"),
        pytest.param(
            pdf(b"<</Type/Catalog>>", b"<</Length 9/Filter/FlateDecode>>stream\nx/JS /Lau\nendstream"),
            id="name-like-bytes-inside-a-compressed-stream",
        ),
        pytest.param(pdf(CATALOG, object_stream(b"<</Type/Page>>")), id="object-stream"),
        pytest.param(
            pdf(CATALOG, b"<</Title(JSON /JSX)>>", b"<</Encrypt 4 0 R>>"),
            id="encrypted-without-object-streams",
        ),
    ],
)
def test_it_accepts_a_pdf_without_active_content(client, cast, vp_sheet, content):
    client.force_login(cast["editor"])
    assert post(client, GOOD, SimpleUploadedFile("cong-van.pdf", content)).status_code == 302
    assert Document.objects.get().file_type == "pdf"
