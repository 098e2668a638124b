"""Pages. Each view fetches through an access helper that answers 404 for other agencies' data."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from . import rollup
from .models import Membership, Sheet
from .selectors import sheet_view


def _get_sheet_for_user(request, pk: int) -> Sheet:
    return get_object_or_404(
        Sheet.objects.for_user(request.user).select_related("rubric__bloc", "agency"), pk=pk
    )


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user).select_related("agency").order_by("agency__name")
    )
    sheets = [
        sheet_view(sheet)
        for sheet in Sheet.objects.for_user(request.user).select_related("rubric__bloc", "agency")
    ]
    return render(request, "scoring/home.html", {"memberships": memberships, "sheet_views": sheets})


@login_required
def sheet_detail(request, pk: int):
    sheet = _get_sheet_for_user(request, pk)
    view = sheet_view(sheet)
    tree = view.rubric_tree.tree
    rows = [
        {
            "criterion": c,
            "score": view.scores.get(c.key),
            "total": view.totals[c.key],
            "is_leaf": not tree.children[c.key],
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
        },
    )
