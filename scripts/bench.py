"""Benchmarks: the scoring and review pages beside a bare view of the same rows (scripts/bench_pages.py), a
full save, the documents, the bloc's tables; on the 2022 rubric and on one ten times its size.

    bash scripts/bench.sh [pages|saves|documents|bloc|ranking|workbooks|commands ...]
    (or: .venv/bin/python scripts/bench.py …; the last three are in scripts/bench_scale.py)

Prints the median time and the SQL query count of each; the query counts must not grow with the rubric.
Runs on a throw-away SQLite file unless BENCH_DATABASE_URL names another database (it is migrated and
filled, so never point it at real data).
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="vpub-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["MEDIA_ROOT"] = workdir
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench_bare"  # the app's URLs and the bare views beside its pages

import bench_pages  # noqa: E402  (scripts/: the bare views and the pages' measurements)
import bench_scale  # noqa: E402  (scripts/: ranking, workbooks and commands beside their bare anchors)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from scoring.exports.bloc import bloc_pdf, bloc_xlsx  # noqa: E402
from scoring.models import BlocMember, BlocYear, Membership, Rubric, Sheet  # noqa: E402
from scoring.review.standings import bloc_round  # noqa: E402
from scoring.rubrics.tree import rubric_tree  # noqa: E402
from scoring.sheets import bases  # noqa: E402
from scoring.sheets.forms import SheetForm  # noqa: E402
from scoring.sheets.services import sheet_for  # noqa: E402
from tests.factories import edit_data, make_agency, make_tenfold_rubric  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def setup() -> list[tuple[str, Sheet]]:
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    source = Rubric.objects.get(bloc__code="TMTH", year=2022)
    big = make_tenfold_rubric(source)
    agency = make_agency("BENCH", "Đơn vị thử tải")
    BlocMember.objects.create(bloc_year=BlocYear.objects.get(bloc=big.bloc, year=2022), agency=agency)
    editor = get_user_model().objects.get(username="vp.bientap")
    Membership.objects.create(user=editor, agency=agency, role="editor")
    return [
        ("Bảng tiêu chí 2022", Sheet.objects.get(agency__code="VP")),
        ("Sinh tự động ×10", sheet_for(rubric=big, agency=agency)),
    ]


def filled(sheet: Sheet, run: int) -> dict:
    """Every manual criterion changed on every run, so each save writes the whole sheet."""
    data = edit_data(sheet)
    rtree = rubric_tree(sheet.rubric)
    typed = SheetForm(rtree=rtree, documents=[]).fields  # the criteria whose points are typed in a box
    for c in rtree.criteria:
        if f"p-{c.pk}" in typed:
            data[f"p-{c.pk}"] = str(c.max_points - Decimal(run % 2 + 1)).replace(".00", "")
            data[f"e-{c.pk}"] = f"Giải trình lần {run}"
    return data


def measure(action) -> tuple[float, int]:
    times, queries = [], []
    for run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action(run)
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
    return statistics.median(times) * 1000, max(queries)


def main() -> None:
    """Every part, or those named on the command line: pages, saves, documents, bloc, ranking, workbooks,
    commands."""
    parts = set(sys.argv[1:]) or {"pages", "saves", "documents", "bloc", "ranking", "workbooks", "commands"}
    sheets = setup()
    flat = True
    if "pages" in parts:
        flat &= bench_pages.pages(Rubric.objects.get(bloc__code="TMTH", year=2022), sheets[1][1].rubric)
        print()
    if "saves" in parts:
        flat &= saves(sheets)
        print()
    if "documents" in parts:
        documents(sheets[0][1])
        print()
    if "bloc" in parts:
        flat &= bloc(Rubric.objects.get(bloc__code="TMTH", year=2022))
        print()
    source = Rubric.objects.get(bloc__code="TMTH", year=2022)
    for name, part in (("ranking", bench_scale.ranking), ("workbooks", bench_scale.workbooks)):
        if name in parts:
            flat &= part(source)
    if "commands" in parts:
        flat &= bench_scale.commands()
    sys.exit(0 if flat else 1)


def saves(sheets: list[tuple[str, Sheet]]) -> bool:
    """A post of every score of the sheet, each run changing all of them; False if the query count grows."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="vp.bientap"))
    rows = []
    for name, sheet in sheets:
        url = reverse("sheet_edit", args=[sheet.pk])
        posts = [filled(sheet, run) for run in range(RUNS)]
        for before, post in zip(posts, posts[1:], strict=False):  # each save starts from the one before it
            post["base"] = bases.encode({k: v for k, v in before.items() if k not in ("version", "base")})

        def save(run, url=url, sheet=sheet, posts=posts):
            sheet.refresh_from_db()
            data = {**posts[run], "version": sheet.version}
            response = client.post(url, data)
            assert response.status_code == 302, response.content[:500]

        save_ms, save_q = measure(save)
        rows.append((name, sheet.rubric.criteria.count(), save_ms, save_q))
    print(f"{'Bảng tiêu chí':<22}{'tiêu chí':>9}{'lưu hết (ms)':>14}{'truy vấn':>10}")
    for name, criteria, save_ms, save_q in rows:
        print(f"{name:<22}{criteria:>9}{save_ms:>14.0f}{save_q:>10}")
    same = rows[0][3] == rows[1][3]
    print(f"Số truy vấn {'không' if same else 'CÓ'} tăng theo số tiêu chí (trung vị của {RUNS} lần đo).")
    return same


def documents(sheet: Sheet) -> None:
    """The documents' time next to a bare WeasyPrint render of the same HTML: the ratio is our overhead."""
    from scoring.exports import pdf, sheet_xlsx
    from scoring.reports.services import report_for

    report = report_for(sheet=sheet)
    pdf.sheet_pdf(sheet)  # warm the fonts and the stylesheet once, as a running server has them
    cases = [
        ("Bảng chấm điểm (PDF)", lambda: pdf.sheet_pdf(sheet), lambda: pdf.sheet_html(sheet)),
        ("Báo cáo + bảng (PDF)", lambda: pdf.report_pdf(report), lambda: pdf.report_html(report)),
    ]
    print(
        f"{'Tài liệu':<24}{'app (ms)':>10}{'WeasyPrint trần (ms)':>22}{'dựng HTML (ms)':>16}{'chi phí thêm':>14}"
    )
    for name, make, build in cases:
        html = build()
        app, bare, own = [], [], []
        for _run in range(RUNS):  # interleaved, so that each sees the same state of the process
            started = time.perf_counter()
            make()
            app.append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf.render(html).write_pdf()
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            build()
            own.append(time.perf_counter() - started)
        app_ms, bare_ms, own_ms = (statistics.median(x) * 1000 for x in (app, bare, own))
        # Our overhead is what the app does besides WeasyPrint: reading the data and building the HTML.
        # (Whole-document timings on a 2-core machine wander by ±15 %, more than that overhead.)
        print(f"{name:<24}{app_ms:>10.0f}{bare_ms:>22.0f}{own_ms:>16.0f}{own_ms / bare_ms * 100:>13.1f}%")
    xlsx_ms, xlsx_q = measure(lambda run: sheet_xlsx(sheet))
    print(f"{'Bảng chấm điểm (Excel)':<24}{xlsx_ms:>10.0f}{'':>22}{'':>14}  ({xlsx_q} truy vấn)")


def bloc(source: Rubric) -> bool:
    """The ranking and the bloc's tables for 15 agencies and for 1,000, all on the 2022 rubric."""
    sizes = [int(n) for n in os.environ.get("BENCH_AGENCIES", "15,1000").split(",")]
    print(
        f"{'Khối':<22}{'xếp hạng (ms)':>15}{'truy vấn':>10}{'Excel (ms)':>12}{'truy vấn':>10}{'PDF (ms)':>10}"
    )
    counts = []
    for size in sizes:
        rubric, bloc_year = bench_scale.accepted_bloc(source, size)
        ranking_ms, ranking_q, xlsx_ms, xlsx_q, pdf_ms = bloc_timings(rubric, bloc_year, pdf=size <= 50)
        counts.append(ranking_q)
        name = rubric.bloc.name
        print(f"{name:<22}{ranking_ms:>15.0f}{ranking_q:>10}{xlsx_ms:>12.0f}{xlsx_q:>10}{pdf_ms:>10}")
    flat = len(set(counts)) == 1
    print(f"Số truy vấn của bảng xếp hạng {'không' if flat else 'CÓ'} tăng theo số đơn vị.")
    return flat


def bloc_timings(rubric: Rubric, bloc_year: BlocYear, *, pdf: bool) -> tuple[float, int, float, int, str]:
    """The ranking's median time and query count, then one Excel and (if `pdf`) one PDF of the tables."""
    ranking_ms, ranking_q = measure(lambda run: bloc_round(rubric, bloc_year))
    state = bloc_round(rubric, bloc_year)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        bloc_xlsx(state)
        xlsx_ms = (time.perf_counter() - started) * 1000
    pdf_ms = ""
    if pdf:
        started = time.perf_counter()
        bloc_pdf(state)
        pdf_ms = f"{(time.perf_counter() - started) * 1000:.0f}"
    return ranking_ms, ranking_q, xlsx_ms, len(captured), pdf_ms


if __name__ == "__main__":
    main()
