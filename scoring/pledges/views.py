"""Pages of the pledges: the province's catalogue, an agency's registration, the bloc's giao ước."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from .. import signing
from ..accounts.access import allowed, bound_data, get_province_admin
from ..accounts.yearly_access import get_covenant_bloc_year, get_pledge_for_user
from ..files import PDF, StorageFailed, download
from ..models import AwardTitle, Pledge
from . import services
from .document import covenant_pdf
from .forms import AwardTitleForm, CovenantForm, CovenantSignForm, PledgeForm

# ---------------------------------------------------------------- the province's catalogue


@login_required
def award_titles(request):
    get_province_admin(request)
    form = AwardTitleForm(bound_data(request)[0], prefix_id="title-add")
    if request.method == "POST" and form.is_valid():
        title = form.save()
        messages.success(request, f"Đã thêm “{title.name}” vào danh mục.")
        return redirect("award_titles")
    titles = AwardTitle.objects.order_by("position", "name")
    return render(request, "scoring/award_titles.html", {"form": form, "titles": titles, "editing": None})


@login_required
def award_title_edit(request, pk: int):
    get_province_admin(request)
    title = AwardTitle.objects.filter(pk=pk).first()
    if title is None:
        raise Http404
    form = AwardTitleForm(bound_data(request)[0], instance=title, prefix_id="title-edit")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Đã lưu “{title.name}”.")
        return redirect("award_titles")
    titles = AwardTitle.objects.order_by("position", "name")
    return render(request, "scoring/award_titles.html", {"form": form, "titles": titles, "editing": title})


# ---------------------------------------------------------------- an agency's pledge


def _initial(pledge: Pledge | None) -> dict:
    if pledge is None:
        return {}
    return {"titles": list(pledge.titles.all()), "commitments": pledge.commitments}


@login_required
def pledge_edit(request, code: str, year: int):
    action = "pledge.edit" if request.method == "POST" else "pledge.view"
    bloc_year, agency, pledge, roles = get_pledge_for_user(request, code, year, action)
    deadline = services.deadline_of(bloc_year)
    late = services.past_deadline(deadline)
    editable = allowed("pledge.edit", roles) and not (pledge and pledge.is_submitted) and not late
    form = PledgeForm(
        bound_data(request)[0], initial=_initial(pledge), catalogue=AwardTitle.objects.offered()
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pledge_save(
                    bloc_year=bloc_year,
                    agency=agency,
                    titles=list(form.cleaned_data["titles"]),
                    commitments=form.cleaned_data["commitments"].strip(),
                    by=request.user,
                    deadline=deadline,
                )
            except services.PledgeRefused as exc:
                messages.error(request, str(exc))  # the form below keeps what was typed
            else:
                messages.success(request, "Đã lưu đăng ký thi đua (chưa gửi khối).")
                return redirect("pledge_edit", code=agency.code, year=year)
        else:
            messages.error(request, "Chưa lưu: có ô cần sửa (tô đỏ bên dưới).")
    context = {
        "bloc_year": bloc_year,
        "agency": agency,
        "pledge": pledge,
        "deadline": deadline,
        "late": late,
        "form": form,
        # a refused post keeps its form, with what was typed, under the message that says why
        "editable": editable or request.method == "POST",
        "can_submit": allowed("pledge.submit", roles) and pledge and not pledge.is_submitted and not late,
        "titles": list(pledge.titles.all()) if pledge else [],
    }
    return render(request, "scoring/pledge_edit.html", context)


@login_required
@require_POST
def pledge_submit(request, code: str, year: int):
    bloc_year, agency, pledge, _ = get_pledge_for_user(request, code, year, "pledge.submit")
    if pledge is None:
        messages.error(request, f"{services.NO_TITLES} Lưu đăng ký trước khi gửi.")
        return redirect("pledge_edit", code=agency.code, year=year)
    try:
        services.pledge_submit(pledge=pledge, by=request.user, deadline=services.deadline_of(bloc_year))
    except services.PledgeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã xác nhận và gửi đăng ký thi đua năm {year} cho khối trưởng.")
    return redirect("pledge_edit", code=agency.code, year=year)


# ---------------------------------------------------------------- the bloc's giao ước


@login_required
def covenant_page(request, code: str, year: int):
    bloc_year, roles = get_covenant_bloc_year(request, code, year)
    covenant = services.covenant_for(bloc_year=bloc_year)
    may_make = allowed("covenant.make", roles) and not covenant.signed_pdf
    form = CovenantForm(bound_data(request)[0], instance=covenant)
    if request.method == "POST":
        if not may_make:
            messages.error(request, "Giao ước đã ký hoặc bạn không sửa được giao ước: không lưu gì.")
            return redirect("covenant_page", code=code, year=year)
        if form.is_valid():
            data = form.cleaned_data
            if services.covenant_set_details(
                covenant=covenant,
                deadline=data["deadline"],
                number=data["number"],
                issued_on=data["issued_on"],
            ):
                messages.success(request, "Đã lưu hạn đăng ký, số và ngày của giao ước.")
            else:
                messages.error(
                    request, "Giao ước vừa được ký: không sửa hạn, số, ngày được nữa, không lưu gì."
                )
            return redirect("covenant_page", code=code, year=year)
        messages.error(request, "Chưa lưu: có ô cần sửa (tô đỏ bên dưới).")
    pledges = {p.agency_id: p for p in Pledge.objects.filter(bloc_year=bloc_year).prefetch_related("titles")}
    members = [(a, pledges.get(a.pk)) for a in bloc_year.members.order_by("name")]
    context = {
        "bloc_year": bloc_year,
        "covenant": covenant,
        "form": form if may_make else None,
        "members": members,
        "missing": services.covenant_ready(covenant),
        "can_sign": allowed("covenant.sign", roles) and not covenant.signed_pdf,
    }
    return render(request, "scoring/covenant.html", context)


@login_required
@require_GET
def covenant_download(request, code: str, year: int):
    bloc_year, _ = get_covenant_bloc_year(request, code, year)
    covenant = services.covenant_for(bloc_year=bloc_year)
    name = f"giao-uoc-{year}-{bloc_year.bloc.code}"
    if covenant.signed_pdf:
        return download(covenant.signed_pdf.open("rb"), f"{name}-da-ky.pdf", PDF)
    missing = services.covenant_ready(covenant)
    if missing:
        messages.error(request, missing)
        return redirect("covenant_page", code=code, year=year)
    return download(covenant_pdf(covenant), f"{name}-chua-ky.pdf", PDF)


@sensitive_post_parameters("passphrase")
@sensitive_variables("form")
@login_required
def covenant_sign(request, code: str, year: int):
    bloc_year, _ = get_covenant_bloc_year(request, code, year, "covenant.sign")
    covenant = services.covenant_for(bloc_year=bloc_year)
    if covenant.signed_pdf:
        messages.info(request, "Giao ước thi đua đã được ký.")
        return redirect("covenant_page", code=code, year=year)
    form = CovenantSignForm(*bound_data(request), reference=covenant.reference)
    missing = services.covenant_ready(covenant)
    if request.method == "POST" and form.is_valid():
        try:
            services.covenant_sign(
                covenant=covenant,
                p12=form.cleaned_data["certificate"].read(),
                passphrase=form.cleaned_data["passphrase"].encode("utf-8"),
                by=request.user,
            )
        except (signing.SigningError, services.CovenantRefused) as exc:
            form.add_error(None, str(exc))
        except StorageFailed as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã ký số Giao ước thi đua năm {year} của {bloc_year.bloc.name}.")
            return redirect("covenant_page", code=code, year=year)
    context = {"bloc_year": bloc_year, "covenant": covenant, "form": form, "missing": missing}
    return render(request, "scoring/covenant_sign.html", context)
