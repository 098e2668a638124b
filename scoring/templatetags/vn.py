from django import template

from ..numbers import format_points

register = template.Library()


@register.filter
def points(value):
    """Points the Vietnamese way: 2,5 — 945 — empty for None."""
    return format_points(value)
