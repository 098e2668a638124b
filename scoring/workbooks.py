"""Reading rubric and sheet tables out of the Excel workbooks blocs already keep.

The layout is the seed's: title rows, then a header row `TT | Tiêu chí | Điểm chuẩn | Điểm thưởng`
(a filled sheet adds `Điểm tự chấm | Điểm thưởng tự chấm | Giải trình/ tài liệu kiểm chứng`), then
"Nội dung …"/"Phần …" section rows, criteria numbered afresh in each section, rows that continue the
text of the row above, and a TỔNG CỘNG row. Nothing here touches the database.
"""

# openpyxl is imported inside the functions that read a workbook: the rubric rules import this module for
# its wording helpers (optional_components), and every process that loads the models, a PDF export's
# included, would otherwise pay ~80 ms to import openpyxl.

import bisect
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .notation import NumberError, parse_given_points, parse_points, parse_points_list

HEADER_SCAN_ROWS = 40
# Bounds on what is read, whatever size the file claims (its <dimension>, or one cell at XFD1048576): a
# rubric or sheet is some 100 rows of a few columns.
MAX_COLUMNS = 50  # nothing right of this column is read
MAX_ROWS = 5_000  # a longer table is refused
END_GAP = 500  # this many empty rows one after another end the table
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the seed workbook unpacks to 49 KB
NAMED_CELLS = 20  # an error names at most this many cells
MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]{1,40})"')
CHUNK = 1024 * 1024

COLUMN_LABELS = {
    "tt": ("tt", "stt", "số tt", "số thứ tự"),
    "text": ("tiêu chí", "nội dung tiêu chí", "nội dung"),
    "max": ("điểm chuẩn",),
    "bonus": ("điểm thưởng",),
    "self": ("điểm tự chấm",),
    "self_bonus": ("điểm thưởng tự chấm",),
    "explanation": ("giải trình", "tài liệu kiểm chứng"),
}
# Labels that only need to begin the header cell ("TIÊU CHÍ ĐÁNH GIÁ THI ĐUA NĂM 2022").
PREFIX_COLUMNS = {"text", "explanation"}

RUBRIC_COLUMNS = ("tt", "text", "max", "bonus")
SHEET_COLUMNS = ("tt", "text", "self", "self_bonus")

SECTION = re.compile(r"^\s*((?:nội dung|phần)\s+(?:\d+|[ivxlcdm]+))\b\s*[:.\-–]?", re.IGNORECASE)
ROMAN = re.compile(r"^[IVXLCDM]+$")
CODE = re.compile(r"^\d+(\.\d+)*$")
TOTAL = re.compile(r"^\s*tổng\s*(cộng)?\s*$")
OPTION = re.compile(r"(?P<label>[^()]*?)\s*\(\s*(?P<points>\d+(?:[.,]\d+)?)\s*điểm\s*\)", re.IGNORECASE)
QUOTED = re.compile(r"[“\"](?P<inner>[^”\"]+)[”\"]")
HTML_TAG = re.compile(r"<[^>]+>")


class WorkbookError(Exception):
    """A workbook that cannot be read; `problems` name the sheet, row and column of each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def normalize(text) -> str:
    text = unicodedata.normalize("NFC", str(text or ""))
    return re.sub(r"\s+", " ", text).strip().lower()


def clean_text(value) -> str:
    """A cell's text as a person reads it: HTML remnants dropped, runs of spaces folded."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = HTML_TAG.sub(" ", text)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def join_continued(first: str, more: str) -> str:
    """A continuation row carries on the text above: a new line for a new bullet, else a space."""
    if not first or not more:
        return first or more
    return f"{first}\n{more}" if more[:1] in "-–•+" else f"{first} {more}"


@dataclass
class Place:
    sheet: str
    row: int

    def cell(self, column: int | None = None) -> str:
        where = f"trang tính “{self.sheet}”, dòng {self.row}"
        from openpyxl.utils import get_column_letter

        return f"{where}, cột {get_column_letter(column)}" if column else where


@dataclass
class Row:
    """One row of the table, classified."""

    kind: str  # "section" | "criterion" | "continuation" | "total"
    place: Place
    code: str = ""
    text: str = ""
    cells: dict[str, object] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)

    def number(self, column: str, problems: list[str]) -> Decimal | None:
        try:
            return parse_points(self.cells.get(column))
        except NumberError as exc:
            problems.append(f"{self.place.cell(self.columns[column])}: {exc}")
            return None

    def numbers(self, column: str, problems: list[str]) -> list[Decimal]:
        try:
            return parse_points_list(self.cells.get(column))
        except NumberError as exc:
            problems.append(f"{self.place.cell(self.columns[column])}: {exc}")
            return []


@dataclass
class Table:
    sheet: str
    header_row: int
    title_lines: list[str]
    rows: list[Row]


def _match_column(label: str) -> str | None:
    for key, names in COLUMN_LABELS.items():
        if key in PREFIX_COLUMNS:
            if any(label == n or label.startswith(n + " ") or label.startswith(n + "/") for n in names):
                return key
        elif label in names:
            return key
    return None


def _header(ws, required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    rows = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True)
    for number, row in enumerate(rows, start=1):
        columns: dict[str, int] = {}
        for column, value in enumerate(row, start=1):
            key = _match_column(normalize(value))
            if key and key not in columns:
                columns[key] = column
        if all(k in columns for k in required):
            return number, columns
    return None


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().rstrip(".") if value is not None else ""


def _open(path: str | Path, *, data_only: bool = True):
    """The workbook in read-only mode, which streams each sheet instead of building every cell it claims;
    `data_only` gives each formula's value as last computed, else the formula as written."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookError(
                [
                    f"Tệp Excel {name} quá lớn ({unpacked // (1024 * 1024)} MB khi giải nén, tối đa"
                    f" {MAX_UNPACKED_BYTES // (1024 * 1024)} MB): hãy chép riêng bảng cần nhập sang một tệp mới."
                ]
            )
        from openpyxl import load_workbook

        return load_workbook(path, read_only=True, data_only=data_only)
    except WorkbookError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a file that is not a workbook
        raise WorkbookError([f"Không đọc được tệp Excel {name}: {exc}"]) from exc


def read_table(path: str | Path, required: tuple[str, ...]) -> Table:
    """The first worksheet that has the header row, with its rows classified.

    A file written by a program (openpyxl among them) and never opened in a spreadsheet holds formulas with
    no computed value: read as values they would be empty cells, so they are refused, each one named. The
    same file saved once by Excel or LibreOffice holds the values, which are read.
    """
    workbook = _open(path)
    written = _open(path, data_only=False)  # a second stream over the same file, for the formulas
    try:
        for ws in workbook.worksheets:
            found = _header(ws, required)
            if found is None:
                continue
            header_row, columns = found
            # max_row=0 would mean "to the end" to openpyxl, hence the empty list for a header on row 1
            above = ws.iter_rows(min_row=1, max_row=header_row - 1, max_col=MAX_COLUMNS, values_only=True)
            titles = [clean_text(v) for row in above for v in row if clean_text(v)] if header_row > 1 else []
            uncomputed: list[str] = []
            rows = list(_rows(ws, header_row, columns, written[ws.title], uncomputed))
            if uncomputed:
                raise WorkbookError([_uncomputed_problem(ws.title, uncomputed)])
            return Table(ws.title, header_row, titles, rows)
        sheets = ", ".join(f"“{ws.title}”" for ws in workbook.worksheets)
    finally:
        workbook.close()
        written.close()
    wanted = " | ".join(COLUMN_LABELS[k][0].capitalize() if k != "tt" else "TT" for k in required)
    raise WorkbookError(
        [
            f"Không tìm thấy dòng tiêu đề ({wanted}) trong {HEADER_SCAN_ROWS} dòng, {MAX_COLUMNS} cột đầu"
            f" của trang tính {sheets}."
        ]
    )


class _Hidden:
    """The cells of some columns that a merge hides: every cell of a merged range but its top-left one.

    Read from the sheet's `<mergeCells>` (read-only worksheets do not parse it), a chunk at a time; kept as
    sorted runs of rows per column, so that a range spanning the whole grid costs what a small one does."""

    def __init__(self, ws, columns: list[int]):
        from openpyxl.utils import range_boundaries

        runs: dict[int, list[tuple[int, int]]] = {c: [] for c in columns}
        for ref in self._refs(ws):
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (TypeError, ValueError):
                continue
            for column in runs:
                if min_col <= column <= max_col:
                    first = min_row + 1 if column == min_col else min_row
                    if first <= max_row:
                        runs[column].append((first, max_row))
        self.runs = {c: sorted(r) for c, r in runs.items() if r}
        self.reach = {c: _reach(r) for c, r in self.runs.items()}

    @staticmethod
    def _refs(ws):
        tail = b""
        with ws._get_source() as source:
            while chunk := source.read(CHUNK):
                buffer = tail + chunk
                last = 0
                for match in MERGE_CELL.finditer(buffer):
                    last = match.end()
                    yield match.group(1).decode("ascii", "replace")
                tail = buffer[max(last, len(buffer) - 200) :]

    def __call__(self, row: int, column: int) -> bool:
        runs = self.runs.get(column)
        if not runs:
            return False
        at = bisect.bisect_right(runs, (row, float("inf"))) - 1
        return at >= 0 and self.reach[column][at] >= row


def _reach(runs: list[tuple[int, int]]) -> list[int]:
    """For sorted runs, the furthest row any run up to each one reaches."""
    reach, furthest = [], 0
    for _, last in runs:
        furthest = max(furthest, last)
        reach.append(furthest)
    return reach


def _uncomputed_problem(sheet: str, cells: list[str]) -> str:
    named = ", ".join(cells[:NAMED_CELLS]) + (
        f" và {len(cells) - NAMED_CELLS} ô khác" if len(cells) > NAMED_CELLS else ""
    )
    return (
        f"Trang tính “{sheet}” có công thức chưa được tính ở {named}: tệp chưa từng được mở bằng Excel hay"
        " LibreOffice nên không có giá trị của công thức. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi"
        " nhập lại (hoặc ghi số thay cho công thức)."
    )


def _cells(ws, header_row: int, columns: dict[str, int], written, uncomputed: list[str]):
    from openpyxl.utils import get_column_letter, quote_sheetname

    """(row number, the cells of `columns`) below the header, up to TỔNG CỘNG's row or a long empty gap.

    `written` is the same worksheet read with its formulas; each cell of `columns` that holds a formula with
    no computed value is added to `uncomputed` as `'Sheet'!E5`."""
    width = max(columns.values())
    rows = ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    formulas = written.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    hidden = _Hidden(ws, list(columns.values()))
    gap = 0
    for number, (row, as_written) in enumerate(zip(rows, formulas, strict=False), start=header_row + 1):
        cells = {
            key: row[col - 1] if col - 1 < len(row) and not hidden(number, col) else None
            for key, col in columns.items()
        }
        for key, col in columns.items():
            formula = as_written[col - 1] if col - 1 < len(as_written) and not hidden(number, col) else None
            if cells[key] is None and isinstance(formula, str) and formula.startswith("="):
                uncomputed.append(f"{quote_sheetname(ws.title)}!{get_column_letter(col)}{number}")
                cells[key] = formula  # not an empty cell: the row is part of the table
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            gap += 1
            if gap >= END_GAP:
                return
            continue
        gap = 0
        if number - header_row > MAX_ROWS:
            raise WorkbookError(
                [
                    f"Trang tính “{ws.title}” có bảng dài hơn {MAX_ROWS} dòng (còn dữ liệu ở dòng {number}):"
                    " một bảng tiêu chí không dài như vậy. Hãy xóa các dòng thừa bên dưới bảng rồi nhập lại."
                ]
            )
        yield number, cells


def _rows(ws, header_row: int, columns: dict[str, int], written, uncomputed: list[str]):
    for number, cells in _cells(ws, header_row, columns, written, uncomputed):
        place = Place(ws.title, number)
        tt = _code(cells.get("tt"))
        text = clean_text(cells.get("text"))
        section = SECTION.match(text) or SECTION.match(tt)
        if section or (ROMAN.match(tt) and text):
            code = section.group(1) if section else tt
            text = text or clean_text(cells.get("tt"))
            yield Row(
                "section", place, code=code[:1].upper() + code[1:], text=text, cells=cells, columns=columns
            )
        elif TOTAL.match(normalize(text)) or TOTAL.match(normalize(tt)):
            yield Row("total", place, text=text, cells=cells, columns=columns)
            return
        elif tt:
            yield Row("criterion", place, code=tt, text=text, cells=cells, columns=columns)
        else:
            yield Row("continuation", place, text=text, cells=cells, columns=columns)


@dataclass
class ParsedOption:
    component: str  # "" for a plain tiered criterion
    label: str
    points: Decimal


def parse_options(text: str) -> list[ParsedOption]:
    """Options written in a criterion's text: `- Đạt “Hoàn thành tốt nhiệm vụ” (15 điểm)`."""
    options = []
    for part in re.split(r"(?:^|\s)[-–•]\s+", text):
        match = OPTION.search(part)
        if not match:
            continue
        raw = match.group("label").strip(" :;,.*")
        quoted = QUOTED.search(raw)
        if quoted:
            prefix = raw[: quoted.start()].strip(" :;,")
            label = quoted.group("inner").strip()
            component = "" if normalize(prefix) in ("", "đạt", "đạt mức", "xếp loại") else prefix
        else:
            component, label = "", raw
        options.append(ParsedOption(component, label, parse_given_points(match.group("points"))))
    return options if len(options) >= 2 else []


def optional_components(text: str, names: list[str]) -> set[str]:
    """Organisations the text lets be missing ("không có tổ chức Đoàn thanh niên, Hội Cựu chiến binh")."""
    lowered = normalize(text)
    where = lowered.find("không có")
    if where < 0 or "trung bình" not in lowered:
        return set()
    clause = lowered[where:]
    found = set()
    for name in names:
        short = normalize(re.sub(r"^tổ chức\s+", "", name, flags=re.IGNORECASE))
        if short and short in clause:
            found.add(name)
    return found


def open_workbook(path: str | Path):
    """The workbook's values, read-only; WorkbookError for a file that is not one or unpacks too large."""
    return _open(path)
