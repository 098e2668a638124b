from django import template

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
