"""Reading rubric and sheet tables out of the Excel workbooks blocs already keep.

The layout is the seed's: title rows, then a header row `TT | Tiêu chí | Điểm chuẩn | Điểm thưởng`
(a filled sheet adds `Điểm tự chấm | Điểm thưởng tự chấm | Giải trình/ tài liệu kiểm chứng`), then
"Nội dung …"/"Phần …" section rows, criteria numbered afresh in each section, rows that continue the
text of the row above, and a TỔNG CỘNG row. Nothing here touches the database.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .notation import NumberError, parse_points, parse_points_list

HEADER_SCAN_ROWS = 40

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
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SCAN_ROWS)):
        columns: dict[str, int] = {}
        for cell in row:
            key = _match_column(normalize(cell.value))
            if key and key not in columns:
                columns[key] = cell.column
        if all(k in columns for k in required):
            return row[0].row, columns
    return None


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().rstrip(".") if value is not None else ""


def read_table(path: str | Path, required: tuple[str, ...]) -> Table:
    """The first worksheet that has the header row, with its rows classified."""
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError([f"Không đọc được tệp Excel {Path(path).name}: {exc}"]) from exc

    wanted = " | ".join(COLUMN_LABELS[k][0].capitalize() if k != "tt" else "TT" for k in required)
    for ws in workbook.worksheets:
        found = _header(ws, required)
        if found is None:
            continue
        header_row, columns = found
        titles = [
            clean_text(cell.value)
            for row in ws.iter_rows(min_row=1, max_row=header_row - 1)
            for cell in row
            if clean_text(cell.value)
        ]
        return Table(ws.title, header_row, titles, list(_rows(ws, header_row, columns)))
    sheets = ", ".join(f"“{ws.title}”" for ws in workbook.worksheets)
    raise WorkbookError(
        [f"Không tìm thấy dòng tiêu đề ({wanted}) trong {HEADER_SCAN_ROWS} dòng đầu của trang tính {sheets}."]
    )


def _rows(ws, header_row: int, columns: dict[str, int]):
    for row in ws.iter_rows(min_row=header_row + 1):
        cells = {key: row[col - 1].value if col - 1 < len(row) else None for key, col in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        place = Place(ws.title, row[0].row)
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
        options.append(ParsedOption(component, label, parse_points(match.group("points"))))
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
