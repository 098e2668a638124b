from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..evidence.matching import Register

register = template.Library()


def _text(text: str) -> str:
    """Escaped, its line breaks kept, as `linebreaksbr` writes them."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


@register.filter
def cited_links(explanation, citing: Register | None):
    """An explanation (user text, escaped) with each citation of a register document linked to its file
    or entry (none where the register's `href` gives ""), and each citation the register lacks marked so:
    `{{ explanation|cited_links:register }}`."""
    if citing is None:
        return mark_safe(_text(explanation or ""))
    parts = []
    for piece in citing.pieces(explanation or ""):
        if piece.citation is None:
            parts.append(_text(piece.text))
        elif piece.document is not None and not (href := citing.href(piece.document)):
            parts.append(
                format_html('<span class="cited-registered">{}</span>', mark_safe(_text(piece.text)))
            )
        elif piece.document is not None:
            parts.append(
                format_html(
                    '<a class="cited-link" href="{}" title="{}">{}</a>',
                    href,
                    "Mở tệp" if piece.document.file else "Xem trong sổ tài liệu",
                    mark_safe(_text(piece.text)),
                )
            )
        else:
            parts.append(
                format_html(
                    '<span class="cited-missing">{}</span> <span class="small text-muted">(chưa có trong sổ)</span>',
                    mark_safe(_text(piece.text)),
                )
            )
    return mark_safe("".join(parts))  # every part escaped above
