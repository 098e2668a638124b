"""The bare view the review page is measured against (scripts/bench_pages.py, served by bench_bare.py).

Plain queries and one template for what the page shows: each criterion's own and reviewed inputs (the
organisations' ratings on both sides), the explanation with its written citations marked and linked, the
documents the sheet cites as it was submitted (their frozen versions), the totals box, the filters with
their counts, the status history. No form, no include, no access rules, no base template. The page's
"changed since the last return" lines are not written here (the bench's sheets were never returned).
"""

from decimal import Decimal

from bench_bare_rows import INPUTS, linked, register_of, totals, tree  # scripts/
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse

from scoring.evidence.uploads import KINDS
from scoring.models import (
    Citation,
    ComponentRating,
    DocumentVersion,
    ReviewedRating,
    ScoreChange,
    Sheet,
    SheetSnapshot,
)
from scoring.notation import format_points

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.css"></head><body><main class="container">
<h1 class="h4">{{ title }}</h1><p>{{ sheet.agency.name }} – {{ sheet.get_status_display }} – <a href="{{ board }}">về bảng theo dõi khối</a></p>
<nav>{% for label, url in links %}<a class="btn btn-sm" href="{{ url }}">{{ label }}</a> {% endfor %}</nav>
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">
<div>Tự chấm: <strong>{{ own_total }}</strong> thưởng</div><div>Sau thẩm định: <strong>{{ reviewed_total }}</strong> thưởng{% if not reviewed %} (chưa thẩm định){% endif %}</div>
{% if submitted %}<button name="action" value="save">Lưu điểm thẩm định</button><button name="action" value="accept">Duyệt</button>{% endif %}
<div hidden><label for="f">Chỉ xem</label><select id="f"><option value="">Tất cả tiêu chí</option>{% for value, label, count in filters %}<option value="{{ value }}">{{ label }} ({{ count }})</option>{% endfor %}</select></div>
<table class="table table-sm"><tbody>
{% for r in rows %}<tr data-flags="{{ r.flags }}"><td>{{ r.code }}</td><td>{{ r.text|linebreaksbr }}</td><td>{{ r.max }}</td><td>{{ r.own }}</td>
<td>{% if r.provisional %}<span class="badge">Tạm tính</span> {% endif %}{% for p in r.pieces %}{% if p.href %}<a class="cited-link" href="{{ p.href }}" title="{{ p.title }}">{{ p.text|linebreaksbr }}</a>{% elif p.registered %}<span class="cited-registered">{{ p.text|linebreaksbr }}</span>{% elif p.cited %}<span class="cited-missing">{{ p.text|linebreaksbr }}</span> <span class="small text-muted">(chưa có trong sổ)</span>{% else %}{{ p.text|linebreaksbr }}{% endif %}{% endfor %}
{% if r.documents %}<ul>{% for d in r.documents %}<li><div>{% if d.url %}<a href="{{ d.url }}">{{ d.citation }}</a> ({{ d.file_label }}){% else %}{{ d.citation }} (không có tệp){% endif %}</div>
{% if d.issuer or d.subject %}<div>{{ d.issuer }}{% if d.issuer and d.subject %} – {% endif %}{{ d.subject }}</div>{% endif %}{% if d.link %}<div><a href="{{ d.link }}">Đường dẫn: {{ d.link|truncatechars:60 }}</a></div>{% endif %}
{% if d.newer %}<div>Bản đã nộp (phiên bản {{ d.version }}); sổ tài liệu của đơn vị đã có bản sửa sau.</div>{% endif %}</li>{% endfor %}</ul>{% endif %}</td>
<td>{% with inputs=r.inputs %}INPUTS{% endwith %}</td></tr>
{% endfor %}</tbody></table>
{% if submitted %}<textarea name="reason" rows="2"></textarea><button name="action" value="return">Trả lại cho đơn vị</button>{% endif %}</form>
<ul>{% for t in history %}<li>{{ t.at|date:"d/m/Y H:i" }} – {{ t.by.get_full_name|default:"hệ thống" }}: {{ t.get_from_status_display|default:"(mới tạo)" }} → {{ t.get_to_status_display }}{% if t.reason %} – {{ t.reason }}{% endif %}</li>{% endfor %}</ul>
</main></body></html>"""

BARE = engines["django"].from_string(PAGE.replace("INPUTS", INPUTS))


def _ratings(model, sheet) -> dict:
    found: dict = {}
    for score_id, component_id, tier_id in model.objects.filter(score__sheet=sheet).values_list(
        "score_id", "component_id", "tier_id"
    ):
        found.setdefault(score_id, {})[component_id] = tier_id
    return found


def _documents(sheet) -> dict:
    """Score pk → the documents it cites as shown: the version the sheet was submitted with."""
    frozen = {}
    if not sheet.is_editable:
        latest = SheetSnapshot.objects.filter(sheet=sheet).order_by("-taken_at", "-pk").values("pk")[:1]
        frozen = {v.document_id: v for v in DocumentVersion.objects.filter(snapshots__in=latest)}
    cited: dict = {}
    for citation in Citation.objects.filter(score__sheet=sheet).select_related("document").order_by("pk"):
        d = citation.document
        shown = frozen.get(d.pk, d)
        kind = KINDS.get(shown.file_type)
        url = reverse("sheet_evidence_file", args=[sheet.pk, d.pk, shown.version]) if shown.file else ""
        label = f"Mở {kind.label}" if shown.file_type == "pdf" else f"Tải tệp {kind.label if kind else ''}"
        cited.setdefault(citation.score_id, []).append(
            {
                "pk": d.pk,
                "citation": shown.citation,
                "issuer": shown.issuer,
                "subject": shown.subject,
                "url": url,
                "file_label": label.strip(),
                "link": shown.link,
                "version": shown.version,
                "newer": d.version > shown.version,
            }
        )
    return cited


def _rated(row, own, reviewed) -> list[dict]:
    """The reviewer's rating of each organisation, the agency's own level marked."""
    pk, inputs = row["pk"], []
    for component, tiers in row["components"]:
        mine = own.get(component["id"], "")
        options = [("", "Chưa xếp loại")] + [
            (
                str(t["id"]),
                f"{t['label']} ({format_points(t['points'])} điểm)" + " – đơn vị tự chấm" * (t["id"] == mine),
            )
            for t in tiers
        ]
        if component["may_be_missing"]:
            options.append(
                (
                    "none",
                    "Không có tổ chức này (tính trung bình)" + " – đơn vị tự chấm" * (mine is None),
                )
            )
        chosen = (own | reviewed).get(component["id"], "")
        value = "none" if chosen is None else str(chosen)
        inputs.append(
            {
                "kind": "choice",
                "name": f"rr-{pk}-{component['id']}",
                "label": f"{component['name']} (thẩm định)",
                "choices": options,
                "value": value,
            }
        )
    return inputs


def _inputs(row, score, own, reviewed) -> list[dict]:
    pk, inputs = row["pk"], []
    if not row["children"] and row["parent_id"] is not None:
        if row["rule"] == "components":
            inputs += _rated(row, own, reviewed)
        else:
            final = (
                score.get("reviewed_points")
                if score.get("reviewed_points") is not None
                else score.get("points")
            )
            inputs.append(
                {
                    "kind": "points",
                    "name": f"rp-{pk}",
                    "label": "Điểm thẩm định",
                    "what": "Điểm thẩm định",
                    "value": format_points(final) if final is not None else "",
                    "max": row["max_points"],
                }
            )
    if row["max_bonus"] and not any(c["max_bonus"] for c in row["children"]):
        final = score.get("reviewed_bonus") if score.get("reviewed_bonus") is not None else score.get("bonus")
        inputs.append(
            {
                "kind": "points",
                "name": f"rb-{pk}",
                "label": f"Thưởng thẩm định (tối đa {format_points(row['max_bonus'])})",
                "what": "Điểm thưởng",
                "value": format_points(final) if final is not None else "",
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
    return inputs


def _flags(ordered, scores, cited, pieces, changed) -> tuple[dict, dict]:
    """Criterion pk → the filters it matches (a parent: any of its criteria's), and each filter's count."""
    flags = {row["pk"]: set() for row in ordered}
    parents = {row["pk"]: row["parent_id"] for row in ordered}
    counts = {"no-evidence": 0, "provisional": 0, "changed": 0}
    for row in ordered:
        score, own = scores.get(row["pk"]), set()
        if score and row["parent_id"] is not None:
            scored = (score["points"] or 0) > 0 or (score["bonus"] or 0) > 0
            written = any(p["cited"] for p in pieces[row["pk"]])
            if not row["children"] and scored and not cited.get(score["id"]) and not written:
                own.add("no-evidence")
            if score["provisional"]:
                own.add("provisional")
        if row["pk"] in changed:
            own.add("changed")
        for name in own:
            counts[name] += 1
        pk = row["pk"]
        while pk is not None:
            flags[pk] |= own
            pk = parents[pk]
    return flags, counts


def _changed(sheet, history) -> set:
    returns = [t for t in history if t.to_status == Sheet.Status.RETURNED]
    if not returns:
        return set()
    return set(
        ScoreChange.objects.filter(sheet=sheet, at__gt=returns[-1].at).values_list("criterion_id", flat=True)
    )


FILTERS = {
    "no-evidence": "Tiêu chí có điểm nhưng không có tài liệu kiểm chứng",
    "provisional": "Tiêu chí tạm tính",
    "changed": "Thay đổi từ lần thẩm định trước",
}
LINKS = (
    ("Xem bảng chấm điểm", "sheet_detail"),
    ("Lịch sử sửa", "sheet_history"),
    ("Tải PDF", "sheet_pdf"),
    ("Tải Excel", "sheet_xlsx"),
)


def _total(ordered, scores) -> str:
    roots = [row["pk"] for row in ordered if row["parent_id"] is None]
    sums = (totals(ordered, scores, "points"), totals(ordered, scores, "bonus"))
    return " + ".join(format_points(sum((t[r] for r in roots), Decimal(0))) for t in sums)


def bare_review(request, pk: int):
    sheet = Sheet.objects.select_related("agency", "rubric__bloc").get(pk=pk)
    ordered, scores = tree(sheet)
    own_ratings, reviewed_ratings = _ratings(ComponentRating, sheet), _ratings(ReviewedRating, sheet)
    register, cited = register_of(sheet), _documents(sheet)
    urls = {d["pk"]: d["url"] for documents in cited.values() for d in documents if d["url"]}
    history = list(sheet.transitions.select_related("by").order_by("at", "pk"))
    pieces = {
        row["pk"]: linked(register, (scores.get(row["pk"]) or {}).get("explanation", ""), urls)
        for row in ordered
    }
    flags, counts = _flags(ordered, scores, cited, pieces, _changed(sheet, history))
    finals = {
        key: {f: s[f"reviewed_{f}"] if s[f"reviewed_{f}"] is not None else s[f] for f in ("points", "bonus")}
        for key, s in scores.items()
    }
    points, bonus = totals(ordered, scores, "points"), totals(ordered, scores, "bonus")
    rows = []
    for row in ordered:
        score, pk = scores.get(row["pk"]) or {}, row["pk"]
        mine, reviewed = own_ratings.get(score.get("id"), {}), reviewed_ratings.get(score.get("id"), {})
        rows.append(
            {
                **row,
                "max": format_points(row["max_points"]),
                "own": f"{format_points(points[pk])} + {format_points(bonus[pk])}",
                "provisional": score.get("provisional"),
                "pieces": pieces[pk],
                "documents": cited.get(score.get("id"), []),
                "flags": " ".join(sorted(flags[pk])),
                "inputs": _inputs(row, score, mine, reviewed),
            }
        )
    context = {
        "title": f"Thẩm định bảng chấm điểm năm {sheet.rubric.year}",
        "sheet": sheet,
        "board": reverse("bloc_board", args=[sheet.rubric.bloc.code, sheet.rubric.year]),
        "links": [(label, reverse(name, args=[sheet.pk])) for label, name in LINKS],
        "own_total": _total(ordered, scores),
        "reviewed_total": _total(ordered, finals),
        "reviewed": sheet.status == Sheet.Status.ACCEPTED
        or any(s["reviewed_points"] is not None or s["reviewed_bonus"] is not None for s in scores.values()),
        "submitted": sheet.status == Sheet.Status.SUBMITTED,
        "filters": [(value, label, counts[value]) for value, label in FILTERS.items()],
        "rows": rows,
        "history": history,
    }
    return HttpResponse(BARE.render(context, request))
