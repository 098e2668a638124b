"""Two workbooks compared cell by cell: what a person opening them would see differ, as a list of lines."""

from io import BytesIO

from openpyxl import load_workbook

CELL_STYLE = ("font", "border", "fill", "alignment", "protection", "number_format")
SHEET_SETUP = ("freeze_panes", "print_title_rows", "print_title_cols")
PAGE_SETUP = ("orientation", "paperSize", "fitToWidth", "fitToHeight")


def _style(cell, name):
    value = getattr(cell, name)
    return value if isinstance(value, str) else repr(value)


def _setup_differences(title: str, a, b) -> list[str]:
    found = []
    for name in SHEET_SETUP:
        if getattr(a, name) != getattr(b, name):
            found.append(f"{title}: {name} {getattr(a, name)!r} ≠ {getattr(b, name)!r}")
    for name in PAGE_SETUP:
        if getattr(a.page_setup, name) != getattr(b.page_setup, name):
            found.append(f"{title}: page_setup.{name} differs")
    if (
        repr(a.page_margins) != repr(b.page_margins)
        or a.sheet_properties.pageSetUpPr != b.sheet_properties.pageSetUpPr
    ):
        found.append(f"{title}: margins or fit-to-page differ")
    if sorted(map(str, a.merged_cells.ranges)) != sorted(map(str, b.merged_cells.ranges)):
        found.append(f"{title}: merged cells {a.merged_cells.ranges} ≠ {b.merged_cells.ranges}")
    return found


def _size_differences(title: str, a, b) -> list[str]:
    found = []
    for kind in ("column_dimensions", "row_dimensions"):
        dims_a, dims_b = getattr(a, kind), getattr(b, kind)
        for key in sorted(set(dims_a) | set(dims_b), key=str):
            size = "width" if kind == "column_dimensions" else "height"
            if getattr(dims_a[key], size) != getattr(dims_b[key], size):
                found.append(
                    f"{title}: {kind}[{key}].{size} {getattr(dims_a[key], size)} ≠ {getattr(dims_b[key], size)}"
                )
    return found


def _cell_differences(title: str, a, b) -> list[str]:
    found = []
    rows, columns = max(a.max_row, b.max_row), max(a.max_column, b.max_column)
    for r in range(1, rows + 1):
        for c in range(1, columns + 1):
            x, y = a.cell(r, c), b.cell(r, c)
            where = f"{title}!{x.coordinate}"
            if (x.value, x.data_type) != (y.value, y.data_type):
                found.append(f"{where}: {x.value!r} ({x.data_type}) ≠ {y.value!r} ({y.data_type})")
            for name in CELL_STYLE:
                if _style(x, name) != _style(y, name):
                    found.append(f"{where}: {name} {_style(x, name)} ≠ {_style(y, name)}")
    return found


def _sheet_differences(title: str, a, b) -> list[str]:
    return _setup_differences(title, a, b) + _size_differences(title, a, b) + _cell_differences(title, a, b)


def workbook_differences(a: bytes, b: bytes) -> list[str]:
    """Every difference in sheets, values, formulas, styles, merges, sizes and page set-up; [] if none."""
    wa, wb = load_workbook(BytesIO(a)), load_workbook(BytesIO(b))
    if wa.sheetnames != wb.sheetnames:
        return [f"sheets {wa.sheetnames} ≠ {wb.sheetnames}"]
    found = []
    for title in wa.sheetnames:
        found += _sheet_differences(title, wa[title], wb[title])
    return found
