"""The bloc's side: the board, reviewing a sheet, the ranking, the year-end tables, closing the round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..accounts.access import (
    bound_data,
    get_bloc_year,
    get_export_job,
    get_sheet_for_reviewer,
    may_review,
    prepares_dossier,
    sees_board,
)
from ..evidence.matching import agency_register, linked_html
from ..jobs import exports
from ..models import ExportJob, RoundEvent, Rubric
from ..rubrics.rounds import rounds_of
from ..rubrics.services import RoundClosed
from ..rubrics.tree import rubric_tree
from ..sheets import bases, protocol
from ..sheets.inputs import criterion_cells, form_input, form_inputs
from ..sheets.queries import STALE_COMMENT, rating_maps, sheet_view, stale_comments
from ..sheets.services import SheetConflict, SheetLocked, changes_between, describe_changes
from . import desk, jobs, services
from .charts import totals_chart
from .forms import ReviewForm
from .standings import bloc_round

JOBS_SHOWN = 10  # the board lists the latest export jobs


@login_required
@require_GET
def bloc_board(request, code: str, year: int, round: str = Rubric.Round.YEAR_END):
    bloc_year, rubric, roles = get_bloc_year(request, code, year, round=round)
    exports.expire_lost_jobs()
    state = bloc_round(rubric, bloc_year)
    rows = [
        {"member": m, "reviewable": bool(m.sheet and may_review(roles, m.sheet, bloc_year))}
        for m in state.members
    ]
    return render(
        request,
        "scoring/bloc_board.html",
        {
            "state": state,
            "rubric": rubric,
            "bloc_year": bloc_year,
            "rows": rows,
            "chart": totals_chart(state.members),
            "is_admin": roles.province_admin,
            "events": rubric.round_events.select_related("by"),
            "jobs": ExportJob.objects.for_bloc_year(bloc_year, rubric.round)[:JOBS_SHOWN],
            "round_tabs": rounds_of(bloc_year.bloc_id, year),  # the year's rounds as tabs
        },
    )


@login_required
def sheet_review(request, pk: int):
    sheet, bloc_year, _ = get_sheet_for_reviewer(request, pk)
    rtree = rubric_tree(sheet.rubric)
    view = sheet_view(sheet, rtree)
    data, _files = bound_data(request)
    ratings = rating_maps(view)
    initial = ReviewForm.initial_from(rtree, sheet.version, view.scores, ratings)
    form = ReviewForm(data, rtree=rtree, scores=view.scores, ratings=ratings, initial=initial)
    notice = {}
    if request.method == "POST":
        notice, response = _post_review(request, sheet, bloc_year, form)
        if response:
            return response
        if notice.get("conflicts") or notice.get("changed"):
            # What is stored now, but what they typed in the conflicting boxes (and the reason).
            view = sheet_view(sheet, rtree)
            ratings = rating_maps(view)
            stored = bases.form_values(ReviewForm.initial_from(rtree, sheet.version, view.scores, ratings))
            names = [c["name"] for c in notice.get("conflicts", [])]
            kept = protocol.kept_data(request.POST, stored, names, sheet.version, keep=("reason",))
            form = ReviewForm(kept, rtree=rtree, scores=view.scores, ratings=ratings)
            form.is_valid()
    transitions = list(sheet.transitions.select_related("by"))
    files: dict[int, str] = {}  # filled from the desk: a written citation links to the file the sheet cites
    citing = agency_register(sheet.agency, href=lambda d: files.get(d.pk, ""))
    evidence = desk.evidence_desk(view, transitions, citing)
    files |= _cited_files(evidence)
    return render(
        request,
        "scoring/sheet_review.html",
        {
            "sheet": sheet,
            "bloc_year": bloc_year,
            "form": form,
            "rows": _desk_rows(_rows(form, view, stale_comments([view])[sheet.pk]), evidence, citing),
            "reason": form_input(form, "reason"),
            "view": view,
            "reviewed_total": evidence.reviewed_total if evidence.reviewed else None,
            "stale_comment": STALE_COMMENT,
            "conflicts": notice.get("conflicts", []),
            "changed": notice.get("changed", []),
            "stale": notice.get("stale", []),
            "action": request.POST.get("action", "save"),
            "transitions": transitions,
            "desk": evidence,
            "own_values": desk.own_values(form, view),
            "rating_groups": desk.rating_groups(view, ratings),
        },
    )


def _cited_files(evidence: desk.Desk) -> dict[int, str]:
    """The review page links a citation written in an explanation to the file the sheet cites, as it was
    submitted (the register's own pages are the agency's); a document the sheet does not cite stays text."""
    return {e["document"]: e["url"] for entries in evidence.documents.values() for e in entries if e["url"]}


def _desk_rows(rows: list[dict], evidence: desk.Desk, citing) -> list[dict]:
    """The evidence desk's part of each row: the explanation with its written citations linked, the
    documents cited there, and the filters it matches."""
    for row in rows:
        row["explained"] = linked_html(row.pop("explanation"), citing)
        row["documents"] = evidence.documents.get(row["key"], [])
        row["flags"] = " ".join(sorted(evidence.flags.get(row["key"], ())))
    return rows


def _rows(form: ReviewForm, view, stale: set[str]) -> list[dict]:
    """The page's rows as plain values (sheets/inputs.py), for one template loop; `stale`, the criteria
    whose comment predates the agency's last change of them."""
    rows = []
    for row in form.rows:
        criterion, score = row["criterion"], row["score"]
        total = view.totals[criterion.key]
        rows.append(
            criterion_cells(criterion, total)
            | {
                "has_bonus": bool(total.bonus),
                "provisional": bool(score and score.provisional),
                "explanation": score.explanation if score else "",
                "fields": form_inputs(form, row["names"]),
                "comment_stale": criterion.key in stale,
            }
        )
    return rows


def _post_review(request, sheet, bloc_year, form: ReviewForm):
    """(notice, response): the response when the post is dealt with (a redirect); otherwise None, and what
    to tell: `conflicts` (boxes not saved), `changed` (others' changes that stopped a return or an
    acceptance) or `stale` (a post without its base, from an older page: nothing saved)."""
    if sheet.status != sheet.Status.SUBMITTED:
        return {}, _not_submitted(request, sheet)
    action = request.POST.get("action", "save")
    if action == "return" and not request.POST.get("reason", "").strip():
        form.add_error("reason", "Nhập lý do trả lại để đơn vị biết cần sửa gì.")
    if not form.is_valid():
        messages.error(request, "Chưa lưu: có ô cần sửa (tô đỏ bên dưới).")
        return {}, None
    try:
        return _review(request, sheet, bloc_year, form, action)
    except SheetConflict as exc:
        return {"stale": describe_changes(exc.changes)}, None
    except SheetLocked:  # returned or accepted by someone else while this request ran
        return {}, _not_submitted(request, sheet)
    except RoundClosed:
        messages.error(request, f"{sheet.rubric.closed_phrase}: không thay đổi được.")
        return {}, redirect("sheet_review", pk=sheet.pk)


def _not_submitted(request, sheet):
    messages.error(
        request,
        f"Chưa lưu: bảng chấm điểm đang ở trạng thái “{sheet.get_status_display()}”"
        " (đã có người trả lại hoặc duyệt) nên không thẩm định được nữa.",
    )
    return redirect("sheet_review", pk=sheet.pk)


def _review(request, sheet, bloc_year, form: ReviewForm, action: str):
    """Save the reviewed numbers, then return or accept the sheet as asked: (notice, where to go next).

    Returning or accepting needs the reviewer to have seen the sheet as it is: if somebody changed it since
    their page, their own boxes are saved and they are shown what changed before they decide again."""
    base_version = form.cleaned_data["version"]
    result = services.review_save(
        sheet=sheet, base_version=base_version, values=form.values(), bases=form.bases(), by=request.user
    )
    if result.conflicts:
        return {"conflicts": protocol.conflict_entries(result.conflicts, form.rtree)}, None
    if action not in ("return", "accept"):
        messages.success(request, "Đã lưu điểm thẩm định.")
        return {}, redirect("sheet_review", pk=sheet.pk)
    if not result.seen_latest:
        return {"changed": describe_changes(changes_between(sheet, base_version, result.found_version))}, None
    if action == "return":
        reason = form.cleaned_data["reason"].strip()
        services.sheet_return(sheet=sheet, base_version=result.version, reason=reason, by=request.user)
        messages.success(request, f"Đã trả lại bảng chấm điểm cho {sheet.agency.name}.")
    else:
        services.sheet_accept(sheet=sheet, base_version=result.version, by=request.user)
        messages.success(request, f"Đã duyệt bảng chấm điểm của {sheet.agency.name}.")
    return {}, redirect(reverse("bloc_board", args=sheet.rubric.round_args))  # the sheet's round's board


@login_required
@require_GET
def bloc_ranking(request, code: str, year: int, round: str = Rubric.Round.YEAR_END):
    bloc_year, rubric, roles = get_bloc_year(request, code, year, round=round, members_once_closed=True)
    state = bloc_round(rubric, bloc_year)
    return render(
        request,
        "scoring/bloc_ranking.html",
        # members see the ranking once the year is closed, but not the board where the tables are made
        {
            "state": state,
            "rubric": rubric,
            "bloc_year": bloc_year,
            "follows": sees_board(roles, bloc_year),
            "dossier": prepares_dossier(roles, bloc_year) and rubric.round_kind.proposes_awards,
        },
    )


@login_required
@require_GET
def bloc_export_moved(request, code: str, year: int, fmt: str):
    """The old address of the bloc's tables, built inside the request: a bookmark of it lands on the board's
    export section, where the same file is one button away. A GET starts no job (a prefetch, a crawler or
    another site's <img> must not set the worker building tables); the user's click does, by POST."""
    get_bloc_year(request, code, year)
    button = "Tạo bảng tổng hợp (Excel)" if fmt == "xlsx" else "Tạo bảng tổng hợp (PDF)"
    messages.info(
        request,
        f"Bảng tổng hợp nay được tạo ở chế độ nền: bấm “{button}” dưới đây; khi tệp xong, nút “Tải tệp” hiện "
        "ngay trong danh sách.",
    )
    return redirect(reverse("bloc_board", args=[code, year]) + "#tep-xuat")


@login_required
@require_POST
def export_job_start(request, code: str, year: int, fmt: str, round: str = Rubric.Round.YEAR_END):
    bloc_year, rubric, _ = get_bloc_year(request, code, year, round=round)
    job = jobs.export_job_start(bloc_year=bloc_year, kind=fmt, by=request.user, round=rubric.round)
    messages.success(
        request,
        f"Đã nhận yêu cầu tạo {job.get_kind_display().lower()}: khi tệp xong, nút “Tải tệp” hiện ở mục Tệp xuất.",
    )
    return redirect(reverse("bloc_board", args=rubric.round_args) + "#tep-xuat")


@login_required
@require_GET
def export_job_status(request, code: str, year: int, pk: int):
    """What the board's script polls until the job is done or failed."""
    exports.expire_lost_jobs()
    job = get_export_job(request, code, year, pk)
    return JsonResponse(exports.job_state(job, reverse("export_job_file", args=[code, year, job.pk])))


@login_required
@require_GET
def export_job_file(request, code: str, year: int, pk: int):
    job = get_export_job(request, code, year, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    return exports.job_file(job)


@login_required
@require_POST
def round_action(request, code: str, year: int, action: str, round: str = Rubric.Round.YEAR_END):
    bloc_year, rubric, roles = get_bloc_year(request, code, year, round=round)
    if not roles.province_admin:  # only the province's administrators close and reopen a round
        raise Http404
    board = reverse("bloc_board", args=rubric.round_args)
    what = rubric.round_kind.of_year
    reason = request.POST.get("reason", "").strip()
    if action == RoundEvent.Action.CLOSE:
        services.round_close(rubric=rubric, by=request.user, reason=reason)
        messages.success(request, f"Đã khóa sổ {what} {year}: bảng xếp hạng mở cho các thành viên.")
    else:
        if not reason:
            messages.error(request, f"Nhập lý do mở lại {what} {year}.")
            return redirect(board)
        services.round_reopen(rubric=rubric, by=request.user, reason=reason)
        messages.success(request, f"Đã mở lại {what} {year}.")
    return redirect(board)
