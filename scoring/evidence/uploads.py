"""Evidence files: what they are is read from their content, never from their name."""

import re
import zipfile
import zlib
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An Office file is a zip: refuse one that would unpack to far more than it weighs (a zip bomb).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5000

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    code: str
    extension: str
    content_type: str
    label: str


PDF = FileKind("pdf", ".pdf", "application/pdf", "PDF")
PNG = FileKind("png", ".png", "image/png", "ảnh PNG")
JPEG = FileKind("jpeg", ".jpg", "image/jpeg", "ảnh JPEG")
DOCX = FileKind(
    "docx", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
)
XLSX = FileKind("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
DOC = FileKind("doc", ".doc", "application/msword", "Word 97-2003")
XLS = FileKind("xls", ".xls", "application/vnd.ms-excel", "Excel 97-2003")
KINDS = {k.code: k for k in (PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS)}

REFUSED = "Chỉ nhận tệp PDF, Word, Excel, JPEG hoặc PNG; nội dung tệp này không phải loại nào trong số đó."
POLYGLOT = "Tệp có lẫn mã trang web (HTML/script) bên trong: không nhận."
# Markup that makes a file a polyglot (an image or PDF that a browser could also run as a page).
MARKUP = (b"<script", b"<html", b"<!doctype html", b"<svg", b"<iframe", b"<body", b"javascript:")
# A tag with an event handler (`<img src=x onerror=…>`, `<img/onload=…>`), read from lowercased bytes.
EVENT_HANDLER = re.compile(rb"<[a-z][^<>]{0,1000}?[\s/\"']on[a-z]+\s*=")
OVERLAP = 1100  # bytes carried from one chunk to the next, so that a match across the seam is seen

ACTIVE_PDF = (
    "Tệp PDF có mã tự chạy (JavaScript), lệnh mở chương trình khác hoặc tệp đính kèm bên trong: không nhận. "
    "Hãy in văn bản ra một tệp PDF mới (In → Lưu dưới dạng PDF) rồi tải lên tệp đó."
)
STRANGE_PDF = (
    "Tệp PDF có cấu trúc bất thường: không nhận. "
    "Hãy in văn bản ra một tệp PDF mới (In → Lưu dưới dạng PDF) rồi tải lên tệp đó."
)
UNCHECKABLE_PDF = (
    "Tệp PDF được mã hóa nên không kiểm tra được nội dung: không nhận. "
    "Hãy in văn bản ra một tệp PDF mới (In → Lưu dưới dạng PDF) rồi tải lên tệp đó."
)


def _pdf_name(*names: str) -> re.Pattern:
    """A PDF name however it is spelt: each letter may be written as a `#xx` escape (/J#61vaScript)."""

    def letter(char: str) -> str:
        code = f"{ord(char):02x}"
        escaped = f"#{code[0]}[{code[1]}{code[1].upper()}]" if code[1].isalpha() else f"#{code}"
        return f"(?:{re.escape(char)}|{escaped})"

    spelt = "|".join("".join(letter(char) for char in name) for name in names)
    return re.compile(f"/(?:{spelt})(?![^\\x00\\t\\n\\x0c\\r /\\[\\]()<>{{}}%])".encode())


# A JavaScript action must say /S /JavaScript, so the long names are looked for in every byte; the short
# /JS only where random compressed bytes cannot spell it: outside streams, and inside object streams.
ACTIVE_PDF_NAME = _pdf_name("JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles")
ANY_ACTIVE_PDF_NAME = _pdf_name("JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles")
JS_NAME = _pdf_name("JS")
OBJECT_STREAM_NAME = _pdf_name("ObjStm")
ENCRYPT_NAME = _pdf_name("Encrypt")
PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
MAX_INFLATED_BYTES = 50 * 1024 * 1024


def _office_zip(upload) -> FileKind:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
                raise ValidationError(
                    "Tệp nén bất thường (giải nén ra quá lớn): không nhận.", code="zip_bomb"
                )
            names = {m.filename for m in members}
    except zipfile.BadZipFile:
        raise ValidationError(REFUSED, code="file_type") from None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    raise ValidationError(REFUSED, code="file_type")


def _ole2(upload) -> FileKind:
    """Word 97 and Excel 97 files share one container; their stream names tell them apart."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    if "WordDocument".encode("utf-16-le") in head:
        return DOC
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return XLS
    raise ValidationError(REFUSED, code="file_type")


def sniff(upload) -> FileKind:
    """The kind of an uploaded file from its first bytes (and, for Office files, its structure)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Tệp lớn hơn 20 MB: hãy nén hoặc tách nhỏ rồi tải lên lại.", code="file_size")
    if upload.size == 0:
        raise ValidationError("Tệp rỗng.", code="file_empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_zip(upload)
    elif head.startswith(OLE2):
        kind = _ole2(upload)
    else:
        raise ValidationError(REFUSED, code="file_type")
    if kind in (PDF, PNG, JPEG):
        _refuse_markup(upload)
    if kind is PDF:
        _refuse_active_pdf(upload)
    upload.seek(0)
    return kind


def _refuse_markup(upload) -> None:
    upload.seek(0)
    tail = b""
    while chunk := upload.read(1024 * 1024):
        window = (tail + chunk).lower()
        if any(marker in window for marker in MARKUP) or EVENT_HANDLER.search(window):
            raise ValidationError(POLYGLOT, code="polyglot")
        tail = window[-OVERLAP:]


def _refuse_active_pdf(upload) -> None:
    upload.seek(0)
    data = upload.read()
    if ACTIVE_PDF_NAME.search(data) or JS_NAME.search(_outside_streams(data)):
        raise ValidationError(ACTIVE_PDF, code="active_pdf")
    encrypted = ENCRYPT_NAME.search(data) is not None
    for objects in _object_streams(data):
        if encrypted:  # its object streams are encrypted too: what they hold cannot be read here
            raise ValidationError(UNCHECKABLE_PDF, code="encrypted_pdf")
        if ANY_ACTIVE_PDF_NAME.search(objects):
            raise ValidationError(ACTIVE_PDF, code="active_pdf")


def _outside_streams(data: bytes) -> bytes:
    """The PDF without its streams' bytes (pages, images, fonts), where a dictionary declares actions."""
    parts, position = [], 0
    while start := PDF_STREAM.search(data, position):
        parts.append(data[position : start.start()])
        end = data.find(b"endstream", start.end())
        position = len(data) if end < 0 else end
    parts.append(data[position:])
    return b"".join(parts)


def _object_streams(data: bytes):
    """What each object stream holds (PDF 1.5 packs dictionaries into compressed streams).

    Every "stream" keyword is looked at on its own, with the bytes just before it as its dictionary, so
    that a stream the skipping above got wrong is still found; one that does not inflate is read as is.
    Work is bounded: streams declared inside one another to make the same bytes read again are refused.
    """
    names = [match.start() for match in OBJECT_STREAM_NAME.finditer(data)]
    ends = [match.start() for match in re.finditer(rb"endstream", data)]
    budget, work = MAX_INFLATED_BYTES, 0
    for start in PDF_STREAM.finditer(data):
        first = bisect_left(names, start.start() - 512)
        if first == len(names) or names[first] > start.start():
            continue  # no /ObjStm just before this stream
        end = bisect_left(ends, start.end())
        body = memoryview(data)[start.end() : ends[end] if end < len(ends) else len(data)]
        work += len(body)
        try:
            objects = zlib.decompressobj().decompress(body, budget + 1)
        except zlib.error:
            objects = body
        if len(objects) > budget or work > 2 * len(data):
            raise ValidationError(STRANGE_PDF, code="pdf_structure")
        budget -= len(objects)
        yield objects


def download_name(original: str, kind: FileKind | None, stored: str) -> str:
    """The name a file is downloaded under: the name it was uploaded with, the extension of what it is."""
    extension = kind.extension if kind else PurePath(stored).suffix
    return (PurePath(original).stem if original else "tep") + extension
