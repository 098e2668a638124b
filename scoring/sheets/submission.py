"""What the head sees before signing and submitting: every warning, and the criteria still unscored.

One place for it, so that every way of submitting (signing here, signing with a USB token) shows the same."""

from ..evidence.matching import Register, agency_register
from ..evidence.versions import file_url
from ..models import Sheet
from .checks import SheetWarning, grouped, sheet_warnings
from .queries import SheetView, sheet_progress, sheet_state, sheet_view


def cited_file_or(state, sheet: Sheet, *, own: bool):
    """Where a citation written in an explanation links on the sheet's page: the file the sheet cites, as it
    was submitted while the sheet is locked; else, for the agency itself, its register; else nowhere (the
    bloc's side reads only what the sheet cites)."""
    cited = {
        d.document_ref: file_url(sheet, d) for documents in state.cited.values() for d in documents if d.file
    }
    register = Register([], agency_code=sheet.agency.code)
    return lambda d: cited.get(d.pk) or (register.href(d) if own else "")


def unscored(view: SheetView) -> list[SheetWarning]:
    """The criteria to score that have no number yet (a sum, tier or rating not chosen counts as none)."""
    tree = view.rubric_tree.tree
    found = []
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        if tree.is_leaf(criterion.key) and (score is None or score.points is None):
            found.append(SheetWarning(criterion.key, criterion.label, "Chưa chấm điểm.", "unscored"))
    return found


def before_submitting(sheet: Sheet) -> dict:
    """The context of the page that confirms a submission: totals, progress, warnings, unscored criteria."""
    view = sheet_view(sheet)
    state = sheet_state(view)
    warnings = sheet_warnings(
        view, state.cited, agency_register(sheet.agency, href=cited_file_or(state, sheet, own=True))
    )
    missing = unscored(view)
    return {
        "view": view,
        "progress": sheet_progress(view, state),
        "warnings": missing + warnings,
        "warning_lines": grouped(missing + warnings),
        "unscored": missing,
    }
