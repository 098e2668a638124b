"""What a save answers a page: the JSON of the scoring page's autosave (statuses saved, invalid, locked; the
conflicts, the fresh values, the new register entries), and the conflicts as the full pages show them."""

import json
import re
from decimal import Decimal

from django.http import QueryDict
from django.utils import timezone

from ..accounts.names import full_name
from ..models import ScoreChange, Tier
from ..notation import format_points
from ..rubrics.rules import tier_choice
from . import bases
from .merge import ABSENT, UNKNOWN, Conflict, SaveResult

# the form field prefix of each stored field (ratings are `c-<criterion>-<component>`)
PREFIXES = {
    "points": "p",
    "tier": "t",
    "bonus": "b",
    "explanation": "e",
    "provisional": "v",
    "reviewed_points": "rp",
    "reviewed_bonus": "rb",
    "review_comment": "rc",
}
# the agency's ratings are `c-<criterion>-<component>`, the reviewer's `rr-<criterion>-<component>`
RATING_PREFIXES = {"ratings": "c", "reviewed_ratings": "rr"}
NO_ORGANISATION = "Không có tổ chức này"


def field_name(conflict: Conflict) -> str:
    pk = conflict.criterion.pk
    if conflict.field in RATING_PREFIXES:
        return f"{RATING_PREFIXES[conflict.field]}-{pk}-{conflict.component}"
    return f"{PREFIXES[conflict.field]}-{pk}"


def shown(value, *, rating: bool = False) -> str:
    """A value of a conflict as the page names it."""
    if rating and value is None:
        return NO_ORGANISATION
    if value is ABSENT or value is UNKNOWN or value is None or value == "":
        return "(trống)"
    if isinstance(value, Tier):
        return tier_choice(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return format_points(value)
    return str(value)


def _form_value(name: str, value, *, rating: bool):
    if value is ABSENT:
        return ""
    if rating and value is None:
        return "none"
    return bases.form_value(name, value)


def _when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def conflict_entries(conflicts: list[Conflict], rtree) -> list[dict]:
    """Each conflict with its box's name, what the user typed and what stays stored, by whom and when."""
    criteria = rtree.by_key()
    entries = []
    for conflict in conflicts:
        criterion = criteria[conflict.criterion.key]
        rating = conflict.field in RATING_PREFIXES
        if rating:
            what = next(c.name for c in criterion.component_list if c.pk == conflict.component)
        else:
            what = ScoreChange.Field(conflict.field).label
        name = field_name(conflict)
        entries.append(
            {
                "name": name,
                "label": f"{criterion.label} – {what}",
                "mine": shown(conflict.mine, rating=rating),
                "theirs": shown(conflict.theirs, rating=rating),
                "theirs_value": _form_value(name, conflict.theirs, rating=rating),
                "by": full_name(conflict.by) or ("hệ thống" if conflict.at else ""),
                "at": _when(conflict.at),
            }
        )
    return entries


def register_entry(document) -> dict:
    """A register entry as the page lists it (the same shape as its `evidence-data`)."""
    return {
        "pk": document.pk,
        "label": document.citation,
        "number": document.number,
        "date": f"{document.issued_on:%d/%m/%Y}" if document.issued_on else "",
        "subject": document.subject,
    }


def fresh_values(form, stored: dict, conflicted: set[str]) -> dict:
    """Stored form values that differ from what `form` posted, but for the conflicting boxes (which keep
    what the user typed); pasted citations, now cited, are emptied."""
    fresh = {}
    for name in bases.merged_names(form):
        if name in conflicted:
            continue
        now = stored.get(name, [] if name.startswith("d-") else "")
        if bases.form_value(name, form.cleaned_data.get(name)) != now:
            fresh[name] = now
    for name in form.fields:
        if name.startswith("n-") and form.cleaned_data.get(name):
            fresh[name] = ""
    return fresh


def saved(form, view, stored: dict, result: SaveResult, conflicts: list[dict]) -> dict:
    """The answer to a save that went through (the conflicting fields were not written)."""
    documents = {d.pk: register_entry(d) for d in result.documents}
    return {
        "status": "saved",
        "saved": True,
        "version": result.version,
        "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        "totals": {k: [format_points(t.points), format_points(t.bonus)] for k, t in view.totals.items()},
        "grand_total": [format_points(view.grand_total.points), format_points(view.grand_total.bonus)],
        "errors": {},
        "conflicts": conflicts,
        "fresh": fresh_values(form, stored, {c["name"] for c in conflicts}),
        "documents": list(documents.values()),
    }


def invalid(form) -> dict:
    return {
        "status": "invalid",
        "saved": False,
        "errors": {name: " ".join(errors) for name, errors in form.errors.items()},
    }


def locked(message: str) -> dict:
    return {"status": "locked", "saved": False, "message": message}


def kept_data(posted: QueryDict, stored: dict, conflicted, version: int, keep=()) -> QueryDict:
    """The form to show again after a save with conflicts: what is stored now, but what the user typed in
    the conflicting boxes (and in `keep`), and a base of what is stored, so that saving again writes the
    user's values over the other person's only as a knowing choice."""
    data = QueryDict(mutable=True)
    for name, value in stored.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    for name in [*conflicted, *keep]:
        data.pop(name, None)
        if posted.getlist(name):
            data.setlist(name, posted.getlist(name))
    data["base"] = json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
    data["version"] = str(version)
    return data


REGISTERING = re.compile(r"(?P<pk>[0-9]{1,9})\|(?P<citation>[^\n]{1,600})")


def registering(posted: QueryDict) -> QueryDict:
    """A post of the scoring page's "Đưa vào sổ tài liệu" button (`register` = "<criterion pk>|<citation>",
    a citation of the explanation that the register lacks) read as that citation pasted under the
    criterion, so it enters the register and is cited through the same path as a pasted one, with
    everything else the form posted; any other post as it came."""
    value = posted.get("register")
    if value is None:
        return posted
    data = posted.copy()
    del data["register"]
    match = REGISTERING.fullmatch(value.strip())
    if match:  # the form reads `n-<pk>` only for the criteria of the sheet's rubric
        name = f"n-{match['pk']}"
        lines = [line.strip() for line in data.get(name, "").splitlines() if line.strip()]
        if match["citation"].strip() not in lines:
            lines.append(match["citation"].strip())
        data[name] = "\n".join(lines)
    return data
