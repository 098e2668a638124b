"""Evidence versions: a submitted sheet keeps the documents it cited as they were, file included, while the
agency edits its register; who may open those files from outside the agency, and that each read is logged."""

import logging
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from scoring.exports import sheet_pdf
from scoring.exports.sheet import sheet_document
from scoring.models import (
    Bloc,
    BlocMember,
    BlocYear,
    Citation,
    Criterion,
    Document,
    DocumentVersion,
    Membership,
    Rubric,
    Score,
    Sheet,
    SheetSnapshot,
)
from scoring.review.services import sheet_return
from scoring.sheets.services import sheet_submit

from ..factories import PDF, make_user

pytestmark = pytest.mark.django_db

PDF_2 = b"%PDF-1.4\n% the corrected file\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
KEY = "1:1.1"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(client, agency_code="VP", **fields):
    data = {"kind": "KH", "number": "2153/KH-VP", "issued_on": "10/01/2023", "subject": "Kế hoạch năm"}
    data |= fields
    response = client.post(reverse("evidence_create", args=[agency_code]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.get(number=data["number"])


def cite(sheet, document, key=KEY, points=10) -> Score:
    criterion = Criterion.objects.get(rubric_id=sheet.rubric_id, key=key)
    score, _ = Score.objects.get_or_create(sheet=sheet, criterion=criterion, defaults={"points": points})
    Citation.objects.get_or_create(score=score, document=document)
    return score


@pytest.fixture
def cited(cast, vp_sheet):
    """VP's sheet, submitted, citing Kế hoạch 2153/KH-VP of 10/01/2023 with its PDF under 1.1."""
    editor = logged_in(cast["editor"])
    document = register(editor, upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    cite(vp_sheet, document)
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    return vp_sheet, document, editor


def edit_after_submission(editor, document):
    """The issue's walk: the date 10/01 → 10/02/2023 and the file replaced."""
    response = editor.post(
        reverse("evidence_edit", args=["VP", document.pk]),
        {
            "kind": "KH",
            "number": "2153/KH-VP",
            "issued_on": "10/02/2023",
            "subject": "Kế hoạch năm",
            "upload": SimpleUploadedFile("ke-hoach-sua.pdf", PDF_2),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    return document


def file_url(sheet, document, version) -> str:
    return reverse("sheet_evidence_file", args=[sheet.pk, document.pk, version])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_leaders_reviewer_opens_a_cited_pdf_inline_and_the_read_is_logged(cast, cited, caplog):
    sheet, document, _ = cited
    with caplog.at_level(logging.WARNING, logger="vpub.security"):
        response = logged_in(cast["reviewer"]).get(file_url(sheet, document, 1))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf" and body(response) == PDF
    record = next(r.security for r in caplog.records if r.security["event"] == "bloc_read")
    assert record["user"] == "chamdiem" and record["outcome"] == "allowed"
    assert record["path"] == file_url(sheet, document, 1)


def test_the_province_administrator_opens_it_too(cast, cited):
    sheet, document, _ = cited
    response = logged_in(cast["admin"]).get(file_url(sheet, document, 1))
    assert response.status_code == 200 and body(response) == PDF


def test_a_file_that_is_not_a_pdf_is_downloaded(cast, cited):
    sheet, _, _ = cited
    word = Document.objects.create(agency=sheet.agency, kind="BC", number="3/BC-VP", issued_on="2022-06-01")
    word.file.save("bc.docx", SimpleUploadedFile("bc.docx", b"PK\x03\x04 a word file"), save=False)
    Document.objects.filter(pk=word.pk).update(file=word.file.name, file_type="docx", original_name="bc.docx")
    cite(sheet, word)
    response = logged_in(cast["reviewer"]).get(file_url(sheet, word, 1))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].endswith("wordprocessingml.document")


def test_nobody_opens_a_file_of_a_draft_from_outside_the_agency(cast, vp_sheet):
    document = register(logged_in(cast["editor"]), upload=SimpleUploadedFile("kh.pdf", PDF))
    cite(vp_sheet, document)
    for role in ("reviewer", "admin", "same_bloc", "other"):
        assert logged_in(cast[role]).get(file_url(vp_sheet, document, 1)).status_code == 404
    assert logged_in(cast["editor"]).get(file_url(vp_sheet, document, 1)).status_code == 200


def test_the_deputys_reviewer_opens_the_leaders_files_only(
    django_user_model, cast, agencies, bloc_2022, cited
):
    sheet, document, _ = cited
    deputy = logged_in(
        make_user(django_user_model, "stc.chamdiem", agencies["STC"], Membership.Role.REVIEWER)
    )
    assert (
        deputy.get(file_url(sheet, document, 1)).status_code == 404
    )  # VP is a member: the leader reviews it
    leader_sheet = Sheet.objects.create(rubric=sheet.rubric, agency=agencies["TTR"], status="submitted")
    own = Document.objects.create(
        agency=agencies["TTR"], kind="QĐ", number="1/QĐ-TTR", issued_on="2022-01-04"
    )
    own.file.save("qd.pdf", SimpleUploadedFile("qd.pdf", PDF))
    Document.objects.filter(pk=own.pk).update(file_type="pdf")
    cite(leader_sheet, own)
    assert deputy.get(file_url(leader_sheet, own, 1)).status_code == 200
    # the leader's reviewer works in the leader: its own agency's file, as any of its users
    assert logged_in(cast["reviewer"]).get(file_url(leader_sheet, own, 1)).status_code == 200


def test_a_file_of_another_bloc_is_404_to_this_blocs_reviewer(cast, agencies, rubric_2022, cited):
    bloc = Bloc.objects.create(code="KHAC", name="Khối khác")
    rubric = Rubric.objects.create(bloc=bloc, year=2022, title="Bảng tiêu chí khác", status="open")
    bloc_year = BlocYear.objects.create(bloc=bloc, year=2022, leader=agencies["STC"])
    BlocMember.objects.create(bloc_year=bloc_year, agency=agencies["OTHER"])
    criterion = Criterion.objects.create(
        rubric=rubric, key="1", code="1", text="Nội dung 1", max_points=10, position=1
    )
    sheet = Sheet.objects.create(rubric=rubric, agency=agencies["OTHER"], status="submitted")
    document = Document.objects.create(
        agency=agencies["OTHER"], kind="BC", number="9/BC-K", issued_on="2022-05-05"
    )
    document.file.save("bc.pdf", SimpleUploadedFile("bc.pdf", PDF))
    Citation.objects.create(
        score=Score.objects.create(sheet=sheet, criterion=criterion, points=5), document=document
    )
    assert logged_in(cast["reviewer"]).get(file_url(sheet, document, 1)).status_code == 404
    assert logged_in(cast["reviewer"]).get(reverse("sheet_detail", args=[sheet.pk])).status_code == 404
    assert logged_in(cast["admin"]).get(file_url(sheet, document, 1)).status_code == 200
    # a document the sheet does not cite is not reached through it
    other = cited[1]
    assert logged_in(cast["admin"]).get(file_url(sheet, other, 1)).status_code == 404


def test_editing_a_cited_document_after_submission_keeps_the_submitted_version(
    cast, settings, cited, django_capture_on_commit_callbacks
):
    sheet, document, editor = cited
    snapshot = SheetSnapshot.objects.get(sheet=sheet)
    assert [v.version for v in snapshot.document_versions.all()] == [1]
    with django_capture_on_commit_callbacks(execute=True):  # a replaced file would be removed on commit
        document = edit_after_submission(editor, document)
    assert document.version == 2 and document.issued_on.isoformat() == "2023-02-10"
    old, new = DocumentVersion.objects.filter(document=document).order_by("version")
    assert old.issued_on.isoformat() == "2023-01-10" and old.original_name == "ke-hoach.pdf"
    assert old.file.open("rb").read() == PDF and new.file.open("rb").read() == PDF_2
    assert new.recorded_by == cast["editor"] and new.recorded_at is not None
    assert new.changes == [
        ["ngày ban hành", "10/01/2023", "10/02/2023"],
        ["tệp", "ke-hoach.pdf", "ke-hoach-sua.pdf"],
    ]
    # the reviewer sees and opens what was submitted; the new version is not cited by this submission
    reviewer = logged_in(cast["reviewer"])
    page = reviewer.get(reverse("sheet_review", args=[sheet.pk])).content.decode()
    assert "Kế hoạch số 2153/KH-VP ngày 10/01/2023" in page and "10/02/2023" not in page
    assert "sổ tài liệu của đơn vị đã có bản sửa sau" in page
    assert body(reviewer.get(file_url(sheet, document, 1))) == PDF
    assert reviewer.get(file_url(sheet, document, 2)).status_code == 404
    # the sheet's page, its documents and its snapshot say the same
    row = next(r for r in sheet_document(sheet).rows if r.key == KEY)
    assert row.documents == ["Kế hoạch số 2153/KH-VP ngày 10/01/2023"]
    text = pdf_text(settings.MEDIA_ROOT, sheet_pdf(sheet))
    assert "2153/KH-VP ngày 10/01/2023" in text and "10/02/2023" not in text
    assert "ngày 10/01/2023" in reviewer.get(reverse("sheet_detail", args=[sheet.pk])).content.decode()
    row = next(r for r in snapshot.data["criteria"] if r["key"] == KEY)
    assert row["document_versions"] == [[document.pk, 1]]
    # the agency's register shows the new one, with its history
    form = editor.get(reverse("evidence_edit", args=["VP", document.pk])).content.decode()
    assert "Phiên bản 2" in form and "ngày ban hành “10/01/2023” → “10/02/2023”" in form


def pdf_text(root, content: bytes) -> str:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "sheet.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def test_a_returned_sheet_lists_what_changed_in_its_evidence(cast, cited):
    sheet, document, editor = cited
    sheet.refresh_from_db()
    sheet_return(sheet=sheet, base_version=sheet.version, reason="Bổ sung tài liệu", by=cast["reviewer"])
    edit_after_submission(editor, document)
    added = register(editor, number="7/QĐ-VP", kind="QĐ", issued_on="04/01/2022")
    cite(sheet, added, key="1:1.2")
    expected = "kế hoạch số 2153/kh-vp ngày 10/01/2023 sửa thành phiên bản 2: ngày ban hành “10/01/2023” → “10/02/2023”"
    detail = editor.get(reverse("sheet_detail", args=[sheet.pk])).content.decode()
    assert "Tài liệu kiểm chứng thay đổi từ lần nộp bị trả lại" in detail
    assert expected in detail.lower() and "thêm Quyết định số 7/QĐ-VP ngày 04/01/2022" in detail
    review = logged_in(cast["reviewer"]).get(reverse("sheet_review", args=[sheet.pk])).content.decode()
    assert expected in review.lower()


def test_a_document_only_drafts_cite_replaces_its_file(
    cast, settings, vp_sheet, django_capture_on_commit_callbacks
):
    editor = logged_in(cast["editor"])
    document = register(editor, upload=SimpleUploadedFile("kh.pdf", PDF))
    cite(vp_sheet, document)
    first = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        edit_after_submission(editor, document)
    assert not (settings.MEDIA_ROOT / first).exists()  # nothing submitted holds it
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_the_blocs_tables_print_the_version_each_sheet_was_submitted_with(cast, cited):
    """The bloc workbook's sheet per agency reads all members at once (sheet_documents): the submitted
    version there too, while the agency's own draft would show its register as it is now."""
    from scoring.exports.sheet import sheet_documents
    from scoring.rubrics.tree import rubric_tree

    sheet, document, editor = cited
    edit_after_submission(editor, document)
    sheet.refresh_from_db()
    documents = sheet_documents([sheet], rubric_tree(sheet.rubric))
    row = next(r for r in documents[sheet.pk].rows if r.key == KEY)
    assert row.documents == ["Kế hoạch số 2153/KH-VP ngày 10/01/2023"]
    sheet_return(sheet=sheet, base_version=sheet.version, reason="Bổ sung", by=cast["reviewer"])
    sheet.refresh_from_db()
    row = next(r for r in sheet_documents([sheet], rubric_tree(sheet.rubric))[sheet.pk].rows if r.key == KEY)
    assert row.documents == ["Kế hoạch số 2153/KH-VP ngày 10/02/2023"]  # the agency's again: as it is now
