"""The agency's pages for its sheet: home, scoring, submitting, history.

Each view fetches through an access helper (scoring/accounts/access.py) that answers 404 for other
agencies' data, validates, calls a service, and redirects or renders.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import rollup
from ..accounts.access import (
    allowed,
    bloc_years_followed,
    get_agencies_for_user,
    get_rubric_to_start,
    get_sheet_for_user,
)
from ..models import Document, Sheet
from ..notation import format_points
from ..rubrics.tree import rubric_tree
from . import services
from .checks import grouped, sheet_warnings
from .forms import SheetForm
from .queries import agency_card, sheet_progress, sheet_state, sheet_view

VERSION = re.compile(r"[0-9]{1,9}")


@login_required
def home(request):
    cards = [agency_card(agency, roles) for agency, roles in get_agencies_for_user(request)]
    followed = bloc_years_followed(request.user)
    return render(request, "scoring/home.html", {"cards": cards, "followed": followed})


@login_required
@require_POST
def sheet_start(request, rubric_pk: int):
    rubric, agency = get_rubric_to_start(request, rubric_pk)
    sheet = services.sheet_for(rubric=rubric, agency=agency, by=request.user)
    return redirect("sheet_edit", pk=sheet.pk)


@login_required
def sheet_detail(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk)
    view = sheet_view(sheet)
    state = sheet_state(view)
    can_edit = allowed("sheet.edit", roles, sheet)
    # "Cần xem lại trước khi nộp" is for the agency while it can still act on it: not once it is submitted
    warnings = sheet_warnings(view, state.cited) if can_edit else []
    tree = view.rubric_tree.tree
    rows = [
        {
            "criterion": c,
            "score": view.scores.get(c.key),
            "total": view.totals[c.key],
            "is_leaf": tree.is_leaf(c.key),
            "documents": state.cited.get(c.key, []),
        }
        for c in view.rubric_tree.criteria
    ]
    return render(
        request,
        "scoring/sheet_detail.html",
        {
            "sheet": sheet,
            "rows": rows,
            "rubric_total": rollup.rubric_totals(tree),
            "grand_total": view.grand_total,
            "transitions": sheet.transitions.select_related("by"),
            "warnings": warnings,
            "warning_lines": grouped(warnings),
            "can_edit": can_edit,
            "can_submit": allowed("sheet.submit", roles, sheet),
        },
    )


def _sheet_json(view, version: int, *, saved: bool, errors=None, conflict=None) -> dict:
    return {
        "saved": saved,
        "version": version,
        "errors": errors or {},
        "conflict": conflict or [],
        "totals": {k: [format_points(t.points), format_points(t.bonus)] for k, t in view.totals.items()},
        "grand_total": [format_points(view.grand_total.points), format_points(view.grand_total.bonus)],
        "saved_at": timezone.localtime().strftime("%H:%M:%S"),
    }


@login_required
def sheet_edit(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk, "sheet.edit")
    if not sheet.is_editable:
        messages.info(request, f"Bảng chấm điểm đang ở trạng thái “{sheet.get_status_display()}”: chỉ xem.")
        return redirect("sheet_detail", pk=sheet.pk)
    rtree = rubric_tree(sheet.rubric)
    documents = list(Document.objects.filter(agency=sheet.agency).order_by("-issued_on", "number"))
    form, conflict = None, []
    if request.method == "POST":
        form, conflict, response = _save_posted(request, sheet, rtree, documents)
        if response is not None:
            return response
    view = sheet_view(sheet, rtree)
    if form is None:
        state = sheet_state(view)
        initial = SheetForm.initial_from(rtree, sheet.version, view.scores, state.ratings, state.citations)
        form = SheetForm(initial=initial, rtree=rtree, documents=documents)
    rows = [
        {**row, "total": view.totals[row["criterion"].key], "score": view.scores.get(row["criterion"].key)}
        for row in form.bound_rows()
    ]
    returned = None
    if sheet.status == Sheet.Status.RETURNED:
        returned = sheet.transitions.filter(to_status=Sheet.Status.RETURNED).order_by("-at", "-pk").first()
    return render(
        request,
        "scoring/sheet_edit.html",
        {
            "sheet": sheet,
            "form": form,
            "rows": rows,
            "returned": returned,
            "view": view,
            "conflict": conflict,
            "rubric_total": rollup.rubric_totals(rtree.tree),
            "tree_data": _tree_data(rtree, form),
            "can_submit": allowed("sheet.submit", roles, sheet),
        },
    )


def _save_posted(request, sheet, rtree, documents):
    """(form, conflict, response): the response when the post is dealt with (a redirect, or the autosave's
    JSON); otherwise None, and the form to show again with what was typed."""
    autosave = request.POST.get("autosave") == "1"
    form = SheetForm(request.POST, rtree=rtree, documents=documents)
    conflict = []
    if form.is_valid():
        try:
            version = services.sheet_save(
                sheet=sheet, base_version=form.cleaned_data["version"], values=form.values(), by=request.user
            )
        except services.SheetConflict as exc:
            conflict = services.describe_changes(exc.changes)  # the service has brought `sheet` up to date
        except services.SheetLocked:
            messages.error(request, "Bảng chấm điểm vừa được nộp: không lưu được.")
            return form, conflict, redirect("sheet_detail", pk=sheet.pk)
        else:
            if autosave:
                return (
                    form,
                    conflict,
                    JsonResponse(_sheet_json(sheet_view(sheet, rtree), version, saved=True)),
                )
            messages.success(request, "Đã lưu bảng chấm điểm.")
            return form, conflict, redirect("sheet_edit", pk=sheet.pk)
    if autosave:
        errors = {name: " ".join(errs) for name, errs in form.errors.items()}
        view = sheet_view(sheet, rtree)
        data = _sheet_json(view, sheet.version, saved=False, errors=errors, conflict=conflict)
        return form, conflict, JsonResponse(data, status=409 if conflict else 400)
    if conflict:
        # Keep what they typed; the next save, made knowingly, goes on top of the other person's.
        data = request.POST.copy()
        data["version"] = sheet.version
        form = SheetForm(data, rtree=rtree, documents=documents)
        form.is_valid()
    else:
        messages.error(request, f"Chưa lưu: có {len(form.errors)} ô cần sửa (tô đỏ bên dưới).")
    return form, conflict, None


def _tree_data(rtree, form) -> dict:
    """What the page's script needs to add up totals as people type (the server's sum is the one that counts)."""
    nodes = []
    for c in rtree.criteria:
        node = rtree.tree.node(c.key)
        nodes.append(
            {
                "key": c.key,
                "parent": node.parent,
                "rule": c.rule,
                "max": str(c.max_points),
                "ownBonus": str(rtree.tree.own_bonus_max(node)),
                "pk": c.pk,
                "components": [comp.pk for comp in c.component_list],
                "tiers": {str(t.pk): str(t.points) for t in c.tier_list}
                | {str(t.pk): str(t.points) for comp in c.component_list for t in comp.tier_list},
            }
        )
    return {"nodes": nodes}


@login_required
def sheet_submit(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk, "sheet.submit")
    if not sheet.is_editable:
        messages.info(request, "Bảng chấm điểm đã được nộp.")
        return redirect("sheet_detail", pk=sheet.pk)
    view = sheet_view(sheet)
    state = sheet_state(view)
    warnings = sheet_warnings(view, state.cited)
    if request.method == "POST":
        version = request.POST.get("version", "")
        if not VERSION.fullmatch(version):  # a tampered or cut-off form: show the page afresh
            messages.error(request, "Trang nộp bài đã cũ hoặc không đầy đủ; hãy xem lại rồi bấm nộp lần nữa.")
            return redirect("sheet_submit", pk=sheet.pk)
        try:
            services.sheet_submit(sheet=sheet, base_version=int(version), by=request.user)
        except services.SheetConflict as exc:
            messages.error(
                request,
                "Có người vừa sửa bảng chấm điểm; hãy xem lại trước khi nộp: "
                + "; ".join(services.describe_changes(exc.changes)),
            )
            return redirect("sheet_submit", pk=sheet.pk)
        except services.SheetLocked:
            messages.info(request, "Bảng chấm điểm đã được nộp.")
            return redirect("sheet_detail", pk=sheet.pk)
        messages.success(request, "Đã nộp bảng chấm điểm. Bảng đã khóa cho đến khi khối trưởng trả lại.")
        return redirect("sheet_detail", pk=sheet.pk)
    return render(
        request,
        "scoring/sheet_submit.html",
        {
            "sheet": sheet,
            "view": view,
            "progress": sheet_progress(view, state),
            "warnings": warnings,
            "warning_lines": grouped(warnings),
        },
    )


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
