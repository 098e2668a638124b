"""Writes of the award dossier: prepared from the closed round's ranking, edited until it is signed and sent,
then decided on by the province, whose decisions enter each awarded agency's evidence register."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .. import signing
from ..evidence.services import evidence_save
from ..files import kept
from ..models import Agency, BlocYear, Document, Dossier, DossierLine, Rubric
from ..review.standings import bloc_round
from .documents import dossier_pdf_with_signature_box


class DossierRefused(Exception):
    """What stops a write, in Vietnamese, for the page to show where the user is."""


class DossierLocked(DossierRefused):
    def __init__(self):
        super().__init__("Hồ sơ đã ký số và gửi về tỉnh: không sửa được nữa.")


def start_refusals(rubric: Rubric, state) -> list[str]:
    """Why a dossier cannot be prepared yet: the ranking it starts from must be final."""
    reasons = []
    if not state.complete:
        reasons.append(
            f"Còn {state.missing}/{len(state.members)} thành viên chưa được duyệt bảng chấm điểm: xếp hạng "
            "chưa chính thức."
        )
    if rubric.status != Rubric.Status.CLOSED:
        reasons.append("Năm thi đua chưa khóa sổ: xếp hạng còn có thể thay đổi.")
    return reasons


def default_recipients(bloc_year: BlocYear) -> str:
    office = Agency.objects.filter(is_province_office=True).first()
    place = bloc_year.leader.place if bloc_year.leader else ""
    lines = [f"Chủ tịch Ủy ban nhân dân tỉnh {place}".strip()]
    if office is not None:
        lines.append(office.name)
    return "\n".join(lines)


@transaction.atomic
def dossier_start(*, bloc_year: BlocYear, rubric: Rubric, by) -> Dossier:
    """The dossier, its collectives taken from the ranking's proposed awards, in rank order."""
    found = Dossier.objects.filter(bloc_year=bloc_year).first()
    if found is not None:
        return found
    state = bloc_round(rubric, bloc_year)
    reasons = start_refusals(rubric, state)
    if reasons:
        raise DossierRefused(" ".join(reasons))
    if bloc_year.leader is None:
        raise DossierRefused(BlocYear.NO_LEADER)
    symbol = bloc_year.leader.symbol
    dossier = Dossier.objects.create(
        bloc_year=bloc_year,
        created_by=by,
        recipients=default_recipients(bloc_year),
        distribution="\n".join(["Như trên;", "Các cơ quan, đơn vị thành viên Khối;", f"Lưu: VT, {symbol}."]),
    )
    DossierLine.objects.bulk_create(
        DossierLine(
            dossier=dossier,
            kind=DossierLine.Kind.COLLECTIVE,
            agency=member.agency,
            award=member.award,
            rank=member.rank,
            points=member.final_total,
            order=order,
        )
        for order, member in enumerate((m for m in state.ranked if m.award), start=1)
    )
    return dossier


def _claim(dossier: Dossier) -> None:
    """Take the dossier for this write (PostgreSQL holds the row until commit; SQLite serialises writers);
    refused once it is sent."""
    claimed = Dossier.objects.filter(pk=dossier.pk, sent_at__isnull=True).update(version=F("version") + 1)
    if not claimed:
        raise DossierLocked


@transaction.atomic
def dossier_save(*, dossier: Dossier) -> Dossier:
    """Save the tờ trình's number, date and addressees (a ModelForm's instance)."""
    _claim(dossier)
    dossier.save(update_fields=["number", "issued_on", "recipients", "distribution"])
    return dossier


@transaction.atomic
def line_save(*, line: DossierLine) -> DossierLine:
    """Add or change a line: an individual typed by hand, or a collective's award and achievement."""
    _claim(line.dossier)
    if line.pk is None:
        last = line.dossier.lines.filter(kind=line.kind).order_by("-order").first()
        line.order = (last.order if last else 0) + 1
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def line_delete(*, line: DossierLine) -> None:
    _claim(line.dossier)
    line.delete()


def sign_refusals(dossier: Dossier) -> list[str]:
    reasons = []
    if not dossier.number or not dossier.issued_on:
        reasons.append("Nhập số và ngày của tờ trình trước khi ký.")
    if not dossier.lines.exists():
        reasons.append("Hồ sơ chưa có tập thể hay cá nhân nào được đề nghị.")
    return reasons


@sensitive_variables("p12", "passphrase")
def dossier_sign_and_send(*, dossier: Dossier, p12: bytes, passphrase: bytes, by) -> Dossier:
    """Sign the tờ trình (and the list attached) with the signer's certificate and send it to the province.

    The certificate serves this signing only; a failure at any step changes nothing and leaves no file."""
    with transaction.atomic():  # a block, not a decorator: the decorator's frame would show the passphrase
        _claim(dossier)
        dossier.refresh_from_db()
        reasons = sign_refusals(dossier)
        if reasons:
            raise DossierRefused(" ".join(reasons))
        leader = dossier.bloc_year.leader
        if leader is None:
            raise DossierRefused(BlocYear.NO_LEADER)
        signed = signing.sign_document(
            lambda: dossier_pdf_with_signature_box(dossier),
            p12=p12,
            passphrase=passphrase,
            fallback_name=leader.head_name,
            reason=f"Ký Tờ trình số {dossier.reference}",
            location=leader.place,
        )
        with kept(dossier.signed_pdf, "to-trinh.pdf", signed.pdf) as stored:
            dossier.signed_pdf.name = stored
            dossier.sent_at, dossier.sent_by, dossier.signer_name = timezone.now(), by, signed.signer_name
            dossier.save(update_fields=["signed_pdf", "sent_at", "sent_by", "signer_name"])
    return dossier


def _subject(lines: list[DossierLine]) -> str:
    return "; ".join(f"Tặng {line.award} cho {line.who}" for line in lines)


@transaction.atomic
def decisions_record(
    *, dossier: Dossier, number: str, issued_on, issuer: str, outcomes: dict[int, bool], by
) -> list[DossierLine]:
    """Record one decision of the province on some of the dossier's lines (granted or not).

    Each agency with a line granted gets the decision in its evidence register — one document per decision,
    its subject naming each award — through the register's own save, so its versions are kept: an entry the
    agency made already is completed, not doubled."""
    if not Dossier.objects.filter(pk=dossier.pk, sent_at__isnull=False).exists():
        raise DossierRefused("Hồ sơ chưa được gửi về tỉnh.")
    lines = list(
        DossierLine.objects.select_for_update()
        .filter(dossier=dossier, pk__in=outcomes, granted__isnull=True)
        .select_related("agency")
    )
    if len(lines) != len(outcomes):
        raise DossierRefused("Có dòng đã được ghi quyết định trước đó; tải lại trang để xem.")
    now = timezone.now()
    by_agency: dict[int, list[DossierLine]] = {}
    for line in lines:
        line.granted = outcomes[line.pk]
        line.decision_number, line.decision_date, line.decision_issuer = number, issued_on, issuer
        line.decided_at, line.decided_by = now, by
        if line.granted:
            by_agency.setdefault(line.agency_id, []).append(line)
    for granted in by_agency.values():
        document = _register(granted, number=number, issued_on=issued_on, issuer=issuer, by=by)
        for line in granted:
            line.document = document
    fields = ["granted", "decision_number", "decision_date", "decision_issuer", "decided_at", "decided_by"]
    DossierLine.objects.bulk_update(lines, [*fields, "document"])
    return lines


def _register(lines: list[DossierLine], *, number: str, issued_on, issuer: str, by) -> Document:
    agency = lines[0].agency
    kind = Document.Kind.QUYET_DINH
    document = Document.objects.filter(agency=agency, kind=kind, number=number, issued_on=issued_on).first()
    if document is None:
        document = Document(kind=kind, number=number, issued_on=issued_on, issuer=issuer)
        document.subject = _subject(lines)
    else:
        missing = [line for line in lines if f"{line.award} cho {line.who}" not in document.subject]
        if missing:
            document.subject = "; ".join(part for part in (document.subject, _subject(missing)) if part)
        document.issuer = document.issuer or issuer
    return evidence_save(document=document, agency=agency, by=by)
