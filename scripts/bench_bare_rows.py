"""What both bare views (scripts/bench_bare.py, bench_bare_review.py) share: the inputs' template, the
rubric tree and its totals in plain queries, and the citations written in explanations, each explanation
read once and matched to the agency's register by the app's own rule (`Register`: kind, number and year),
so that the bare views link, mark and offer exactly the citations the pages do."""

from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from scoring.evidence.matching import Register
from scoring.models import Component as OrgComponent
from scoring.models import Criterion, Document, Score, Sheet, Tier

INPUTS = """{% for i in inputs %}{% if i.kind == "points" %}<div class="mb-2"><label class="form-label mb-1" for="id_{{ i.name }}">{{ i.label }}</label>
<input type="text" name="{{ i.name }}" id="id_{{ i.name }}" value="{{ i.value }}" class="form-control form-control-sm" inputmode="decimal" autocomplete="off" data-max="{{ i.max }}" data-what="{{ i.what }}"></div>
{% elif i.kind == "choice" %}<fieldset class="choice-group mb-2" role="radiogroup" id="id_{{ i.name }}"><legend class="form-label fs-6 mb-1">{{ i.label }}</legend>
{% for o in i.choices %}<div class="form-check"><input class="form-check-input" type="radio" name="{{ i.name }}" id="id_{{ i.name }}_{{ o.0 }}" value="{{ o.0 }}"{% if o.0 == i.value %} checked{% endif %}><label class="form-check-label" for="id_{{ i.name }}_{{ o.0 }}">{{ o.1 }}</label></div>
{% endfor %}</fieldset>
{% elif i.kind == "text" %}<div class="mb-2"><label class="form-label mb-1" for="id_{{ i.name }}">{{ i.label }}</label>
<textarea name="{{ i.name }}" id="id_{{ i.name }}" rows="{{ i.rows }}" class="form-control form-control-sm">
{{ i.value }}</textarea></div>
{% elif i.kind == "check" %}<div class="form-check mb-2"><input class="form-check-input" type="checkbox" name="{{ i.name }}" id="id_{{ i.name }}" value="on"{% if i.value %} checked{% endif %}>
<label class="form-check-label" for="id_{{ i.name }}">{{ i.label }}</label></div>
{% elif i.kind == "documents" %}<fieldset class="citations mb-2" id="id_{{ i.name }}"><legend class="form-label fs-6 mb-1">Tài liệu kiểm chứng</legend>
<ul class="list-unstyled mb-1 cited">{% for d in i.value %}<li><input class="form-check-input" type="checkbox" name="{{ i.name }}" id="id_{{ i.name }}_{{ d.pk }}" value="{{ d.pk }}" checked>
<label class="form-check-label" for="id_{{ i.name }}_{{ d.pk }}"><span class="fw-semibold">{{ d.number }}</span> · {{ d.date }} · {{ d.subject }}</label>
<button type="button" class="btn btn-link btn-sm" hidden>Bỏ</button></li>{% endfor %}</ul>
<button type="button" class="btn btn-outline-secondary btn-sm" hidden>Thêm tài liệu kiểm chứng…</button></fieldset>
{% elif i.kind == "written" and i.value %}<div class="written-citations small mb-2"><div class="text-muted">Văn bản ghi trong giải trình:</div>
<ul class="list-unstyled mb-0">{% for w in i.value %}<li>{% if w.href %}<a class="cited-link" href="{{ w.href }}" target="_blank" rel="noopener">{{ w.text }}</a> <span class="text-success">(có trong sổ)</span>
{% elif w.register %}<span class="cited-missing">{{ w.text }}</span> <button type="submit" class="btn btn-outline-primary btn-sm" name="register" value="{{ w.register }}" aria-label="Đưa vào sổ tài liệu: {{ w.text }}">Đưa vào sổ tài liệu</button>
{% else %}<span class="cited-missing">{{ w.text }}</span> <span class="text-danger">{{ w.invalid }}</span>{% endif %}</li>{% endfor %}</ul></div>
{% endif %}{% endfor %}"""


def tree(sheet: Sheet) -> tuple[list[dict], dict]:
    """The rubric's criteria in document order with their tiers and components, and the sheet's scores."""
    rows = list(
        Criterion.objects.filter(rubric_id=sheet.rubric_id)
        .order_by("position", "pk")
        .values("pk", "parent_id", "key", "code", "text", "rule", "max_points", "max_bonus")
    )
    children: dict = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    ordered = []

    def visit(row, depth):
        row["depth"], row["children"] = depth, children.get(row["pk"], [])
        ordered.append(row)
        for child in row["children"]:
            visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    tiers: dict = {}
    for t in Tier.objects.filter(criterion__rubric_id=sheet.rubric_id).order_by("position").values():
        tiers.setdefault((t["criterion_id"], t["component_id"]), []).append(t)
    components: dict = {}
    for c in OrgComponent.objects.filter(criterion__rubric_id=sheet.rubric_id).order_by("position").values():
        components.setdefault(c["criterion_id"], []).append(c)
    scores = {s["criterion_id"]: s for s in Score.objects.filter(sheet=sheet).values()}
    for row in ordered:
        row["tiers"] = tiers.get((row["pk"], None), [])
        row["components"] = [(c, tiers.get((row["pk"], c["id"]), [])) for c in components.get(row["pk"], [])]
    return ordered, scores


def totals(ordered: list[dict], scores: dict, field: str) -> dict:
    totals = {}
    for row in reversed(ordered):
        own = (scores.get(row["pk"]) or {}).get(field) or Decimal(0)
        totals[row["pk"]] = sum((totals[c["pk"]] for c in row["children"]), Decimal(0)) or own
    return totals


def register_of(sheet) -> Register:
    return Register(Document.objects.filter(agency_id=sheet.agency_id).order_by("-issued_on", "number"))


def register_href(code: str, document) -> str:
    if document.file:
        return reverse("evidence_file", args=[code, document.pk])
    return f"{reverse('evidence_list', args=[code])}?{urlencode({'q': document.number})}"


def written(register: Register, code: str, pk: int, text: str) -> list[dict]:
    """The scoring page's list under an explanation: each document once, linked, or what its "Đưa vào sổ
    tài liệu" button sends, or why it cannot be registered."""
    found, seen = [], set()
    for piece in register.pieces(text):
        c = piece.citation
        if c is None or (c.kind, c.number, c.written_date) in seen:
            continue
        seen.add((c.kind, c.number, c.written_date))
        item = {"text": piece.text, "href": "", "register": "", "invalid": ""}
        if piece.document is not None:
            item["href"] = register_href(code, piece.document)
        elif not c.is_valid:
            item["invalid"] = f"Ngày {c.written_date} không có thật: sửa giải trình trước."
        else:
            about = f" về việc {c.subject}" if c.subject else ""
            item["register"] = f"{pk}|{' '.join(piece.text.split())}{about}"
        found.append(item)
    return found


def linked(register: Register, text: str, urls: dict) -> list[dict]:
    """The review page's explanation as pieces: a citation of a document the sheet cites links to its file
    (`urls`, document pk → url), another registered one is marked so, an unregistered one too."""
    pieces = []
    for piece in register.pieces(text):
        document = piece.document
        pieces.append(
            {
                "text": piece.text,
                "cited": piece.citation is not None,
                "href": urls.get(document.pk, "") if document else "",
                "title": "Mở tệp" if document and document.file else "Xem trong sổ tài liệu",
                "registered": document is not None,
            }
        )
    return pieces
