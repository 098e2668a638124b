"""The rubric editor: the province's administrator shapes a rubric as a tree and opens it for scoring.

One page, one URL: a GET shows the tree, every POST names its operation (`op`) and the criterion it acts on;
a refusal shows the page again with the message at the row and what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import rollup
from ..accounts.access import get_rubric_to_set_up
from ..models import Criterion
from . import editor
from .editor_forms import AwardRulesForm, CriterionForm, DeadlineForm, format_award_rules
from .services import RubricNotReady, mismatch_text, open_problems, rubric_open
from .tree import rubric_tree

MOVES = {"up": -1, "down": 1}


@login_required
def rubric_editor(request, pk: int):
    rubric = get_rubric_to_set_up(request, pk)
    if request.method != "POST":
        return _page(request, rubric)
    op = request.POST.get("op", "")
    target = _int(request.POST.get("criterion"))
    try:
        if op in ("edit", "add"):
            return _form_op(request, rubric, op, target)
        message = _button_op(request, rubric, op, target)
    except editor.EditRefused as exc:
        return _page(request, rubric, refused={target or 0: str(exc)})
    except RubricNotReady as exc:
        return _page(request, rubric, not_ready=exc.reasons)
    if message is None:
        return _page(request, rubric, posted=request.POST)
    messages.success(request, message)
    return redirect(reverse("rubric_editor", args=[rubric.pk]) + (f"#c-{target}" if target else ""))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _button_op(request, rubric, op: str, target: int | None) -> str | None:
    """A button's or a small form's operation; its success message, or None when the form is invalid."""
    if op in MOVES:
        editor.criterion_move(rubric=rubric, pk=target, step=MOVES[op])
        return "Đã chuyển tiêu chí."
    if op == "indent":
        editor.criterion_indent(rubric=rubric, pk=target)
        return "Đã thụt tiêu chí vào làm tiêu chí con của tiêu chí ở trên."
    if op == "outdent":
        editor.criterion_outdent(rubric=rubric, pk=target)
        return "Đã lùi tiêu chí ra một cấp."
    if op == "delete":
        return f"Đã xóa tiêu chí {editor.criterion_delete(rubric=rubric, pk=target)}."
    if op == "deadline":
        form = DeadlineForm(request.POST)
        if not form.is_valid():
            return None
        editor.rubric_set_deadline(rubric=rubric, deadline=form.cleaned_data["deadline"])
        return "Đã lưu hạn nộp."
    if op == "awards":
        form = AwardRulesForm(request.POST)
        if not form.is_valid():
            return None
        editor.rubric_set_award_rules(rubric=rubric, rules=form.cleaned_data["rules"])
        return "Đã lưu đề nghị khen thưởng theo thứ hạng."
    if op == "open":
        rubric_open(rubric=rubric)
        return "Đã mở bảng tiêu chí cho các đơn vị chấm điểm."
    raise editor.EditRefused("Không rõ thao tác cần làm.")


def _form_op(request, rubric, op: str, target: int | None):
    """Add or edit: the form's input is checked, written, or shown again with its errors."""
    rtree = rubric_tree(rubric)
    by_pk = {c.pk: c for c in rtree.criteria}
    target = target or None  # 0: a new section
    if target is not None and target not in by_pk or (op == "edit" and target is None):
        raise editor.EditRefused("Không có tiêu chí này trong bảng tiêu chí (có thể vừa bị xóa).")
    prefix = f"{op[0]}{target or 0}"  # the forms' names on the page: e12 edits 12, a12 adds at 12
    is_parent = op == "edit" and any(c.parent_id == target for c in rtree.criteria)
    form = CriterionForm(request.POST, prefix=prefix, is_parent=is_parent)
    if not form.is_valid():
        return _page(request, rubric, bound={prefix: form}, rtree=rtree)
    try:
        if op == "edit":
            done = editor.criterion_edit(criterion=by_pk[target], values=form.values())
        else:
            where = request.POST.get(f"{prefix}-where")
            kwargs = {"after_pk": target} if where == "after" else {"parent_pk": target}
            done = editor.criterion_add(rubric=rubric, values=form.values(), **kwargs)
    except editor.EditRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, rubric, bound={prefix: form}, rtree=rubric_tree(rubric))
    messages.success(request, f"Đã lưu tiêu chí {Criterion.objects.get(pk=done.pk).code}.")
    return redirect(reverse("rubric_editor", args=[rubric.pk]) + f"#c-{done.pk}")


def _open_forms(request, rtree, bound: dict) -> dict:
    """The one criterion form the page shows open: bound with errors, or asked for (?sua=pk, ?them=pk)."""
    if bound:
        return bound
    parents = {c.parent_id for c in rtree.criteria}
    by_pk = {c.pk: c for c in rtree.criteria}
    edit, add = _int(request.GET.get("sua")), _int(request.GET.get("them"))
    if edit in by_pk:
        c = by_pk[edit]
        initial = CriterionForm.initial_of(c)
        return {f"e{edit}": CriterionForm(prefix=f"e{edit}", is_parent=edit in parents, initial=initial)}
    if add == 0 or add in by_pk:
        return {f"a{add}": CriterionForm(prefix=f"a{add}", initial={"max_bonus": "0"})}
    return {}


def _rows(rtree, forms: dict, refused: dict) -> list[dict]:
    found: dict[str, list[str]] = {}
    for m in rollup.mismatches(rtree.tree):
        found.setdefault(m.key, []).append(mismatch_text(m))
    parents = {c.parent_id for c in rtree.criteria}
    by_pk = {c.pk: c for c in rtree.criteria}
    rows = []
    for c in rtree.criteria:
        add = forms.get(f"a{c.pk}")
        rows.append(
            {
                "c": c,
                "parent_key": by_pk[c.parent_id].key if c.parent_id else "",
                "is_parent": c.pk in parents,
                "mismatches": found.get(c.key, []),
                "edit": forms.get(f"e{c.pk}"),
                "add": add,
                "where": add.data.get(f"a{c.pk}-where", "child")
                if add is not None and add.is_bound
                else "child",
                "refused": refused.get(c.pk, ""),
            }
        )
    return rows


def _page(request, rubric, *, bound=None, rtree=None, refused=None, not_ready=None, posted=None):
    rtree = rtree or rubric_tree(rubric)
    refused = refused or {}
    forms = _open_forms(request, rtree, bound or {})
    frozen = editor.frozen_reason(rubric)
    locked = frozen or editor.started_reason(rubric)
    awards = list(rubric.award_rules.order_by("position"))
    op = posted.get("op") if posted is not None else None
    deadline = DeadlineForm(
        posted if op == "deadline" else None,
        initial={"deadline": rubric.deadline.strftime("%d/%m/%Y") if rubric.deadline else ""},
    )
    award_form = AwardRulesForm(
        posted if op == "awards" else None, initial={"rules": format_award_rules(awards)}
    )
    for form in (deadline, award_form):
        if form.is_bound:
            form.is_valid()
    return render(
        request,
        "scoring/rubric_editor.html",
        {
            "rubric": rubric,
            "rows": _rows(rtree, forms, refused),
            "totals": rollup.rubric_totals(rtree.tree),
            "locked": locked,  # why the tree's shape is fixed
            "frozen": bool(frozen),  # nothing at all changes
            "problems": not_ready if not_ready is not None else open_problems(rubric, rtree, awards),
            # after a POST the page opens at its top: a refusal is said there too, with a link to its row
            "refused_top": [(pk, message) for pk, message in refused.items()],
            "new_section": forms.get("a0"),
            "deadline_form": deadline,
            "award_form": award_form,
        },
    )
