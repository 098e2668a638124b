from django import template

from ..accounts import names
from ..notation import format_points

register = template.Library()


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
