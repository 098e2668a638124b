"""Registering an agency's pledge, and the bloc's giao ước: its details and its signature."""

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .. import signing
from ..files import kept
from ..models import AwardTitle, BlocYear, Covenant, Pledge
from ..notation import format_date
from .document import covenant_pdf_with_signature_box


class PledgeRefused(Exception):
    """Why the pledge cannot be changed or registered now, in Vietnamese, for the page."""


ALREADY_SUBMITTED = "Đăng ký thi đua đã được thủ trưởng xác nhận và gửi khối: không sửa được nữa."
NO_TITLES = "Chưa chọn danh hiệu, hình thức khen thưởng nào để đăng ký."
NO_COMMITMENTS = "Chưa ghi nội dung giao ước nào."


def covenant_for(*, bloc_year: BlocYear) -> Covenant:
    covenant, _ = Covenant.objects.get_or_create(bloc_year=bloc_year)
    return covenant


def deadline_of(bloc_year: BlocYear):
    return Covenant.objects.filter(bloc_year=bloc_year).values_list("deadline", flat=True).first()


def past_deadline(deadline) -> str:
    """The refusal once the registration deadline has passed, or "" while it is open (or has none)."""
    if deadline is not None and timezone.localdate() > deadline:
        return f"Đã quá hạn đăng ký thi đua ({format_date(deadline)}): không sửa, không gửi được nữa."
    return ""


@transaction.atomic
def pledge_save(
    *, bloc_year: BlocYear, agency, titles: list[AwardTitle], commitments: str, by, deadline=None
) -> Pledge:
    """Save the agency's draft: the titles it aims for and its commitments.

    The status is checked in the UPDATE itself, so a save that races the head's submission changes
    nothing (on SQLite too, where SELECT … FOR UPDATE does nothing)."""
    refusal = past_deadline(deadline)
    if refusal:
        raise PledgeRefused(refusal)
    pledge, created = Pledge.objects.get_or_create(
        bloc_year=bloc_year, agency=agency, defaults={"commitments": commitments, "updated_by": by}
    )
    if not created:
        changed = Pledge.objects.filter(pk=pledge.pk, status=Pledge.Status.DRAFT).update(
            commitments=commitments, updated_by=by, updated_at=timezone.now()
        )
        if not changed:
            raise PledgeRefused(ALREADY_SUBMITTED)
    pledge.titles.set(titles)
    pledge.refresh_from_db()
    return pledge


@transaction.atomic
def pledge_submit(*, pledge: Pledge, by, deadline=None) -> Pledge:
    """The head confirms the pledge and sends it to the bloc: from then on it does not change."""
    refusal = past_deadline(deadline)
    if refusal:
        raise PledgeRefused(refusal)
    if not pledge.titles.exists():
        raise PledgeRefused(NO_TITLES)
    if not pledge.commitment_lines():
        raise PledgeRefused(NO_COMMITMENTS)
    changed = Pledge.objects.filter(pk=pledge.pk, status=Pledge.Status.DRAFT).update(
        status=Pledge.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=by
    )
    if not changed:
        raise PledgeRefused(ALREADY_SUBMITTED)
    pledge.refresh_from_db()
    return pledge


def covenant_set_details(*, covenant: Covenant, deadline, number: str, issued_on) -> bool:
    """The deadline, number and date the bloc's side sets; False, and nothing written, once it is signed.

    One conditional UPDATE rather than the form's save(): a save writes back every column as the page had
    read it, so a signature made meanwhile would be wiped (and its file orphaned)."""
    return bool(
        Covenant.objects.filter(pk=covenant.pk, signed_pdf="").update(
            deadline=deadline, number=number, issued_on=issued_on
        )
    )


def missing_members(bloc_year: BlocYear) -> list:
    """The members whose pledge is not registered yet, by name."""
    registered = Pledge.objects.filter(bloc_year=bloc_year, status=Pledge.Status.SUBMITTED).values(
        "agency_id"
    )
    return list(bloc_year.members.exclude(pk__in=registered).order_by("name"))


class CovenantRefused(Exception):
    """Why the giao ước cannot be made or signed now, in Vietnamese."""


def covenant_ready(covenant: Covenant) -> str:
    """What stands in the way of the giao ước, or "" when every member has registered."""
    missing = missing_members(covenant.bloc_year)
    if missing:
        names = ", ".join(a.name for a in missing)
        return f"Chưa đủ đăng ký thi đua của các thành viên: còn {names}."
    return ""


@sensitive_variables("p12", "passphrase")
def covenant_sign(*, covenant: Covenant, p12: bytes, passphrase: bytes, by) -> Covenant:
    """Sign the bloc's giao ước with the leader's head's certificate; a failure at any step changes nothing.

    The certificate is used for this signing only (as every signing: scoring.signing)."""
    with transaction.atomic():  # a block, not a decorator: its frame would show the passphrase
        rows = Covenant.objects.select_for_update(of=("self",)).select_related(
            "bloc_year__bloc", "bloc_year__leader"
        )
        covenant = rows.get(pk=covenant.pk)
        if covenant.signed_pdf:
            raise CovenantRefused("Giao ước thi đua đã được ký.")
        refusal = covenant_ready(covenant)
        if refusal:
            raise CovenantRefused(refusal)
        leader = covenant.bloc_year.leader
        if leader is None:
            raise CovenantRefused(BlocYear.NO_LEADER)
        signed = signing.sign_document(
            lambda: covenant_pdf_with_signature_box(covenant),
            p12=p12,
            passphrase=passphrase,
            fallback_name=leader.head_name,
            reason=f"Ký Giao ước thi đua số {covenant.reference}",
            location=leader.place,
        )
        with kept(covenant.signed_pdf, f"giao-uoc-{covenant.pk}.pdf", signed.pdf) as stored:
            changed = Covenant.objects.filter(pk=covenant.pk, signed_pdf="").update(
                signed_pdf=stored, signed_at=timezone.now(), signed_by=by, signer_name=signed.signer_name
            )
            if not changed:
                raise CovenantRefused("Giao ước thi đua đã được ký.")
        covenant.refresh_from_db()
        return covenant
