"""Type seed 001's 2022 scoring table into a workbook, the way an office would have it in Excel.

    python scripts/build_seed_workbook.py ../shared/seeds/001_4ef635c0ad5d5cee.txt fixtures/seed_2022_sheet.xlsx

The text came out of a PDF: HTML remnants are dropped, cells the extraction shifted are put back in
their columns, and wrapped lines stay continuation rows. The numbers are left exactly as the seed
has them — errors included, since the importers must find them.
"""

import re
import sys

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

TAG = re.compile(r"<[^>]+>")
INTEGER = re.compile(r"^\d+$")


def clean(cell: str) -> str:
    cell = TAG.sub(" ", cell)
    return re.sub(r"\s+", " ", cell).strip()


def table_lines(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "BẢNG CHẤM ĐIỂM THI ĐUA NĂM" in line)
    titles = [t.strip() for t in re.split(r"\*+", lines[start]) if t.strip()]
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        cells = [clean(c) for c in line.split("\t")]
        if len(cells) == 6:  # the extraction dropped the empty self-bonus cell
            cells.insert(5, "")
        cells += [""] * (7 - len(cells))
        if cells[0].lower().startswith("nội dung") and not cells[1]:
            cells[0], cells[1] = "", cells[0]
        rows.append(cells[:7])
        if cells[1].upper() == "TỔNG CỘNG":
            break
    return titles, rows


def value(cell: str):
    return int(cell) if INTEGER.match(cell) else (cell or None)


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as handle:
        titles, rows = table_lines(handle.read())
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng chấm điểm"
    for r, title in enumerate(titles, start=1):
        ws.cell(r, 1, title).font = Font(bold=r == 1, italic=r == 3)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
    first = len(titles) + 2
    for r, cells in enumerate(rows, start=first):
        for c, cell in enumerate(cells, start=1):
            target_cell = ws.cell(r, c, value(cell) if c != 2 and c != 7 else (cell or None))
            target_cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == first or cells[1].startswith("Nội dung") or cells[1] == "TỔNG CỘNG":
                target_cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (6, 60, 9, 9, 9, 11, 60), strict=True):
        ws.column_dimensions[letter].width = width
    wb.save(target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
