"""The criterion rules, one class each: how a criterion of that kind is set up in the rubric editor and
checked before its rubric opens, entered on the scoring page and worked out as people type, reviewed,
carried from the six-month sheet to the year-end one, read from both kinds of workbook and made up for the
demo. `base.Rule` is the manual rule and says what each method decides; `base.Sum` is every parent's.

Adding a rule: its class (a module here, registered in `RULES` below), its code (at most 12 letters, the
field's length) added to `Criterion.Rule` with the words the rubric editor offers it by, and the migration
for that choice. Nothing else names a rule: the rubric editor (its choices, which box the parts are typed
in, what it writes), the open check, the scoring form, the sheet's save and merge, the review form, save and
page, the carry, the rubric tree, both workbook readers, the sheet's documents and the demo data ask the
criterion's rule, and the page scripts get each criterion's arithmetic from its rule: `Rule.script`, one of
the kinds in static/js/rules.js, on the scoring page; at review, typed points as they are or
`Rule.review_script`'s rated organisations (review.js, with rules.js's average). Only a rule whose
arithmetic is none of those adds it there. The two rules callers still name are structural: a criterion with children is
a `Sum` (rubrics.editor, rubrics.editor_forms, rubrics.workbook), and one nobody chose a rule for is
`Manual`, the model's default. tests/rubrics/test_new_rule.py proves it with a rule of its own.

The scoring form's fields are named after the criterion's pk: `p-12` points, `t-12` tier, `c-12-3` the
rating of component 3 (the form itself adds `b-` bonus, `e-` explanation, `v-` provisional, `d-` and `n-`).
The review form's: `rp-12` the reviewed points, `rr-12-3` the reviewer's rating of component 3 (it adds `rb-`
and `rc-`).
"""

from .base import NONE, TIER_EXAMPLE, Manual, PointsField, Rule, Sum, tier_choice
from .components import Components
from .tiered import Tiered

__all__ = [
    "NONE",
    "RULES",
    "TIER_EXAMPLE",
    "Components",
    "Manual",
    "PointsField",
    "Rule",
    "Sum",
    "Tiered",
    "editor_choices",
    "editor_parts",
    "from_workbook",
    "rule_of",
    "tier_choice",
]

RULES: dict[str, Rule] = {rule.code: rule for rule in (Sum(), Manual(), Tiered(), Components())}


def rule_of(criterion) -> Rule:
    """The rule of a criterion (a model instance or anything with a `rule` code)."""
    return RULES[criterion.rule]


def editor_choices() -> list[tuple[str, str]]:
    """The rules the rubric editor offers for a criterion without children, in the registry's order."""
    return [(code, rule.label()) for code, rule in RULES.items() if rule.chosen_in_editor]


def editor_parts() -> dict[str, str]:
    """Each box of the rubric editor's criterion form → the codes of the rules whose parts are typed in it,
    space-separated (rubric-editor.js shows a box only for those)."""
    return {
        part: " ".join(code for code, rule in RULES.items() if rule.editor_part == part)
        for part in ("tiers", "components")
    }


def from_workbook(text: str, options: list) -> tuple[str, list, list] | None:
    """The rule a rubric workbook's criterion without children is of, with its components and tiers
    (`Rule.from_workbook`); None for the model's default."""
    for code, rule in RULES.items():
        found = rule.from_workbook(text, options)
        if found is not None:
            return code, *found
    return None
