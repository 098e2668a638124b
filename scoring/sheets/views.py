"""The agency's pages for its sheet: home, scoring, submitting, history.

Each view fetches through an access helper (scoring/accounts/access.py) that answers 404 for other
agencies' data, validates, calls a service, and redirects or renders.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import rollup
from ..accounts.access import (
    allowed,
    bloc_years_followed,
    get_agencies_for_user,
    get_rubric_to_start,
    get_sheet_for_user,
)
from ..accounts.middleware import wants_json
from ..accounts.yearly_access import mid_year_source
from ..evidence.entries import document_entry
from ..evidence.matching import Register, agency_register
from ..evidence.versions import evidence_changes, last_return
from ..models import AwardTitle, Document, Sheet
from ..rubrics.rules import rule_of
from ..rubrics.services import RoundClosed
from ..rubrics.tree import rubric_tree
from . import bases, carry, markup, protocol, services
from .checks import grouped, sheet_warnings
from .forms import SheetForm
from .inputs import criterion_cells, form_inputs, written_citations
from .queries import STALE_COMMENT, agency_card, sheet_state, sheet_view, stale_comments
from .submission import cited_file_or

VERSION = re.compile(r"[0-9]{1,9}")
# the scoring page's second line under each criterion, by field prefix (forms.SheetForm)
EXTRA = {"e": "explanation", "d": "citations", "n": "pasted", "v": "provisional"}


@login_required
def home(request):
    cards = [agency_card(agency, roles) for agency, roles in get_agencies_for_user(request)]
    followed = bloc_years_followed(request.user)
    return render(request, "scoring/home.html", {"cards": cards, "followed": followed})


@login_required
@require_POST
def sheet_start(request, rubric_pk: int):
    rubric, agency = get_rubric_to_start(request, rubric_pk)
    if not request.POST.get("from_sheet"):
        sheet = services.sheet_for(rubric=rubric, agency=agency, by=request.user)
        return redirect("sheet_edit", pk=sheet.pk)
    # the year-end sheet from the agency's own six-month sheet of that year: any other sheet is a 404
    source = mid_year_source(request, rubric, agency, request.POST["from_sheet"])
    carried = carry.sheet_from_mid_year(rubric=rubric, agency=agency, source=source, by=request.user)
    for level, text in carried.messages():
        messages.add_message(request, level, text)
    return redirect("sheet_edit", pk=carried.sheet.pk)


@login_required
def sheet_detail(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk)
    view = sheet_view(sheet)
    state = sheet_state(view)
    citing = agency_register(
        sheet.agency, href=cited_file_or(state, sheet, own=allowed("report.view", roles))
    )
    can_edit = allowed("sheet.edit", roles, sheet)
    # "Cần xem lại trước khi nộp" is for the agency while it can still act on it: not once it is submitted
    warnings = sheet_warnings(view, state.cited, citing) if can_edit else []
    tree = view.rubric_tree.tree
    stale = stale_comments([view])[sheet.pk]
    rows = [
        {
            "criterion": c,
            "score": view.scores.get(c.key),
            "total": view.totals[c.key],
            "is_leaf": tree.is_leaf(c.key),
            "documents": state.cited.get(c.key, []),
            "comment_stale": c.key in stale,
        }
        for c in view.rubric_tree.criteria
    ]
    transitions = list(sheet.transitions.select_related("by"))
    labels = {c.key: c.label for c in view.rubric_tree.criteria}
    changes = evidence_changes(sheet, labels, state.cited, last_return(transitions))
    return render(
        request,
        "scoring/sheet_detail.html",
        {
            "sheet": sheet,
            "rows": rows,
            "rubric_total": rollup.rubric_totals(tree),
            "grand_total": view.grand_total,
            "citing": citing,
            "transitions": transitions,
            "pledged": list(AwardTitle.objects.pledged_for(sheet)),
            "evidence_changes": [line for _, line in changes],
            "own_agency": allowed("report.view", roles),
            "warnings": warnings,
            "warning_lines": grouped(warnings),
            "can_edit": can_edit,
            "can_submit": allowed("sheet.submit", roles, sheet),
            "stale_comment": STALE_COMMENT,
        },
    )


@login_required
def sheet_edit(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk, "sheet.edit")
    if not sheet.is_editable:
        return _locked(
            request, sheet, f"Bảng chấm điểm đang ở trạng thái “{sheet.get_status_display()}”: chỉ xem."
        )
    rtree = rubric_tree(sheet.rubric)
    documents = _register(sheet)
    form, notice = None, {}
    posted = protocol.registering(request.POST) if request.method == "POST" else None
    if posted is not None:
        form, notice, response = _save_posted(request, posted, sheet, rtree, documents)
        if response is not None:
            return response
    view = sheet_view(sheet, rtree)
    if form is None or notice.get("conflicts"):
        state = sheet_state(view, documents=False)
        initial = SheetForm.initial_from(rtree, sheet.version, view.scores, state.ratings, state.citations)
        if form is None:
            form = SheetForm(initial=initial, rtree=rtree, documents=documents)
        else:  # what they typed in the conflicting boxes, what is stored in the others
            data = protocol.kept_data(
                posted,
                bases.form_values(initial),
                [c["name"] for c in notice["conflicts"]],
                sheet.version,
            )
            documents = _register(sheet)  # pasted citations may have joined the register
            form = SheetForm(data, rtree=rtree, documents=documents)
            form.is_valid()
    entries = [document_entry(d) for d in documents]
    returned = None
    if sheet.status == Sheet.Status.RETURNED:
        returned = sheet.transitions.filter(to_status=Sheet.Status.RETURNED).order_by("-at", "-pk").first()
    return render(
        request,
        "scoring/sheet_edit.html",
        {
            "sheet": sheet,
            "form": form,
            "rows": _rows(
                form,
                view,
                entries,
                stale_comments([view])[sheet.pk],
                Register(documents, agency_code=sheet.agency.code),
            ),
            "stale_comment": STALE_COMMENT,
            "documents": entries,
            "returned": returned,
            "view": view,
            "conflicts": notice.get("conflicts", []),
            "stale": notice.get("stale", []),
            "rubric_total": rollup.rubric_totals(rtree.tree),
            "tree_data": _tree_data(rtree, form),
            "can_submit": allowed("sheet.submit", roles, sheet),
        },
    )


def _register(sheet) -> list[Document]:
    return list(Document.objects.filter(agency=sheet.agency).order_by("-issued_on", "number"))


def _locked(request, sheet, message: str):
    """The sheet can no longer be changed by the agency: 409 for a page's script, else its page."""
    if wants_json(request):
        return JsonResponse(protocol.locked(message), status=409)
    messages.info(request, message)
    return redirect("sheet_detail", pk=sheet.pk)


def _save_posted(request, posted, sheet, rtree, documents):
    """(form, notice, response): the response when the post is dealt with (a redirect, or the JSON of a
    page's script); otherwise None, the form to show again and what to tell (`conflicts`, `stale`)."""
    as_json = wants_json(request)
    form = SheetForm(posted, rtree=rtree, documents=documents)
    if not form.is_valid():
        if as_json:
            return form, {}, JsonResponse(protocol.invalid(form), status=400)
        messages.error(request, f"Chưa lưu: có {len(form.errors)} ô cần sửa (tô đỏ bên dưới).")
        return form, {}, None
    try:
        result = services.sheet_save(
            sheet=sheet,
            base_version=form.cleaned_data["version"],
            values=form.values(),
            bases=form.bases(),
            by=request.user,
        )
    except services.SheetLocked as exc:
        return form, {}, _locked(request, sheet, f"Bảng chấm điểm vừa chuyển sang “{exc}”: không lưu được.")
    except RoundClosed:
        return form, {}, _locked(request, sheet, f"{sheet.rubric.closed_phrase}: không lưu được.")
    except services.SheetConflict as exc:  # a post without its base, from an older page: nothing written
        stale = services.describe_changes(exc.changes)
        if as_json:
            return form, {}, JsonResponse({"status": "stale", "saved": False, "changes": stale}, status=409)
        return form, {"stale": stale}, None
    conflicts = protocol.conflict_entries(result.conflicts, rtree)
    if as_json:
        return form, {}, JsonResponse(_saved_json(form, sheet, rtree, result, conflicts))
    if not conflicts:
        entered = "".join(
            f" {d.citation} đã có trong sổ tài liệu và được trích dẫn." for d in result.documents
        )
        messages.success(request, "Đã lưu bảng chấm điểm." + entered)
        return form, {}, redirect("sheet_edit", pk=sheet.pk)
    return form, {"conflicts": conflicts}, None


def _saved_json(form, sheet, rtree, result, conflicts) -> dict:
    view = sheet_view(sheet, rtree)
    state = sheet_state(view)
    stored = SheetForm.initial_from(rtree, sheet.version, view.scores, state.ratings, state.citations)
    return protocol.saved(form, view, bases.form_values(stored), result, conflicts)


def _rows(form: SheetForm, view, entries: list[dict], stale: set[str], citing: Register) -> list[dict]:
    """The page's rows as plain values (inputs.py), for one template loop; `stale`, the criteria whose
    review comment predates the agency's last change of them; `citing` matches the citations written in
    each explanation."""
    by_pk = {entry["pk"]: entry for entry in entries}
    rows = []
    for row in form.rows:
        c = row["criterion"]
        score = view.scores.get(c.key)
        extra = {
            EXTRA[i["name"].partition("-")[0]]: i for i in form_inputs(form, row["extra"], by_pk, c.label)
        }
        written = markup.written(written_citations(form, c, citing), extra["pasted"]["name"]) if extra else ""
        rows.append(
            criterion_cells(c, view.totals[c.key])
            | {
                "css": "table-secondary fw-bold" if c.depth == 0 else "" if row["leaf"] else "parent-row",
                "comment": score.review_comment if score else "",
                "comment_stale": c.key in stale,
                "inputs": form_inputs(form, row["inputs"], by_pk),
                "extra": extra or None,
                "written": written,
            }
        )
    return rows


def _tree_data(rtree, form) -> dict:
    """What the page's script needs to add up totals as people type (the server's sum is the one that counts)."""
    nodes = []
    for c in rtree.criteria:
        node = rtree.tree.node(c.key)
        nodes.append(
            {
                "key": c.key,
                "parent": node.parent,
                "max": str(c.max_points),
                "ownBonus": str(rtree.tree.own_bonus_max(node)),
                "pk": c.pk,
                "points": rule_of(c).script(c),  # how static/js/rules.js works a leaf's points out
            }
        )
    return {"nodes": nodes}


@login_required
def sheet_submit(request, pk: int):
    """Submitting is signing: the sheet goes to the bloc only with its report signed for it (report_sign shows
    every warning first). A submission posted here, unsigned, is not taken."""
    sheet, _ = get_sheet_for_user(request, pk, "sheet.submit")
    if not sheet.is_editable:
        messages.info(request, "Bảng chấm điểm đã được nộp.")
        return redirect("sheet_detail", pk=sheet.pk)
    if request.method == "POST":
        messages.error(
            request,
            "Chưa nộp: bảng chấm điểm chỉ nộp được kèm báo cáo đã ký số. Hãy xem lại rồi ký số và nộp.",
        )
    return redirect("report_sign", pk=sheet.pk)


@login_required
@require_GET
def sheet_history(request, pk: int):
    sheet, _ = get_sheet_for_user(request, pk, "sheet.history")
    changes = sheet.changes.select_related("criterion", "by").order_by("-version", "pk")
    labels = {c.key: c.label for c in rubric_tree(sheet.rubric).criteria}
    return render(
        request,
        "scoring/sheet_history.html",
        {
            "sheet": sheet,
            "changes": [(c, labels.get(c.criterion.key, c.criterion.code)) for c in changes],
            "transitions": sheet.transitions.select_related("by"),
        },
    )
