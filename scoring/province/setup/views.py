"""The province's setup pages: its blocs year by year, a new year in one step, a rubric copied elsewhere."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ...accounts.access import bound_data, get_bloc_year_to_set_up, get_province_admin, get_rubric_to_set_up
from ...models import BlocYear
from ...rubrics.rounds import mid_year_open, mid_year_title
from ...rubrics.services import rubric_copy
from . import years
from .forms import (
    AwardRuleFormSet,
    BlocYearForm,
    MidYearForm,
    RubricCopyForm,
    RubricCopyToForm,
    award_initial,
)
from .overview import setup_overview


@login_required
@require_GET
def setup_home(request):
    get_province_admin(request)
    return render(request, "scoring/setup_home.html", {"blocs": setup_overview()})


def _attach(exc: ValidationError, form) -> None:
    """The service's refusals beside the fields they are about; the year's on top of the form."""
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, [e.message for e in errors])


@login_required
def setup_year_open(request, code: str, year: int):
    source = get_bloc_year_to_set_up(request, code, year)
    new = BlocYear(bloc=source.bloc, year=year + 1)
    old_rubric, next_has_rubric = years.rubrics_around(source)
    copying = old_rubric is not None and not next_has_rubric
    data, _ = bound_data(request)
    form = BlocYearForm(data, initial=BlocYearForm.initial_from(source), bloc_year=new)
    rubric_form = awards = None
    if copying:
        initial = RubricCopyForm.initial_from(old_rubric, source.bloc, new.year)
        rubric_form = RubricCopyForm(data, initial=initial, source=old_rubric, year=new.year)
        awards = AwardRuleFormSet(data, initial=award_initial(old_rubric), prefix="awards")
    if request.method == "POST" and all([f.is_valid() for f in (form, rubric_form, awards) if f is not None]):
        choices = None
        if copying:
            choices = years.RubricChoices(
                title=rubric_form.cleaned_data["title"],
                legal_basis=rubric_form.cleaned_data["legal_basis"].strip(),
                deadline=rubric_form.cleaned_data["deadline"],
                award_rules=awards.specs(),
            )
        try:
            opened = years.bloc_year_open(
                source=source,
                year=new.year,
                members=list(form.cleaned_data["members"]),
                leader=form.cleaned_data["leader"],
                deputy_leader=form.cleaned_data["deputy_leader"],
                rubric=choices,
            )
        except ValidationError as exc:
            _attach(exc, form)
        else:
            what = " và bảng tiêu chí (đang soạn)" if copying else ""
            messages.success(request, f"Đã mở năm thi đua {opened.year} của {opened.bloc}{what}.")
            return redirect("setup_home")
    return render(
        request,
        "scoring/setup_year_open.html",
        {
            "source": source,
            "new": new,
            "form": form,
            "rubric_form": rubric_form,
            "awards": awards,
            "old_rubric": old_rubric,
            "next_has_rubric": next_has_rubric,
        },
    )


@login_required
def setup_rubric_copy(request, pk: int):
    source = get_rubric_to_set_up(request, pk)
    if source.round_kind.opened_from:  # another year or bloc is copied from the rubric this one came from
        raise Http404
    year = source.year + 1
    data, _ = bound_data(request)
    initial = {**RubricCopyForm.initial_from(source, source.bloc, year), "bloc": source.bloc_id, "year": year}
    del initial["title"]  # made from the bloc and year chosen, unless typed
    form = RubricCopyToForm(data, initial=initial, source=source, year=None)
    awards = AwardRuleFormSet(data, initial=award_initial(source), prefix="awards")
    if request.method == "POST" and all([form.is_valid(), awards.is_valid()]):
        cleaned = form.cleaned_data
        try:
            new = rubric_copy(
                rubric=source,
                bloc=cleaned["bloc"],
                year=cleaned["year"],
                title=cleaned["title"],
                legal_basis=cleaned["legal_basis"].strip(),
                deadline=cleaned["deadline"],
                award_rules=awards.specs(),
            )
        except IntegrityError:  # made meanwhile by someone else
            form.add_error("year", f"{cleaned['bloc']} đã có bảng tiêu chí năm {cleaned['year']}.")
        else:
            messages.success(request, f"Đã tạo “{new.title}” (đang soạn).")
            return redirect("setup_home")
    return render(
        request, "scoring/setup_rubric_copy.html", {"source": source, "form": form, "awards": awards}
    )


@login_required
def setup_year_edit(request, code: str, year: int):
    bloc_year = get_bloc_year_to_set_up(request, code, year)
    data, _ = bound_data(request)
    form = BlocYearForm(data, initial=BlocYearForm.initial_from(bloc_year), bloc_year=bloc_year)
    if request.method == "POST" and form.is_valid():
        try:
            years.bloc_year_update(
                bloc_year=bloc_year,
                members=list(form.cleaned_data["members"]),
                leader=form.cleaned_data["leader"],
                deputy_leader=form.cleaned_data["deputy_leader"],
            )
        except ValidationError as exc:
            _attach(exc, form)
        else:
            messages.success(request, f"Đã lưu {bloc_year}.")
            return redirect("setup_home")
    return render(request, "scoring/setup_year_edit.html", {"bloc_year": bloc_year, "form": form})


@login_required
def setup_mid_year(request, pk: int):
    """The six-month round of a year-end rubric's year: a draft copy, opened from the rubric editor."""
    year_end = get_rubric_to_set_up(request, pk)
    data, _ = bound_data(request)
    form = MidYearForm(data, initial={"title": mid_year_title(year_end)}, year=year_end.year)
    if request.method == "POST" and form.is_valid():
        try:
            new = mid_year_open(
                year_end=year_end, deadline=form.cleaned_data["deadline"], title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            _attach(exc, form)
        except IntegrityError:  # made meanwhile by someone else
            form.add_error(None, f"{year_end.bloc} đã có vòng sơ kết 6 tháng năm {year_end.year}.")
        else:
            messages.success(
                request,
                f"Đã lập “{new.title}” (đang soạn): bớt tiêu chí nếu sơ kết chấm gọn hơn, rồi mở cho các đơn vị.",
            )
            return redirect("rubric_editor", pk=new.pk)
    return render(request, "scoring/setup_mid_year.html", {"year_end": year_end, "form": form})
