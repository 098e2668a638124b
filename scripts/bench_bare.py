"""The bare views the scoring and review pages are measured against (scripts/bench_pages.py).

They read the same rows with plain queries and write the same inputs from one template: no form, no
include, no access rules, no base template. What Django costs for that much HTML, the anchor the pages are
held to (≤ 1.5× for the 2022 rubric). The bench serves them through `urlpatterns` below, over the app's own.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from scoring.models import Citation, ComponentRating, Criterion, Document, Score, Sheet, Tier
from scoring.models import Component as OrgComponent
from scoring.notation import format_points
from vpub.urls import urlpatterns as app_urlpatterns

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
{% endif %}{% endfor %}"""

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.css"></head><body><main class="container">
<h1 class="h4">{{ title }}</h1><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">
<table class="table table-sm"><tbody>
{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.text|linebreaksbr }}</td><td>{{ r.max }}</td>{% if r.own %}<td>{{ r.own }}</td><td>{{ r.explanation|linebreaksbr }}</td>{% endif %}
<td>{% with inputs=r.inputs %}INPUTS{% endwith %}</td><td>{{ r.total }}</td></tr>
{% if r.extra %}<tr><td></td><td colspan="4">{% with inputs=r.extra %}INPUTS{% endwith %}</td></tr>{% endif %}
{% endfor %}</tbody></table></form>{{ documents|json_script:"evidence-data" }}</main></body></html>"""

BARE = engines["django"].from_string(PAGE.replace("INPUTS", INPUTS))


def _tree(sheet: Sheet) -> tuple[list[dict], dict]:
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


def _totals(ordered: list[dict], scores: dict, field: str) -> dict:
    totals = {}
    for row in reversed(ordered):
        own = (scores.get(row["pk"]) or {}).get(field) or Decimal(0)
        totals[row["pk"]] = sum((totals[c["pk"]] for c in row["children"]), Decimal(0)) or own
    return totals


def _choice(name, label, options, value) -> dict:
    return {"kind": "choice", "name": name, "label": label, "choices": options, "value": value}


def _self_inputs(row, score, ratings) -> list[dict]:
    pk, inputs = row["pk"], []
    if not row["children"]:
        if row["rule"] == "tiered":
            options = [("", "Chưa chọn mức")] + [
                (str(t["id"]), f"{t['label']} ({t['points']} điểm)") for t in row["tiers"]
            ]
            inputs.append(_choice(f"t-{pk}", "Mức đạt", options, str(score.get("tier_id") or "")))
        elif row["rule"] == "components":
            for component, tiers in row["components"]:
                options = [("", "Chưa xếp loại")] + [
                    (str(t["id"]), f"{t['label']} ({t['points']} điểm)") for t in tiers
                ]
                if component["may_be_missing"]:
                    options.append(("none", "Không có tổ chức này (tính trung bình)"))
                chosen = ratings.get((score.get("id"), component["id"]), "")
                inputs.append(
                    _choice(f"c-{pk}-{component['id']}", component["name"], options, str(chosen or ""))
                )
        else:
            value = format_points(score.get("points")) if score.get("points") is not None else ""
            inputs.append(
                {
                    "kind": "points",
                    "name": f"p-{pk}",
                    "label": "Điểm tự chấm",
                    "value": value,
                    "max": row["max_points"],
                    "what": "Điểm tự chấm",
                }
            )
    if row["max_bonus"] and not any(c["max_bonus"] for c in row["children"]):
        value = format_points(score.get("bonus")) if score.get("bonus") is not None else ""
        inputs.append(
            {
                "kind": "points",
                "name": f"b-{pk}",
                "label": f"Điểm thưởng tự chấm (tối đa {row['max_bonus']})",
                "value": value,
                "max": row["max_bonus"],
                "what": "Điểm thưởng",
            }
        )
    return inputs


def bare_scoring(request, pk: int):
    sheet = Sheet.objects.select_related("agency", "rubric").get(pk=pk)
    ordered, scores = _tree(sheet)
    ratings = {
        (score_id, component_id): tier_id or "none"
        for score_id, component_id, tier_id in ComponentRating.objects.filter(score__sheet=sheet).values_list(
            "score_id", "component_id", "tier_id"
        )
    }
    documents = {
        d["pk"]: {**d, "date": d["issued_on"].strftime("%d/%m/%Y")}
        for d in Document.objects.filter(agency_id=sheet.agency_id).values(
            "pk", "number", "issued_on", "subject"
        )
    }
    cited: dict = {}
    for score_id, document_id in Citation.objects.filter(score__sheet=sheet).values_list(
        "score_id", "document_id"
    ):
        cited.setdefault(score_id, []).append(documents[document_id])
    points, bonus = _totals(ordered, scores, "points"), _totals(ordered, scores, "bonus")
    rows = []
    for row in ordered:
        score, pk = scores.get(row["pk"]) or {}, row["pk"]
        extra = []
        if row["parent_id"] is not None:
            extra = [
                {
                    "kind": "text",
                    "name": f"e-{pk}",
                    "label": "Giải trình",
                    "rows": 2,
                    "value": score.get("explanation", ""),
                },
                {"kind": "documents", "name": f"d-{pk}", "value": cited.get(score.get("id"), [])},
                {"kind": "text", "name": f"n-{pk}", "label": "Thêm văn bản", "rows": 1, "value": ""},
                {"kind": "check", "name": f"v-{pk}", "label": "Tạm tính", "value": score.get("provisional")},
            ]
        rows.append(
            {
                **row,
                "max": format_points(row["max_points"]),
                "inputs": _self_inputs(row, score, ratings),
                "extra": extra,
                "total": f"{format_points(points[pk])} + {format_points(bonus[pk])}",
            }
        )
    context = {"title": sheet.agency.name, "rows": rows, "documents": list(documents.values())}
    return HttpResponse(BARE.render(context, request))


def bare_review(request, pk: int):
    sheet = Sheet.objects.select_related("agency", "rubric").get(pk=pk)
    ordered, scores = _tree(sheet)
    points, bonus = _totals(ordered, scores, "points"), _totals(ordered, scores, "bonus")
    rows = []
    for row in ordered:
        score, pk = scores.get(row["pk"]) or {}, row["pk"]
        inputs = []
        final = (
            score.get("reviewed_points") if score.get("reviewed_points") is not None else score.get("points")
        )
        if not row["children"] and row["parent_id"] is not None:
            inputs.append(
                {
                    "kind": "points",
                    "name": f"rp-{pk}",
                    "label": "Điểm thẩm định",
                    "what": "Điểm thẩm định",
                    "value": format_points(final),
                    "max": row["max_points"],
                }
            )
        if row["max_bonus"] and not any(c["max_bonus"] for c in row["children"]):
            inputs.append(
                {
                    "kind": "points",
                    "name": f"rb-{pk}",
                    "label": "Thưởng thẩm định",
                    "what": "Điểm thưởng",
                    "value": format_points(score.get("bonus")),
                    "max": row["max_bonus"],
                }
            )
        if row["parent_id"] is not None:
            inputs.append(
                {
                    "kind": "text",
                    "name": f"rc-{pk}",
                    "label": "Nhận xét",
                    "rows": 1,
                    "value": score.get("review_comment", ""),
                }
            )
        rows.append(
            {
                **row,
                "max": format_points(row["max_points"]),
                "own": f"{format_points(points[pk])} + {format_points(bonus[pk])}",
                "explanation": score.get("explanation", ""),
                "inputs": inputs,
                "total": "",
            }
        )
    return HttpResponse(BARE.render({"title": sheet.agency.name, "rows": rows, "documents": []}, request))


urlpatterns = [
    path("bench/tran/cham-diem/<int:pk>/", bare_scoring, name="bare_scoring"),
    path("bench/tran/tham-dinh/<int:pk>/", bare_review, name="bare_review"),
    *app_urlpatterns,
]
