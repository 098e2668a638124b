"""The province-scale parts of the benchmark (issue 15), each figure beside its bare anchor in the same run:

- ranking: `bloc_round` for 1,000 agencies beside reading the same score rows alone; on this run's database
  and, when it is SQLite and a PostgreSQL server answers at BENCH_POSTGRES_URL, on a throw-away PostgreSQL
  database too (a child process of this script, so both figures come out of one run);
- workbooks: the bloc workbook (15 and 1,000 agencies) and the sheet workbook, beside bare openpyxl writing
  the same cells in the same named styles (taken from our workbook before timing);
- commands: `manage.py export_sheet --format pdf` as a whole process beside a bare WeasyPrint script that
  renders the same HTML with the same stylesheet, both as subprocesses, in turns.

Imported by scripts/bench.py once Django is set up.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from scoring.exports import cells, pdf
from scoring.exports.bloc import bloc_workbook
from scoring.exports.sheet import sheet_document
from scoring.exports.xlsx import sheet_workbook
from scoring.models import Agency, Bloc, BlocMember, BlocYear, Rubric, Score, Sheet
from scoring.review.standings import bloc_round
from scoring.rubrics.services import criterion_specs, rubric_write_criteria
from scoring.rubrics.tree import RubricTree, rubric_tree

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def timed(action, runs: int = RUNS) -> tuple[float, int]:
    """Median milliseconds and the largest query count of `runs` calls."""
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
    return statistics.median(times) * 1000, max(queries)


def _paired(action, bare, runs: int) -> tuple[float, int, float]:
    """`action` and `bare` in turns: the median milliseconds of each, and the largest query count of
    `action`."""
    times, bare_times, queries = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        started = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, max(queries), statistics.median(bare_times) * 1000


def line(name: str, ms: float, queries, bare_name: str, bare_ms: float, bare_queries="") -> None:
    print(
        f"{name:<34}{ms:>10.0f} ms{str(queries):>6} tv   {bare_name:<28}{bare_ms:>9.0f} ms{str(bare_queries):>6} tv"
        f"   ×{ms / bare_ms:.2f}"
    )


def database_name() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


# ---------------------------------------------------------------- a bloc of many agencies


def accepted_bloc(source: Rubric, size: int) -> tuple[Rubric, BlocYear]:
    """A bloc of `size` agencies on a copy of the source rubric, every sheet accepted and scored."""
    found = Rubric.objects.filter(bloc__code=f"B{size}", year=2022).first()
    if found:
        return found, BlocYear.objects.get(bloc=found.bloc, year=2022)
    bloc_ = Bloc.objects.create(code=f"B{size}", name=f"Khối thử {size} đơn vị")
    rubric = Rubric.objects.create(bloc=bloc_, year=2022, title="Bảng tiêu chí thử tải", status="open")
    rubric_write_criteria(rubric=rubric, criteria=criterion_specs(rubric_tree(source)))
    bloc_year = BlocYear.objects.create(bloc=bloc_, year=2022)
    rtree = rubric_tree(rubric)
    agencies = Agency.objects.bulk_create(
        Agency(
            code=f"B{size}-{i}",
            name=f"Đơn vị thử {i:04d}",
            governing_body="UBND",
            header_name="X",
            symbol="X",
            place="Quảng Ngãi",
            head_title="Giám đốc",
        )
        for i in range(size)
    )
    BlocMember.objects.bulk_create(BlocMember(bloc_year=bloc_year, agency=a) for a in agencies)
    sheets = Sheet.objects.bulk_create(Sheet(rubric=rubric, agency=a, status="accepted") for a in agencies)
    Score.objects.bulk_create(bloc_scores(sheets, rtree), batch_size=5000)
    return rubric, bloc_year


def bloc_scores(sheets: list[Sheet], rtree: RubricTree) -> list[Score]:
    """Every leaf and every line with a bonus of its own scored, varying by agency; some revised in review."""
    scores = []
    for i, sheet in enumerate(sheets):
        for position, c in enumerate(rtree.criteria):
            node = rtree.tree.node(c.key)
            leaf = not rtree.tree.children[c.key]
            bonus = rtree.tree.own_bonus_max(node) or None
            if c.parent_id is None or not (leaf or bonus):
                continue
            points = c.max_points - (i + position) % 3 if leaf else None
            scores.append(
                Score(
                    sheet=sheet,
                    criterion=c,
                    points=points,
                    bonus=bonus,
                    reviewed_points=points - 1 if points and (i + position) % 7 == 0 else None,
                )
            )
    return scores


# ---------------------------------------------------------------- ranking


def ranking(source: Rubric) -> bool:
    """The ranking of 1,000 agencies beside the bare read of its score rows; False if over 200 ms."""
    rubric, bloc_year = accepted_bloc(source, 1000)
    rows = Score.objects.filter(sheet__rubric=rubric, sheet__status__in=Sheet.SEEN_BY_BLOC).values_list(
        "sheet_id", "criterion_id", "points", "bonus", "reviewed_points", "reviewed_bonus"
    )
    bloc_round(rubric, bloc_year)  # warm: the first read of a table pays for the database's cache
    ms, queries = timed(lambda: bloc_round(rubric, bloc_year))
    bare_ms, bare_queries = timed(lambda: list(rows.all()))
    line(
        f"Xếp hạng 1.000 đơn vị ({database_name()})",
        ms,
        queries,
        "chỉ đọc các dòng điểm",
        bare_ms,
        bare_queries,
    )
    within = ms <= 200
    if connection.vendor == "sqlite":
        within &= _ranking_on_postgres()
    return within


def _ranking_on_postgres() -> bool:
    """The same part in a child process on a throw-away PostgreSQL database, if a server answers."""
    import psycopg

    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"{server.rsplit('/', 1)[1] or 'vpub'}_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        print("(Không có PostgreSQL ở BENCH_POSTGRES_URL: bỏ qua phép đo trên PostgreSQL.)")
        return True
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = server.rsplit("/", 1)[0] + f"/{name}"
            env = {**os.environ, "BENCH_DATABASE_URL": url}
            done = subprocess.run(
                [PYTHON, str(ROOT / "scripts" / "bench.py"), "ranking"], env=env, check=False
            )
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return done.returncode == 0


# ---------------------------------------------------------------- workbooks


def _cells_of(wb: Workbook) -> list[tuple]:
    """What a bare writer needs to write the same workbook: per sheet, its cells with their style names,
    merges, column widths and row heights."""
    sheets = []
    for ws in wb.worksheets:
        written = [(c.row, c.column, c.value, c.style) for c in ws._cells.values()]
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        heights = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
        sheets.append((ws.title, written, [str(r) for r in ws.merged_cells.ranges], widths, heights))
    return sheets


def bare_workbook(sheets: list[tuple]) -> bytes:
    """Bare openpyxl: the same cells, values and named styles, no application code."""
    wb = Workbook()
    wb.remove(wb.active)
    for style in cells._styles():
        wb.add_named_style(style)
    for title, written, merges, widths, heights in sheets:
        ws = wb.create_sheet(title)
        for row, column, value, style in written:
            cell = ws.cell(row, column, value)
            if style != "Normal":
                cell.style = style
        for merged in merges:
            ws.merge_cells(merged)
        for key, width in widths.items():
            ws.column_dimensions[key].width = width
        for key, height in heights.items():
            ws.row_dimensions[key].height = height
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _saved(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbooks(source: Rubric) -> bool:
    """The bloc workbook (15 and 1,000 agencies) and the sheet workbook against bare openpyxl: ≤ 1.5×."""
    within = True
    for size in (15, 1000):
        rubric, bloc_year = accepted_bloc(source, size)
        state = bloc_round(rubric, bloc_year)
        runs = RUNS if size <= 50 else 1
        ms, queries = timed(lambda state=state: _saved(bloc_workbook(state)), runs)
        sheets = _cells_of(bloc_workbook(state))
        bare_ms, _ = timed(lambda sheets=sheets: bare_workbook(sheets), runs)
        line(
            f"Excel của khối, {size:,} đơn vị".replace(",", ".").replace("khối.", "khối,"),
            ms,
            queries,
            "openpyxl trần, cùng ô",
            bare_ms,
        )
        within &= ms <= 1.5 * bare_ms
    sheet = Sheet.objects.select_related("rubric", "agency").get(agency__code="VP")
    sheets = _cells_of(sheet_workbook(sheet_document(sheet)))
    # ~15 ms each: five times the runs, in turns, so that a burst of other work on the machine falls on both
    ms, queries, bare_ms = _paired(
        lambda: _saved(sheet_workbook(sheet_document(sheet))), lambda: bare_workbook(sheets), 5 * RUNS
    )
    line("Excel bảng chấm điểm (VP)", ms, queries, "openpyxl trần, cùng ô", bare_ms)
    return within and ms <= 1.5 * bare_ms


# ---------------------------------------------------------------- commands

BARE_WEASYPRINT = """import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, css, base, out = sys.argv[1:]
config = FontConfiguration()
sheet = CSS(filename=css, base_url=base, font_config=config)
HTML(filename=html, base_url=base).write_pdf(out, stylesheets=[sheet], font_config=config)
"""


def commands() -> bool:
    """`export_sheet --format pdf` as a process against a bare WeasyPrint process on the same HTML: ≤ 1.3×."""
    sheet = Sheet.objects.select_related("rubric", "agency").get(agency__code="VP")
    work = Path(tempfile.mkdtemp(prefix="vpub-bench-cmd-"))
    (work / "sheet.html").write_text(pdf.sheet_html(sheet), encoding="utf-8")
    (work / "sheet.css").write_text(
        pdf.font_css() + pdf.CSS_FILE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (work / "bare.py").write_text(BARE_WEASYPRINT, encoding="utf-8")
    base = pdf.FONT_DIR.as_uri() + "/"
    command = [PYTHON, str(ROOT / "manage.py"), "export_sheet", "--agency", "VP", "--year", "2022"]
    command += ["--format", "pdf", "-o", str(work / "app.pdf")]
    bare = [PYTHON, str(work / "bare.py"), str(work / "sheet.html"), str(work / "sheet.css"), base]
    bare.append(str(work / "bare.pdf"))
    # As deployed: every module read from its bytecode, written once (here in a throw-away folder) even where
    # PYTHONDONTWRITEBYTECODE is set. With it set and nowhere to write, the app's process compiled each of
    # its ~40 project modules from source on every run, which the bare script, whose modules all come
    # from site-packages with their bytecode, never does; that figure is printed too, without the target.
    deployed = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    deployed["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    ms, bare_ms = _in_turns(command, bare, deployed)
    line("export_sheet --format pdf (tiến trình)", ms, "", "WeasyPrint trần (tiến trình)", bare_ms)
    compiled_ms, compiled_bare_ms = _in_turns(command, bare, {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    line(
        "  không ghi bytecode (dịch lại mã)",
        compiled_ms,
        "",
        "WeasyPrint trần (tiến trình)",
        compiled_bare_ms,
    )
    return ms <= 1.3 * bare_ms


def _in_turns(command: list[str], bare: list[str], env: dict) -> tuple[float, float]:
    """Median milliseconds of each process, run in turns so that both see the same load of the machine;
    one untimed run of each first (it writes the bytecode where that is allowed)."""
    app_times, bare_times = [], []
    for run in range(RUNS + 1):
        for argv, times in ((command, app_times), (bare, bare_times)):
            started = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
            if run:
                times.append(time.perf_counter() - started)
    return statistics.median(app_times) * 1000, statistics.median(bare_times) * 1000
