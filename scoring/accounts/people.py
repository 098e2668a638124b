"""The people of the agencies: added by the province's administrator, one by one or from a spreadsheet,
invited to set their own password, deactivated and reactivated.

A person's username is their e-mail address, in lower case: one address, one account. The administrator
never sees or types a password; the invitation is Django's password-reset token, which expires as Django's
does (PASSWORD_RESET_TIMEOUT) and stops working once the password is set.
"""

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import Agency, Membership
from ..workbooks import normalize
from .names import full_name

logger = logging.getLogger(__name__)
EMAIL_MAX = 150  # the username's length in Django's user model
NAME_MAX = 150
SIGNATURE = "\n\n—\nPhần mềm chấm điểm thi đua (thư tự động, xin đừng trả lời)."


@dataclass
class PersonInput:
    """One person to add, as typed or read from a row; `errors` in Vietnamese, empty when it may be added."""

    full_name: str
    email: str
    role: str
    row: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Membership.Role(self.role).label if self.role in Membership.Role.values else ""


def split_name(name: str) -> tuple[str, str]:
    """("Nguyễn Thị", "Hoa") for "Nguyễn Thị Hoa": the given name is the last word, the rest the family and
    middle names (names.full_name writes them back in that order)."""
    words = " ".join(name.split()).split(" ")
    return " ".join(words[:-1]), words[-1]


def email_taken(email: str) -> str:
    """A message naming who already has the address, or ""."""
    user = (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .prefetch_related("memberships__agency")
        .first()
    )
    if user is None:
        return ""
    where = ", ".join(sorted({m.agency.name for m in user.memberships.all()}))
    return f"E-mail {email} đã có tài khoản ({full_name(user)}{' – ' + where if where else ''}): không thêm lần nữa."


def check_person(person: PersonInput, *, agency: Agency) -> PersonInput:
    """Fill `person.errors`; normalises its name and address."""
    person.full_name = " ".join(person.full_name.split())
    person.email = person.email.strip().lower()
    if not person.full_name:
        person.errors.append("Thiếu họ và tên.")
    elif len(person.full_name) > NAME_MAX or len(person.full_name.split()) < 2:
        person.errors.append("Họ và tên cần có họ và tên (ví dụ Nguyễn Thị Hoa), không quá 150 ký tự.")
    if not person.email:
        person.errors.append("Thiếu e-mail.")
    else:
        try:
            validate_email(person.email)
            if len(person.email) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            person.errors.append(f"“{person.email}” không phải là địa chỉ e-mail dùng được.")
        else:
            taken = email_taken(person.email)
            if taken:
                person.errors.append(taken)
    if person.role not in Membership.Role.values:
        typed = (
            f"“{person.role[1:]}” không phải là vai trò. "
            if person.role.startswith("?")
            else "Thiếu vai trò. "
        )
        person.errors.append(typed + "Vai trò cần là một trong: " + ", ".join(Membership.Role.labels) + ".")
    elif person.role == Membership.Role.ADMIN and not agency.is_province_office:
        person.errors.append(
            "Vai trò “Quản trị cấp tỉnh” chỉ dành cho người của cơ quan thường trực thi đua của tỉnh."
        )
    return person


ROLE_WORDS = {
    **{normalize(label): value for value, label in Membership.Role.choices},
    **{value: value for value in Membership.Role.values},
    "nhập liệu": Membership.Role.EDITOR,
    "cán bộ": Membership.Role.EDITOR,
    "chấm điểm": Membership.Role.REVIEWER,
    "quản trị": Membership.Role.ADMIN,
}


def role_from_text(text) -> str:
    """The role a cell names ("Thủ trưởng", "head", "chấm điểm"); "" when it names none."""
    return ROLE_WORDS.get(normalize(text), "")


def check_people(people: list[PersonInput], *, agency: Agency) -> list[PersonInput]:
    """Each person checked, and an address twice in the list refused the second time."""
    seen: dict[str, int] = {}
    for person in people:
        check_person(person, agency=agency)
        if person.email and person.email in seen:
            person.errors.append(f"E-mail {person.email} đã có ở dòng {seen[person.email]} của tệp.")
        seen.setdefault(person.email, person.row)
    return people


@transaction.atomic
def people_add(*, agency: Agency, people: list[PersonInput], by) -> list:
    """Every person's account and role in the agency, or none.

    Raises ValidationError if any of them is refused (checked again here: an address may have been taken
    since the preview)."""
    for person in people:
        person.errors = []
    checked = check_people(people, agency=agency)
    errors = [f"Dòng {p.row}: {e}" if p.row else e for p in checked for e in p.errors]
    if errors:
        raise ValidationError(errors)
    users = []
    for person in people:
        last_name, first_name = split_name(person.full_name)
        user = get_user_model().objects.create_user(
            username=person.email, email=person.email, first_name=first_name, last_name=last_name
        )
        Membership.objects.create(user=user, agency=agency, role=person.role)
        users.append(user)
    return users


def people_invite(*, agency: Agency, people: list[PersonInput], by) -> tuple[list, bool]:
    """people_add, then each person's invitation, once their accounts are committed; the accounts, and
    whether the invitations went out (the accounts stay if the mail server refuses them)."""
    users = people_add(agency=agency, people=people, by=by)
    return users, send_invitations(users, by=by)


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("invitation", args=[uid, token])


def invitation(user, *, by) -> tuple[str, str, str, list[str]]:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    roles = ", ".join(
        f"{m.get_role_display()} – {m.agency.name}" for m in user.memberships.select_related("agency")
    )
    body = (
        f"Kính gửi {full_name(user)},\n\n"
        f"{full_name(by)} đã tạo cho anh/chị tài khoản trên phần mềm chấm điểm thi đua ({roles}).\n\n"
        f"Tên đăng nhập: {user.get_username()}\n\n"
        "Để bắt đầu, anh/chị tự đặt mật khẩu của mình tại đường dẫn sau:\n"
        f"{invitation_link(user)}\n\n"
        f"Đường dẫn dùng được một lần, trong {days} ngày. Hết hạn, xin đề nghị quản trị gửi lại thư mời. "
        "Không ai khác biết hay cần biết mật khẩu của anh/chị."
    )
    subject = "[Thi đua] Mời đặt mật khẩu cho tài khoản chấm điểm thi đua"
    return subject, body + SIGNATURE, settings.DEFAULT_FROM_EMAIL, [user.email]


def send_invitations(users, *, by) -> bool:
    """Send each person their invitation; False (and logged) if the mail server could not be reached or
    refused them, in which case some may not have gone out: the administrator sends them again later."""
    mails = [invitation(u, by=by) for u in users if u.email]
    try:
        send_mass_mail(mails, fail_silently=False)
    except (smtplib.SMTPException, OSError):
        addresses = ", ".join(to for *_, recipients in mails for to in recipients)
        logger.exception("The invitations to %s could not be sent", addresses)
        return False
    return True


def end_sessions(user) -> int:
    """Delete every open session of `user` (sessions live in the database)."""
    ended = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def person_set_active(*, user, active: bool, by) -> None:
    """Deactivate (no login, every session ended) or reactivate a person; nobody deactivates themself."""
    if not active and user.pk == by.pk:
        raise ValidationError("Không tự khóa tài khoản của chính mình được.")
    type(user).objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    if not active:
        end_sessions(user)
