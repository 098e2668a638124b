"""The evidence register's pages: the list, an entry with its file, and the citation parser for the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from ..accounts.access import allowed, bound_data, get_agency_for_user, get_sheet_for_user
from ..files import download
from ..models import Document
from . import services, uploads, versions
from .citations import parse_citation
from .forms import EvidenceForm

# A citation is a kind, a number, a date, an issuer and a subject: 600 characters leave room for a long one.
CITATION_MAX = 600


@login_required
@require_GET
def evidence_list(request, code: str):
    agency, roles = get_agency_for_user(request, code)
    documents = agency.documents.order_by("-issued_on", "number")
    query = request.GET.get("q", "").strip()
    if query:
        documents = documents.filter(number__icontains=query) | documents.filter(subject__icontains=query)
    return render(
        request,
        "scoring/evidence_list.html",
        {
            "agency": agency,
            "documents": documents,
            "query": query,
            "can_edit": allowed("evidence.edit", roles),
        },
    )


def _evidence_save(request, agency, document: Document | None):
    form = EvidenceForm(*bound_data(request), instance=document, agency=agency)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            with transaction.atomic():
                saved = services.evidence_save(
                    document=form.instance,
                    agency=agency,
                    upload=upload,
                    file_kind=getattr(form, "file_kind", None),
                    by=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã lưu {saved.citation}.")
            return redirect("evidence_list", code=agency.code)
    history = document.versions.select_related("recorded_by").order_by("-version") if document else []
    return render(
        request,
        "scoring/evidence_form.html",
        {"agency": agency, "form": form, "document": document, "versions": history},
    )


@login_required
def evidence_create(request, code: str):
    agency, _ = get_agency_for_user(request, code, "evidence.edit")
    return _evidence_save(request, agency, None)


@login_required
def evidence_edit(request, code: str, pk: int):
    agency, _ = get_agency_for_user(request, code, "evidence.edit")
    document = get_object_or_404(Document, pk=pk, agency=agency)
    return _evidence_save(request, agency, document)


@login_required
@require_GET
def evidence_file(request, code: str, pk: int):
    agency, _ = get_agency_for_user(request, code)
    document = get_object_or_404(Document, pk=pk, agency=agency)
    return _file_response(document, inline=False)


@login_required
@require_GET
def sheet_evidence_file(request, pk: int, document_pk: int, version: int):
    """A file the sheet cites, in the version it cites (as submitted, or as it cites it now): for the
    sheet's agency, its reviewer and the province (the policy's "sheet.evidence"); a PDF opens inline."""
    sheet, _ = get_sheet_for_user(request, pk, "sheet.evidence")
    found = versions.cited_version(sheet, document_pk, version)
    if found is None:
        raise Http404
    return _file_response(found, inline=found.inline)


def _file_response(document, *, inline: bool) -> HttpResponseBase:
    """A register file (an entry or one of its versions) with the type its content has."""
    if not document.file:
        raise Http404
    # What the file is was read from its content when it was uploaded; its name could say anything.
    kind = uploads.KINDS.get(document.file_type)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = uploads.download_name(document.original_name, kind, document.file.name)
    return download(handle, name, kind.content_type if kind else "application/octet-stream", inline=inline)


@login_required
@require_GET
def citation_parse(request, code: str):
    get_agency_for_user(request, code, "evidence.edit")
    text = request.GET.get("q", "")
    if len(text) > CITATION_MAX:  # the parser's time grows fast with the length: never hold a worker on it
        return JsonResponse(
            {"ok": False, "message": f"Trích dẫn quá dài (quá {CITATION_MAX} ký tự): nhập từng ô bên dưới."},
            status=400,
        )
    citation = parse_citation(text)
    if citation is None:
        return JsonResponse({"ok": False, "message": "Không đọc được trích dẫn."}, status=400)
    if not citation.is_valid:
        return JsonResponse(
            {"ok": False, "message": f"Ngày {citation.written_date} không có thật."}, status=400
        )
    return JsonResponse(
        {
            "ok": True,
            "kind": citation.kind,
            "number": citation.number,
            "issued_on": citation.issued_on.strftime("%d/%m/%Y"),
            "issuer": citation.issuer,
            "subject": citation.subject,
        }
    )
