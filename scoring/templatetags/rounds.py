"""`{% round_url "bloc_board" rubric %}`: a bloc-year page of the rubric's round (the twins of
scoring/review/urls.py)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def round_url(name: str, rubric, *extra) -> str:
    return reverse(name, args=[*rubric.round_args, *extra])
