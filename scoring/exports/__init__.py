"""Documents the app produces: the Bảng chấm điểm (PDF, Excel) and the year-end report (PDF).

Views only set headers; the management commands call the same functions. The names are looked up on first
use, so that a process making a PDF never imports openpyxl, nor one making a workbook WeasyPrint.
"""

__all__ = ["report_pdf", "sheet_pdf", "sheet_xlsx"]


def __getattr__(name: str):
    if name in ("report_pdf", "sheet_pdf"):
        from . import pdf

        return getattr(pdf, name)
    if name == "sheet_xlsx":
        from .xlsx import sheet_xlsx

        return sheet_xlsx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
