from django import template

from ..evidence.matching import Register, linked_html

register = template.Library()


@register.filter
def cited_links(explanation, citing: Register | None):
    """An explanation (user text, escaped) with each citation of a register document linked to its file
    or entry (none where the register's `href` gives ""), and each citation the register lacks marked so:
    `{{ explanation|cited_links:register }}` (matching.linked_html)."""
    return linked_html(explanation, citing)
