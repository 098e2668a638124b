"""The scoring and review pages' GET, each beside the bare view of the same rows and inputs
(scripts/bench_bare.py), on the 2022 rubric, on one ten times larger, with 0 and 50 register documents.
Imported by scripts/bench.py once Django is set up.
"""

import os
import statistics
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import Agency, BlocMember, BlocYear, Citation, Document, Membership, Score, Sheet
from scoring.rubrics.rules import rule_of
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.services import ScoreInput, scores_import, sheet_for, sheet_submit
from tests.factories import make_agency

PAGE_RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "31"))


def timed(client, url: str) -> tuple[float, int, bytes]:
    connection.queries_log.clear()  # the log keeps 9,000 queries: a full one miscounts
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(captured), response.content


def compare(client, app_url: str, bare_url: str, runs: int) -> dict:
    """Median time and query count of the page and of the bare view, measured in turns (so that both see
    the same state of a machine shared with other work), after one warming request each."""
    timed(client, app_url), timed(client, bare_url)
    app, bare, app_q, bare_q = [], [], 0, 0
    for _run in range(runs):
        elapsed, app_q, app_html = timed(client, app_url)
        app.append(elapsed)
        elapsed, bare_q, bare_html = timed(client, bare_url)
        bare.append(elapsed)
    return {
        "app": statistics.median(app) * 1000,
        "app_q": app_q,
        "bare": statistics.median(bare) * 1000,
        "bare_q": bare_q,
        "inputs": (app_html.count(b' name="'), bare_html.count(b' name="')),
    }


def page_urls(kind: str, sheet: Sheet) -> tuple[str, str]:
    app = reverse("sheet_edit" if kind == "scoring" else "sheet_review", args=[sheet.pk])
    return app, reverse("bare_scoring" if kind == "scoring" else "bare_review", args=[sheet.pk])


# ---------------------------------------------------------------- the sheets measured


def scored_sheet(rubric, code: str, *, documents: int = 0, submitted: bool = False) -> Sheet:
    """A member of the rubric's bloc with every criterion scored as the demo scores the other members, and
    `documents` register entries, each criterion citing two of them."""
    agency = make_agency(code, f"Đơn vị thử {code}")
    BlocMember.objects.create(
        bloc_year=BlocYear.objects.get(bloc=rubric.bloc, year=rubric.year), agency=agency
    )
    Membership.objects.create(
        user=get_user_model().objects.get(username="vp.bientap"), agency=agency, role=Membership.Role.EDITOR
    )
    rtree = rubric_tree(rubric)
    values = {}
    for position, criterion in enumerate(rtree.criteria):
        if criterion.parent_id is None:
            continue
        value = ScoreInput(explanation=f"Thực hiện theo kế hoạch năm {rubric.year} của {agency.name}.")
        own_bonus = rtree.tree.own_bonus_max(rtree.tree.node(criterion.key))
        value.bonus = own_bonus or None
        if rtree.tree.is_leaf(criterion.key):
            rule_of(criterion).sample(criterion, value, 1, position)
        values[criterion.key] = value
    sheet = sheet_for(rubric=rubric, agency=agency)
    scores_import(sheet=sheet, values=values)
    made = Document.objects.bulk_create(
        Document(
            agency=agency,
            kind=Document.Kind.KE_HOACH,
            number=f"{n + 1}/KH-{code}",
            issued_on=date(rubric.year, 1 + n % 12, 1 + n % 28),
            subject=f"Kế hoạch thực hiện nhiệm vụ số {n + 1} năm {rubric.year} của {agency.name}",
        )
        for n in range(documents)
    )
    if made:
        Citation.objects.bulk_create(
            Citation(score=score, document=made[(i + k) % len(made)])
            for i, score in enumerate(Score.objects.filter(sheet=sheet))
            for k in range(2)
        )
    sheet.refresh_from_db()
    if submitted:
        sheet_submit(sheet=sheet, base_version=sheet.version, by=None)
    return sheet


def pages(source, big) -> bool:
    """Measure both pages on the demo sheets, on sheets scored alike with 0 and 50 register documents, and
    on the rubric ten times larger; print the figures beside the targets. False when a query count grows."""
    User = get_user_model()
    editor, reviewer = Client(), Client()
    editor.force_login(User.objects.get(username="vp.bientap"))
    reviewer.force_login(User.objects.get(username="ttr.chamdiem"))
    BlocYear.objects.filter(bloc=big.bloc, year=big.year).update(leader=Agency.objects.get(code="TTR"))
    flat, verdicts = True, []
    for kind, client, demo_code in (("scoring", editor, "VP"), ("review", reviewer, "STC")):
        review = kind == "review"
        sheets = [
            ("2022, dữ liệu mẫu", Sheet.objects.get(rubric=source, agency__code=demo_code)),
            ("2022, sổ 0 tài liệu", scored_sheet(source, f"{kind}-0", submitted=review)),
            ("2022, sổ 50 tài liệu", scored_sheet(source, f"{kind}-50", documents=50, submitted=review)),
            ("×10, sổ 0 tài liệu", scored_sheet(big, f"{kind}-x10", submitted=review)),
        ]
        print(
            f"Trang {'thẩm định' if review else 'chấm điểm'} (GET; trung vị của {PAGE_RUNS} lần, xen kẽ với trang trần)"
        )
        print(
            f"{'':<22}{'tiêu chí':>9}{'app (ms)':>10}{'truy vấn':>10}{'trần (ms)':>11}{'truy vấn':>10}"
            f"{'tỉ lệ':>7}{'ô nhập app/trần':>17}"
        )
        results = []
        for name, sheet in sheets:
            r = compare(client, *page_urls(kind, sheet), PAGE_RUNS)
            r["criteria"] = sheet.rubric.criteria.count()
            results.append(r)
            print(
                f"{name:<22}{r['criteria']:>9}{r['app']:>10.1f}{r['app_q']:>10}{r['bare']:>11.1f}{r['bare_q']:>10}"
                f"{r['app'] / r['bare']:>7.2f}{'{}/{}'.format(*r['inputs']):>17}"
            )
        demo, none, fifty, large = results
        more = large["criteria"] - none["criteria"]
        per, per_bare = (large["app"] - none["app"]) / more, (large["bare"] - none["bare"]) / more
        extra = fifty["app"] - none["app"]
        print(
            f"Mỗi tiêu chí thêm: app {per:.3f} ms, trần {per_bare:.3f} ms. 50 tài liệu thêm: {extra:+.1f} ms."
        )
        print()
        same = len({r["app_q"] for r in results}) == 1
        flat &= same
        verdicts += [
            (f"{kind} 2022 ≤ 25 ms", demo["app"] <= 25),
            (f"{kind} 2022 ≤ 1,5 × trần", demo["app"] <= 1.5 * demo["bare"]),
            (f"{kind} ≤ 0,5 ms mỗi tiêu chí thêm", per <= 0.5),
            (f"{kind} 50 tài liệu ≤ +5 ms", extra <= 5),
            (f"{kind} số truy vấn không đổi", same),
        ]
    print("Mục tiêu:")
    for what, ok in verdicts:
        print(f"  {what}: {'đạt' if ok else 'CHƯA ĐẠT'}")
    return flat
