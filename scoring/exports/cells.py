"""The one writer of every cell an export puts in a workbook.

Text is a string cell whoever typed it: an agency's or a bloc's name, a criterion's code, an award, an
explanation. `=HYPERLINK(…)` set as a name in the admin would otherwise be a live formula when the bloc opens
its workbook. The only formulas are `Formula`s, which our code builds from cell references.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


class Formula(str):
    """A formula built by our code ("=E12+E30"); every other str is written as text."""


def put(ws, row: int, column: int, value=None):
    """Write `value` at (row, column) and return the cell, for styling."""
    cell = ws.cell(row, column)
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        # Control characters (a vertical tab pasted from Word) are not allowed in a workbook's XML.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value or None
        if value:
            cell.data_type = "s"  # set after the value: openpyxl makes any "=…" a formula
    else:
        cell.value = value
    return cell
