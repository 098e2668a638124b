import datetime
from zoneinfo import ZoneInfo

from django import template

from ..accounts import names
from ..notation import format_points

register = template.Library()
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@register.filter
def points(value):
    """Points the Vietnamese way: 2,5 — 945 — empty for None."""
    return format_points(value)


@register.filter
def add_points(a, b):
    """a + b shown as points (totals of standard and bonus)."""
    if a is None:
        return ""
    return format_points(a + (b or 0))


@register.filter
def index(sequence, position):
    try:
        return sequence[position]
    except (IndexError, TypeError):
        return None


@register.filter
def full_name(user):
    """A person's name family name first ("Nguyễn Thị Hoa"); "" for no user, so `|default:"hệ thống"`."""
    return names.full_name(user)


@register.filter
def vn_datetime(value):
    """An ISO 8601 time as kept in JSON (a signature's signing time), shown "d/m/Y H:i" in Vietnam's time."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
