"""The award dossier's pages: the bloc leader prepares, exports, signs and sends; the province decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from .. import signing
from ..accounts.access import (
    bound_data,
    get_agency_for_user,
    get_bloc_year_for_dossier,
    get_dossier_for_user,
    get_province_admin,
)
from ..files import PDF, XLSX, StorageFailed, download
from ..models import Agency, BlocMember, Dossier, DossierLine
from ..review.standings import bloc_round
from . import services
from .documents import dossier_document, dossier_pdf, dossier_xlsx
from .forms import DecisionForm, DossierForm, DossierSignForm, LineForm

LOCKED = "Hồ sơ đã ký số và gửi về tỉnh: không sửa được nữa."


def _members(dossier: Dossier) -> list[Agency]:
    rows = BlocMember.objects.filter(bloc_year_id=dossier.bloc_year_id).select_related("agency")
    return sorted((m.agency for m in rows), key=lambda a: a.name)


def _page(request, dossier: Dossier, form=None, status: int = 200):
    return render(
        request,
        "scoring/award_dossier.html",
        {
            "bloc_year": dossier.bloc_year,
            "dossier": dossier,
            "doc": dossier_document(dossier),
            "form": form or DossierForm(instance=dossier),
            "refusals": services.sign_refusals(dossier) if not dossier.is_sent else [],
        },
        status=status,
    )


@login_required
def dossier_home(request, code: str, year: int):
    """The bloc-year's dossier, or why it cannot be prepared yet and the button that prepares it."""
    bloc_year, rubric = get_bloc_year_for_dossier(request, code, year)
    dossier = (
        Dossier.objects.filter(bloc_year=bloc_year)
        .select_related("bloc_year__bloc", "bloc_year__leader")
        .first()
    )
    if dossier is None:
        state = bloc_round(rubric, bloc_year)
        context = {"bloc_year": bloc_year, "refusals": services.start_refusals(rubric, state), "state": state}
        return render(request, "scoring/award_dossier_start.html", context)
    form = DossierForm(*bound_data(request)[:1], instance=dossier)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.dossier_save(dossier=form.instance)
            except services.DossierLocked as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Đã lưu tờ trình.")
            return redirect("dossier_home", code=code, year=year)
        messages.error(request, "Chưa lưu: có ô cần sửa (tô đỏ bên dưới).")
    return _page(request, dossier, form)


@login_required
@require_POST
def dossier_start(request, code: str, year: int):
    bloc_year, rubric = get_bloc_year_for_dossier(request, code, year)
    try:
        services.dossier_start(bloc_year=bloc_year, rubric=rubric, by=request.user)
    except services.DossierRefused as exc:
        messages.error(request, str(exc))
    except IntegrityError:  # prepared at the same moment from another page: that one stands
        messages.info(request, "Hồ sơ vừa được lập từ một trang khác.")
    else:
        messages.success(request, "Đã lập hồ sơ đề nghị khen thưởng từ kết quả xếp hạng.")
    return redirect("dossier_home", code=code, year=year)


def _line(dossier: Dossier, line_pk: int | None, kind: str) -> DossierLine:
    if line_pk is None:
        return DossierLine(dossier=dossier, kind=kind)
    line = dossier.lines.select_related("agency").filter(pk=line_pk).first()
    if line is None:
        raise Http404
    return line


@login_required
def line_edit(request, pk: int, line_pk: int | None = None):
    """Add an individual, or change a line's award and achievement."""
    dossier, _ = get_dossier_for_user(request, pk, "dossier.prepare")
    line = _line(dossier, line_pk, DossierLine.Kind.INDIVIDUAL)
    home = redirect("dossier_home", code=dossier.bloc_year.bloc.code, year=dossier.bloc_year.year)
    if dossier.is_sent:
        messages.error(request, LOCKED)
        return home
    collective = line.kind == DossierLine.Kind.COLLECTIVE
    form = LineForm(*bound_data(request)[:1], instance=line, members=_members(dossier), collective=collective)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_save(line=form.instance)
        except services.DossierLocked as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã lưu đề nghị cho {form.instance.who}.")
        return home
    context = {"dossier": dossier, "bloc_year": dossier.bloc_year, "form": form, "line": line}
    return render(request, "scoring/award_line.html", context)


@login_required
@require_POST
def line_delete(request, pk: int, line_pk: int):
    dossier, _ = get_dossier_for_user(request, pk, "dossier.prepare")
    line = _line(dossier, line_pk, DossierLine.Kind.INDIVIDUAL)
    try:
        services.line_delete(line=line)
    except services.DossierLocked as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã bỏ đề nghị cho {line.who}.")
    return redirect("dossier_home", code=dossier.bloc_year.bloc.code, year=dossier.bloc_year.year)


@login_required
@require_GET
def dossier_download(request, pk: int, fmt: str):
    """The list as Excel; the tờ trình as PDF — once sent, the signed file as it was sent."""
    dossier, _ = get_dossier_for_user(request, pk)
    name = f"to-trinh-khen-thuong-{dossier.bloc_year.bloc.code}-{dossier.bloc_year.year}"
    if fmt == "xlsx":
        return download(dossier_xlsx(dossier), f"danh-sach-{name}.xlsx", XLSX)
    if dossier.is_sent:
        return download(dossier.signed_pdf.open("rb"), f"{name}-da-ky.pdf", PDF)
    return download(dossier_pdf(dossier), f"{name}-chua-ky.pdf", PDF)


@sensitive_post_parameters("passphrase")
@sensitive_variables("form")
@login_required
def dossier_sign(request, pk: int):
    dossier, _ = get_dossier_for_user(request, pk, "dossier.prepare")
    home = redirect("dossier_home", code=dossier.bloc_year.bloc.code, year=dossier.bloc_year.year)
    if dossier.is_sent:
        messages.info(request, "Hồ sơ đã được ký số và gửi về tỉnh.")
        return home
    form = DossierSignForm(*bound_data(request), reference=dossier.reference)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_sign_and_send(
                dossier=dossier,
                p12=form.cleaned_data["certificate"].read(),
                passphrase=form.cleaned_data["passphrase"].encode("utf-8"),
                by=request.user,
            )
        except (signing.SigningError, services.DossierRefused) as exc:
            form.add_error(None, str(exc))
        except StorageFailed as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã ký số Tờ trình số {dossier.reference} và gửi hồ sơ về tỉnh.")
            return home
    context = {"dossier": dossier, "bloc_year": dossier.bloc_year, "form": form}
    return render(request, "scoring/award_sign.html", context)


# ---------------------------------------------------------------- the province


@login_required
@require_GET
def dossiers_received(request):
    """Every dossier sent to the province, newest year first, with how many of its lines are decided."""
    get_province_admin(request)
    dossiers = (
        Dossier.objects.filter(sent_at__isnull=False)
        .select_related("bloc_year__bloc", "bloc_year__leader")
        .annotate(proposed=Count("lines"), decided=Count("lines", filter=Q(lines__granted__isnull=False)))
        .order_by("-bloc_year__year", "bloc_year__bloc__name")
    )
    return render(request, "scoring/award_received.html", {"dossiers": dossiers})


@login_required
def dossier_decide(request, pk: int):
    dossier, _ = get_dossier_for_user(request, pk, "province.admin")
    doc = dossier_document(dossier)
    lines = [line for line in [*doc.collectives, *doc.individuals] if line.granted is None]
    office = Agency.objects.filter(is_province_office=True).first()
    initial = {"issuer": f"UBND tỉnh {office.place}" if office else "UBND tỉnh"}
    form = DecisionForm(*bound_data(request)[:1], initial=initial, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.decisions_record(
                dossier=dossier,
                number=data["number"],
                issued_on=data["issued_on"],
                issuer=data["issuer"],
                outcomes=data["outcomes"],
                by=request.user,
            )
        except services.DossierRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Đã ghi Quyết định số {data['number']} cho {len(recorded)} dòng đề nghị."
            )
            return redirect("dossier_decide", pk=dossier.pk)
    context = {"dossier": dossier, "bloc_year": dossier.bloc_year, "doc": doc, "form": form}
    return render(request, "scoring/award_decide.html", context)


# ---------------------------------------------------------------- a member agency


@login_required
@require_GET
def agency_awards(request, code: str):
    """An agency's own lines in the dossiers sent to the province, and what the province decided on them."""
    agency, _ = get_agency_for_user(request, code)
    lines = (
        DossierLine.objects.filter(agency=agency, dossier__sent_at__isnull=False)
        .select_related("dossier__bloc_year__bloc", "dossier__bloc_year__leader", "agency", "document")
        .order_by("-dossier__bloc_year__year", "kind", "order")
    )
    return render(request, "scoring/award_agency.html", {"agency": agency, "lines": lines})
