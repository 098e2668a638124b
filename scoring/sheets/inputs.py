"""The scoring and review pages' inputs as plain values, and their HTML (markup.py), for one template loop.

Rendering a widget (and crispy's template) per field cost 84 % of the scoring page; these dicts carry
what the markup needs: name, id, label, the value shown (the bound form's, so a refused post keeps what
was typed) and the error, tied to the box by its id; `html` is the input written.
"""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..notation import format_points
from ..rubrics.rules import PointsField
from . import markup

WRITERS = {
    "points": markup.points,
    "choice": markup.choice,
    "check": markup.check,
    "text": markup.text,
}


def kind_of(field: forms.Field) -> str:
    if isinstance(field, PointsField):
        return "points"
    if isinstance(field, forms.MultipleChoiceField):
        return "documents"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.BooleanField):
        return "check"
    return "text"


def form_input(form: forms.Form, name: str, entries: dict[int, dict] | None = None, group: str = "") -> dict:
    """One input of `form`; `entries` are the register's documents by pk (document_entry) for `d-`,
    `group` the label of the criterion it belongs to (the citations picker's button names it)."""
    field = form.fields[name]
    kind = kind_of(field)
    value = form[name].value()
    errors = form.errors.get(name)
    item = {
        "kind": kind,
        "name": name,
        "id": f"id_{name}",
        "label": field.label,
        "error": " ".join(errors) if errors else "",
        # the attributes that tie a refused box to its message (one variable for the template to write)
        "invalid": format_html(' aria-invalid="true" aria-describedby="id_{}_error"', name) if errors else "",
    }
    if kind == "points":
        item |= {"value": "" if value is None else value, "max": str(field.maximum), "what": field.what}
    elif kind == "choice":
        chosen = "" if value is None else str(value)
        item["choices"] = [
            {"value": str(v), "label": label, "checked": str(v) == chosen, "id": f"id_{name}_{v or 'empty'}"}
            for v, label in field.choices
        ]
    elif kind == "documents":
        item["cited"] = _cited(name, value, entries or {})
    elif kind == "check":
        item["checked"] = bool(value)
    else:
        item |= {"value": value or "", "rows": field.widget.attrs.get("rows", 1), "help": field.help_text}
        item["attrs"] = _text_attrs(name, field, errors)
    item["html"] = markup.documents(item, group) if kind == "documents" else WRITERS[kind](item)
    return item


def _text_attrs(name: str, field: forms.Field, errors) -> str:
    """A text box's optional attributes: its placeholder, and what describes it (help, error)."""
    attrs = []
    if placeholder := field.widget.attrs.get("placeholder"):
        attrs.append(format_html(' placeholder="{}"', placeholder))
    if described := [f"id_{name}_help"] * bool(field.help_text) + [f"id_{name}_error"] * bool(errors):
        attrs.append(format_html(' aria-describedby="{}"', " ".join(described)))
    if errors:
        attrs.append(' aria-invalid="true"')
    return mark_safe("".join(attrs))  # each part escaped above


def _cited(name: str, value, entries: dict[int, dict]) -> list[dict]:
    """The documents a `d-` field holds, in the order given, each once, with their checkbox's id (`box`);
    pks not in the register are left out (the field's error says so)."""
    cited, seen = [], set()
    for raw in value or ():
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            continue
        if pk in entries and pk not in seen:
            seen.add(pk)
            cited.append({**entries[pk], "box": f"id_{name}_{pk}"})
    return cited


def form_inputs(
    form: forms.Form, names, entries: dict[int, dict] | None = None, group: str = ""
) -> list[dict]:
    return [form_input(form, name, entries, group) for name in names]


def criterion_cells(criterion, total) -> dict:
    """The cells every row of both pages shows, as text: plain values keep the page's loop cheap."""
    depth = criterion.depth
    return {
        "key": criterion.key,
        "label": criterion.label,
        "code": criterion.code if depth else "",
        "text": criterion.text,
        "css": "table-secondary fw-bold" if depth == 0 else "",
        "max": format_points(criterion.max_points),
        "max_bonus": format_points(criterion.max_bonus) if criterion.max_bonus else "",
        "points": format_points(total.points),
        "bonus": format_points(total.bonus),
    }


def written_citations(form: forms.Form, criterion, citing) -> list[dict]:
    """The citations written in a criterion's explanation (as the box shows it), each document once: a link
    to its register entry where the register has it (`href`), else what the "Đưa vào sổ tài liệu" button
    sends (`register`: "<criterion pk>|<the citation>", read again like a pasted one)."""
    written, seen = [], set()
    for piece in citing.pieces(form[f"e-{criterion.pk}"].value() or ""):
        citation = piece.citation
        if citation is None or (citation.kind, citation.number, citation.written_date) in seen:
            continue
        seen.add((citation.kind, citation.number, citation.written_date))
        item = {"text": piece.text, "number": citation.number, "href": "", "register": "", "invalid": ""}
        if piece.document is not None:
            item["href"] = citing.href(piece.document)
        elif not citation.is_valid:
            item["invalid"] = f"Ngày {citation.written_date} không có thật: sửa giải trình trước."
        else:
            about = f" về việc {citation.subject}" if citation.subject else ""
            item["register"] = f"{criterion.pk}|{' '.join(piece.text.split())}{about}"
        written.append(item)
    return written
