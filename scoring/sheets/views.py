"""The agency's pages for its sheet: home, scoring, submitting, history.

Each view fetches through an access helper (scoring/accounts/access.py) that answers 404 for other
agencies' data, validates, calls a service, and redirects or renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import rollup
from ..accounts.access import allowed, get_sheet_for_user, roles_by_agency, sees_board
from ..models import BlocMember, BlocYear, Document, Membership, Rubric, Sheet
from ..notation import format_points
from ..rubrics.tree import rubric_tree
from . import services
from .checks import grouped, sheet_warnings
from .forms import SheetForm
from .queries import sheet_progress, sheet_state, sheet_view


@login_required
def home(request):
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("agency").order_by("agency__name")
    )
    agencies = {m.agency_id: m.agency for m in memberships}
    cards = []
    for agency in agencies.values():
        roles = {m.role for m in memberships if m.agency_id == agency.pk}
        sheets = list(
            Sheet.objects.filter(agency=agency).select_related("rubric__bloc").order_by("-rubric__year")
        )
        current_rubric = (
            Rubric.objects.filter(
                bloc__years__memberships__agency=agency,
                bloc__years__year=F("year"),
                status__in=[Rubric.Status.OPEN, Rubric.Status.CLOSED],
            )
            .select_related("bloc")
            .order_by("-year")
            .first()
        )
        current = next((s for s in sheets if current_rubric and s.rubric_id == current_rubric.pk), None)
        if current_rubric is None and sheets:
            current, current_rubric = sheets[0], sheets[0].rubric
        summary = None
        if current is not None:
            view = sheet_view(current)
            summary = {"view": view, "progress": sheet_progress(view, sheet_state(view))}
        older = [s for s in sheets if s is not current]
        cards.append(
            {
                "agency": agency,
                "roles": [Membership.Role(r).label for r in sorted(roles)],
                "rubric": current_rubric,
                "sheet": current,
                "summary": summary,
                "previous": [(s, sheet_view(s).grand_total) for s in older[:1]],
                "can_start": current is None
                and current_rubric is not None
                and bool(roles & {"editor", "head"}),
            }
        )
    roles = roles_by_agency(request.user)
    followed = [
        bloc_year
        for bloc_year in BlocYear.objects.select_related("bloc").order_by("-year", "bloc__name")
        if sees_board(roles, bloc_year)
    ]
    return render(request, "scoring/home.html", {"cards": cards, "followed": followed})


@login_required
@require_POST
def sheet_start(request, rubric_pk: int):
    rubric = get_object_or_404(Rubric, pk=rubric_pk, status=Rubric.Status.OPEN)
    membership = (
        BlocMember.objects.filter(
            bloc_year__bloc=rubric.bloc,
            bloc_year__year=rubric.year,
            agency__memberships__user=request.user,
            agency__memberships__role__in=["editor", "head"],
        )
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise Http404
    sheet = services.sheet_for(rubric=rubric, agency=membership.agency, by=request.user)
    return redirect("sheet_edit", pk=sheet.pk)


@login_required
def sheet_detail(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk)
    view = sheet_view(sheet)
    state = sheet_state(view)
    warnings = sheet_warnings(view, state.cited)
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
            "can_edit": allowed("sheet.edit", roles, sheet),
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
    autosave = request.POST.get("autosave") == "1"
    conflict = []
    if request.method == "POST":
        form = SheetForm(request.POST, rtree=rtree, documents=documents)
        if form.is_valid():
            try:
                version = services.sheet_save(
                    sheet=sheet,
                    base_version=form.cleaned_data["version"],
                    values=form.values(),
                    by=request.user,
                )
            except services.SheetConflict as exc:
                conflict = services.describe_changes(exc.changes)
                sheet.refresh_from_db()
            except services.SheetLocked:
                messages.error(request, "Bảng chấm điểm vừa được nộp: không lưu được.")
                return redirect("sheet_detail", pk=sheet.pk)
            else:
                if autosave:
                    return JsonResponse(_sheet_json(sheet_view(sheet, rtree), version, saved=True))
                messages.success(request, "Đã lưu bảng chấm điểm.")
                return redirect("sheet_edit", pk=sheet.pk)
        if autosave:
            errors = {name: " ".join(errs) for name, errs in form.errors.items()}
            return JsonResponse(
                _sheet_json(
                    sheet_view(sheet, rtree), sheet.version, saved=False, errors=errors, conflict=conflict
                ),
                status=409 if conflict else 400,
            )
        if conflict:
            # Keep what they typed; the next save, made knowingly, goes on top of the other person's.
            data = request.POST.copy()
            data["version"] = sheet.version
            form = SheetForm(data, rtree=rtree, documents=documents)
            form.is_valid()
        else:
            messages.error(request, f"Chưa lưu: có {len(form.errors)} ô cần sửa (tô đỏ bên dưới).")
    view = sheet_view(sheet, rtree)
    state = sheet_state(view)
    if request.method != "POST":
        initial = SheetForm.initial_from(rtree, sheet.version, view.scores, state.ratings, state.citations)
        form = SheetForm(initial=initial, rtree=rtree, documents=documents)
    return render(
        request,
        "scoring/sheet_edit.html",
        {
            "sheet": sheet,
            "form": form,
            "rows": [
                {
                    **row,
                    "total": view.totals[row["criterion"].key],
                    "score": view.scores.get(row["criterion"].key),
                }
                for row in form.bound_rows()
            ],
            "returned": sheet.transitions.filter(to_status=Sheet.Status.RETURNED)
            .order_by("-at", "-pk")
            .first()
            if sheet.status == Sheet.Status.RETURNED
            else None,
            "view": view,
            "conflict": conflict,
            "rubric_total": rollup.rubric_totals(rtree.tree),
            "tree_data": _tree_data(rtree, form),
            "can_submit": allowed("sheet.submit", roles, sheet),
        },
    )


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
        try:
            services.sheet_submit(
                sheet=sheet, base_version=int(request.POST.get("version", -1)), by=request.user
            )
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
