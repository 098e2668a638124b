"""So sánh các năm: an agency's years side by side, and a bloc's; the same as Excel and PDF."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..accounts.yearly_access import (
    get_agency_years_for_history,
    get_bloc_years_for_history,
    history_year_shown,
    require_history_years,
)
from ..exports.history import agency_history_pdf, agency_history_xlsx, bloc_history_pdf, bloc_history_xlsx
from ..files import PDF, XLSX, download
from .charts import agency_chart, bloc_chart
from .compare import AgencyComparison, BlocComparison, agency_comparison, bloc_comparison
from .rounds import year_rounds


def _agency(request, code: str) -> AgencyComparison:
    agency, bloc_years, roles, own = get_agency_years_for_history(request, code)
    rounds = [
        state
        for state in year_rounds(bloc_years, drafts_of=frozenset({agency.pk}) if own else frozenset())
        if (member := state.member(agency.pk))
        and member.sheet
        and history_year_shown(roles, agency.pk, member.sheet, state.bloc_year)
    ]
    require_history_years(request, roles, own, len(rounds))
    return agency_comparison(agency, rounds, drafts=own)


def _bloc(request, code: str) -> BlocComparison:
    bloc_years, _ = get_bloc_years_for_history(request, code)
    return bloc_comparison(bloc_years[0].bloc, year_rounds(bloc_years))


@login_required
@require_GET
def agency_history(request, code: str):
    comparison = _agency(request, code)
    return render(
        request,
        "scoring/history_agency.html",
        {"comparison": comparison, "chart": agency_chart(comparison) if comparison.years else ""},
    )


@login_required
@require_GET
def agency_history_export(request, code: str, fmt: str):
    comparison = _agency(request, code)
    name = f"so-sanh-cac-nam-{comparison.agency.code}.{fmt}"
    if fmt == "pdf":
        return download(agency_history_pdf(comparison), name, PDF)
    return download(agency_history_xlsx(comparison), name, XLSX)


@login_required
@require_GET
def bloc_history(request, code: str):
    comparison = _bloc(request, code)
    return render(
        request, "scoring/history_bloc.html", {"comparison": comparison, "chart": bloc_chart(comparison)}
    )


@login_required
@require_GET
def bloc_history_export(request, code: str, fmt: str):
    comparison = _bloc(request, code)
    name = f"so-sanh-cac-nam-khoi-{comparison.bloc.code}.{fmt}"
    if fmt == "pdf":
        return download(bloc_history_pdf(comparison), name, PDF)
    return download(bloc_history_xlsx(comparison), name, XLSX)
