"""Documents the app produces: the Bảng chấm điểm (PDF, Excel) and the year-end report (PDF).

Views only set headers; the management commands call the same functions.
"""

from .pdf import report_pdf, sheet_pdf
from .xlsx import sheet_xlsx

__all__ = ["report_pdf", "sheet_pdf", "sheet_xlsx"]
