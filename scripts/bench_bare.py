"""The bare views the scoring and review pages are measured against (scripts/bench_pages.py): the scoring
page's here, the review page's in bench_bare_review.py, what both read in bench_bare_rows.py.

They read the same rows with plain queries and write what the pages show from one template: the inputs,
the citations written in explanations (linked, or with the scoring page's "Đưa vào sổ tài liệu" button),
the cited documents, the totals; no form, no include, no access rules, no base template. What Django costs
for that much HTML, the anchor the pages are held to (≤ 1.5× for the 2022 rubric). The bench serves them
through `urlpatterns` below, over the app's own.
"""

from bench_bare_review import bare_review  # scripts/
from bench_bare_rows import INPUTS, register_of, totals, tree, written  # scripts/
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from scoring.models import Citation, ComponentRating, Sheet
from scoring.notation import format_points
from vpub.urls import urlpatterns as app_urlpatterns

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.css"></head><body><main class="container">
<h1 class="h4">{{ title }}</h1><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">
<div>Tổng điểm tự chấm: {{ total }}</div>
<table class="table table-sm"><tbody>
{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.text|linebreaksbr }}{% if r.comment %}<div>Nhận xét của khối: {{ r.comment|linebreaksbr }}</div>{% endif %}</td><td>{{ r.max }}</td>
<td>{% with inputs=r.inputs %}INPUTS{% endwith %}</td><td>{{ r.total }}</td></tr>
{% if r.extra %}<tr><td></td><td colspan="4">{% with inputs=r.extra %}INPUTS{% endwith %}</td></tr>{% endif %}
{% endfor %}</tbody></table></form>{{ documents|json_script:"evidence-data" }}</main></body></html>"""

BARE = engines["django"].from_string(PAGE.replace("INPUTS", INPUTS))


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
    ordered, scores = tree(sheet)
    ratings = {
        (score_id, component_id): tier_id or "none"
        for score_id, component_id, tier_id in ComponentRating.objects.filter(score__sheet=sheet).values_list(
            "score_id", "component_id", "tier_id"
        )
    }
    register = register_of(sheet)
    documents = {
        d.pk: {"pk": d.pk, "number": d.number, "date": d.issued_on.strftime("%d/%m/%Y"), "subject": d.subject}
        for d in register.documents
    }
    cited: dict = {}
    for score_id, document_id in Citation.objects.filter(score__sheet=sheet).values_list(
        "score_id", "document_id"
    ):
        cited.setdefault(score_id, []).append(documents[document_id])
    points, bonus = totals(ordered, scores, "points"), totals(ordered, scores, "bonus")
    rows = []
    for row in ordered:
        score, pk = scores.get(row["pk"]) or {}, row["pk"]
        extra = []
        if row["parent_id"] is not None:
            explanation = score.get("explanation", "")
            extra = [
                {"kind": "text", "name": f"e-{pk}", "label": "Giải trình", "rows": 2, "value": explanation},
                {"kind": "written", "value": written(register, sheet.agency.code, pk, explanation)},
                {"kind": "documents", "name": f"d-{pk}", "value": cited.get(score.get("id"), [])},
                {"kind": "text", "name": f"n-{pk}", "label": "Thêm văn bản", "rows": 1, "value": ""},
                {"kind": "check", "name": f"v-{pk}", "label": "Tạm tính", "value": score.get("provisional")},
            ]
        rows.append(
            {
                **row,
                "max": format_points(row["max_points"]),
                "comment": score.get("review_comment", ""),
                "inputs": _self_inputs(row, score, ratings),
                "extra": extra,
                "total": f"{format_points(points[pk])} + {format_points(bonus[pk])}",
            }
        )
    roots = [row["pk"] for row in ordered if row["parent_id"] is None]
    total = f"{format_points(sum(points[r] for r in roots))} + {format_points(sum(bonus[r] for r in roots))}"
    context = {
        "title": sheet.agency.name,
        "rows": rows,
        "documents": list(documents.values()),
        "total": total,
    }
    return HttpResponse(BARE.render(context, request))


urlpatterns = [
    path("bench/tran/cham-diem/<int:pk>/", bare_scoring, name="bare_scoring"),
    path("bench/tran/tham-dinh/<int:pk>/", bare_review, name="bare_review"),
    *app_urlpatterns,
]
