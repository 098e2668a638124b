"""E-mail in Vietnamese when a sheet moves: to the reviewers on submission, to the agency on return or
acceptance, and reminders before the deadline. Sent once the transaction has committed."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from .models import BlocYear, Membership, Rubric, Sheet

SIGNATURE = "\n\n—\nPhần mềm chấm điểm thi đua (thư tự động, xin đừng trả lời)."


def _emails(agency_id: int, roles) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(agency_id=agency_id, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _send(messages: list[tuple[str, str, list[str]]]) -> int:
    batch = [
        (subject, body + SIGNATURE, settings.DEFAULT_FROM_EMAIL, to) for subject, body, to in messages if to
    ]
    return send_mass_mail(batch, fail_silently=False) if batch else 0


def _later(messages: list[tuple[str, str, list[str]]]) -> None:
    transaction.on_commit(lambda: _send(messages))


def _round_tag(rubric) -> str:
    """The subject's tag: "2022", or "2022 – sơ kết 6 tháng" for the six-month round."""
    return rubric.round_kind.with_tag(str(rubric.year), " – ")


def sheet_submitted(sheet: Sheet) -> None:
    bloc_year = BlocYear.objects.filter(bloc=sheet.rubric.bloc, year=sheet.rubric.year).first()
    if bloc_year is None:
        return
    reviewer_agency = (
        bloc_year.deputy_leader_id if sheet.agency_id == bloc_year.leader_id else bloc_year.leader_id
    )
    to = _emails(reviewer_agency, [Membership.Role.REVIEWER]) if reviewer_agency else []
    _later(
        [
            (
                f"[Thi đua {_round_tag(sheet.rubric)}] {sheet.agency.name} đã nộp bảng chấm điểm",
                f"{sheet.agency.name} đã nộp Bảng chấm điểm thi đua {sheet.rubric.period} "
                f"({sheet.rubric.bloc.name}).\n\nThẩm định tại: {_link('sheet_review', sheet.pk)}",
                to,
            )
        ]
    )


def sheet_returned(sheet: Sheet, reason: str) -> None:
    _later(
        [
            (
                f"[Thi đua {_round_tag(sheet.rubric)}] Bảng chấm điểm bị trả lại",
                f"Khối trưởng đã trả lại Bảng chấm điểm thi đua {sheet.rubric.period} của {sheet.agency.name}.\n\n"
                f"Lý do: {reason}\n\nNhận xét ở từng tiêu chí và chỗ sửa: {_link('sheet_edit', sheet.pk)}\n"
                "Sửa xong, thủ trưởng đơn vị nộp lại.",
                _emails(sheet.agency_id, [Membership.Role.EDITOR, Membership.Role.HEAD]),
            )
        ]
    )


def sheet_accepted(sheet: Sheet) -> None:
    _later(
        [
            (
                f"[Thi đua {_round_tag(sheet.rubric)}] Bảng chấm điểm đã được duyệt",
                f"Khối trưởng đã duyệt Bảng chấm điểm thi đua {sheet.rubric.period} của {sheet.agency.name}.\n\n"
                f"Xem tại: {_link('sheet_detail', sheet.pk)}",
                _emails(sheet.agency_id, [Membership.Role.EDITOR, Membership.Role.HEAD]),
            )
        ]
    )


def reminders(today: datetime.date, days: int) -> int:
    """Agencies that have not submitted, `days` days or fewer before their rubric's deadline."""
    messages = []
    for rubric in Rubric.objects.filter(
        status=Rubric.Status.OPEN, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
    ).select_related("bloc"):
        bloc_year = BlocYear.objects.filter(bloc=rubric.bloc, year=rubric.year).first()
        if bloc_year is None:
            continue
        done = set(
            Sheet.objects.filter(
                rubric=rubric, status__in=[Sheet.Status.SUBMITTED, Sheet.Status.ACCEPTED]
            ).values_list("agency_id", flat=True)
        )
        for member in bloc_year.memberships.select_related("agency").exclude(agency_id__in=done):
            left = (rubric.deadline - today).days
            messages.append(
                (
                    f"[Thi đua {_round_tag(rubric)}] Còn {left} ngày để nộp bảng chấm điểm",
                    f"{member.agency.name} chưa nộp Bảng chấm điểm thi đua {rubric.period} ({rubric.bloc.name}). "
                    f"Hạn nộp: {rubric.deadline:%d/%m/%Y}.\n\nChấm điểm tại: {_link('home')}",
                    _emails(member.agency_id, [Membership.Role.EDITOR, Membership.Role.HEAD]),
                )
            )
    return _send(messages)
