"""The hidden `base` of the scoring and review forms: the values the page was rendered with, written exactly
as the form posts them, and read back — cleaned the same way as what is posted — so that a save can be
merged field by field (sheets/merge.py)."""

import json
from decimal import Decimal

from django import forms
from django.utils.datastructures import MultiValueDict

from ..models import Tier
from ..notation import format_points
from .merge import UNKNOWN

# what a form carries besides the fields that are merged
NOT_MERGED = frozenset({"version", "base", "reason", "action"})


class BaseField(forms.CharField):
    """The page's base, as a JSON object {field name: value}; read by `read`, never cleaned alone."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, widget=forms.HiddenInput, **kwargs)


def merged_names(form) -> list[str]:
    """The form's fields that a save merges (pasted citations are always new, never merged)."""
    return [name for name in form.fields if name not in NOT_MERGED and not name.startswith("n-")]


def form_value(name: str, value):
    """A value as the form posts it: "12,5", "45" (a tier's pk), "on" or "" (a checkbox), a list of pks."""
    prefix = name.split("-", 1)[0]
    if prefix == "d":
        return [str(pk) for pk in sorted(int(pk) for pk in value or ())]
    if prefix == "v":
        return "on" if value else ""
    if value is None:
        return ""
    if isinstance(value, Tier):
        return str(value.pk)
    if isinstance(value, Decimal):
        return format_points(value)
    if isinstance(value, str) and prefix in ("e", "rc"):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return str(value)


def form_values(initial: dict) -> dict:
    """The non-empty form values of an `initial` dict, by field name."""
    values = {}
    for name, value in initial.items():
        if name in NOT_MERGED or name.startswith("n-"):
            continue
        shown = form_value(name, value)
        if shown not in ("", []):
            values[name] = shown
    return values


def encode(initial: dict) -> str:
    return json.dumps(form_values(initial), ensure_ascii=False, separators=(",", ":"))


def read(form, twin) -> tuple[dict, set[str]] | None:
    """(cleaned values, names whose base is unknown) of the posted base, or None if the post has none.

    `twin(data)` makes a form like `form` bound to `data`: the base is cleaned by the same fields and the
    same `clean()`, and a value that no longer cleans (a deleted tier, a number over a lowered maximum)
    is unknown; an empty one stays known. A base that is not a JSON object makes every field unknown. A cited document that is no
    longer in the register is dropped from the base: nobody can cite it any more.
    """
    if "base" not in form.data:
        return None
    names = merged_names(form)
    try:
        decoded = json.loads(form.data.get("base") or "")
    except (ValueError, RecursionError):
        decoded = None
    if not isinstance(decoded, dict):
        return {}, set(names)
    data, unknown = MultiValueDict(), set()
    for name in names:
        value = decoded.get(name, [])
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            unknown.add(name)
            continue
        if name.startswith("d-"):
            known = {str(pk) for pk, _ in form.fields[name].choices}
            values = [v for v in values if v in known]
        if values:
            data.setlist(name, values)
    data["version"] = "0"
    bound = twin(data)
    bound.is_valid()
    # An empty box is known to have been empty, even when the form as a whole refuses it (review_errors:
    # "còn thiếu" an organisation the agency left unrated): only a value that no longer cleans is unknown.
    return bound.cleaned_data, unknown | (set(bound.errors) & set(data) & set(names))


class MergedForm:
    """What the scoring and review forms share: `values()`, what was posted, and `bases()`, what the page
    showed, both as the form's inputs per criterion key. A form says how to make its twin bound to other data
    (`twin`), how cleaned data become inputs (`_inputs`), and which input attribute each field prefix fills
    (`ATTRIBUTES`)."""

    ATTRIBUTES: dict[str, str] = {}

    def twin(self, data):
        raise NotImplementedError

    def values(self) -> dict:
        return self._inputs(self.cleaned_data)

    def bases(self) -> dict | None:
        """What the page showed, per criterion, cleaned like the posted values; None if it did not say."""
        found = read(self, self.twin)
        if found is None:
            return None
        data, unknown = found
        inputs = self._inputs(data)
        keys = {c.pk: c.key for c in self.rtree.criteria}
        for name in unknown:
            prefix, pk, *component = name.split("-")
            value = inputs[keys[int(pk)]]
            if component:
                value.ratings[int(component[0])] = UNKNOWN
            else:
                setattr(value, self.ATTRIBUTES[prefix], UNKNOWN)
        return inputs
