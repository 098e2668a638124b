"""The scoring and review pages' inputs as HTML, one function per kind of input (inputs.py gives the values).

Written here rather than in a partial per input: a page of the 2022 rubric writes some 200 inputs, and an
include per input, each with its dozen variables, was some 40 % of the scoring page's time (cProfile,
3 December). Every value is escaped as a template escapes it (`conditional_escape`), by `_html` below
rather than `format_html`, which checks every value for a lazy string and took twice as long (timeit).
"""

import html

from django.utils.safestring import SafeString, mark_safe


def _escaped(value) -> str:
    """`conditional_escape` without its wrapper: safe strings as they are, the rest escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _html(template: str, *args, **kwargs) -> SafeString:
    return mark_safe(template.format(*map(_escaped, args), **{k: _escaped(v) for k, v in kwargs.items()}))


def _join(sep: str, template: str, rows) -> SafeString:
    return mark_safe(sep.join(template.format(*map(_escaped, row)) for row in rows))


def _error(i: dict, extra: str = "") -> SafeString:
    if not i["error"]:
        return mark_safe("")
    return _html('<div id="{}_error" class="invalid-feedback{}">{}</div>', i["id"], extra, i["error"])


def _invalid_class(i: dict) -> str:
    return " is-invalid" if i["error"] else ""


def points(i: dict) -> SafeString:
    return _html(
        '<div class="mb-2"><label class="form-label mb-1" for="{id}">{label}</label>\n'
        '<input type="text" name="{name}" id="{id}" value="{value}" class="form-control form-control-sm{bad}"'
        ' inputmode="decimal" autocomplete="off" data-max="{max}" data-what="{what}"{invalid}>\n'
        "{error}</div>\n",
        id=i["id"],
        label=i["label"],
        name=i["name"],
        value=i["value"],
        bad=_invalid_class(i),
        max=i["max"],
        what=i["what"],
        invalid=i["invalid"],
        error=_error(i),
    )


def choice(i: dict) -> SafeString:
    options = _join(
        "",
        '<div class="form-check"><input class="form-check-input" type="radio" name="{}" id="{}" value="{}"{}>'
        '<label class="form-check-label" for="{}">{}</label></div>\n',
        (
            (i["name"], o["id"], o["value"], " checked" if o["checked"] else "", o["id"], o["label"])
            for o in i["choices"]
        ),
    )
    return _html(
        '<fieldset class="choice-group mb-2" role="radiogroup" id="{}"{}>\n'
        '<legend class="form-label fs-6 mb-1">{}</legend>\n{}{}</fieldset>\n',
        i["id"],
        i["invalid"],
        i["label"],
        options,
        _error(i, " d-block"),
    )


def documents(i: dict, group: str) -> SafeString:
    """The documents a criterion cites, and the picker's button; `group` names the criterion."""
    cited = _join(
        "",
        '\n<li class="cited-document"><input class="form-check-input" type="checkbox" name="{}" id="{}"'
        ' value="{}" checked>\n<label class="form-check-label" for="{}"><span class="fw-semibold">{}</span>'
        ' · {}{}</label>\n<button type="button" class="btn btn-link btn-sm p-0 ms-1 align-baseline"'
        ' data-uncite aria-label="Bỏ {}" hidden>Bỏ</button></li>',
        (
            (
                i["name"],
                d["box"],
                d["pk"],
                d["box"],
                d["number"],
                d["date"],
                _html(" · {}", d["subject"]) if d["subject"] else "",
                d["label"],
            )
            for d in i["cited"]
        ),
    ) or mark_safe('\n<li class="small text-muted no-citation">Chưa trích dẫn tài liệu nào.</li>')
    return _html(
        '\n<fieldset class="citations mb-2" id="{id}" data-name="{name}"{invalid}>\n'
        '<legend class="form-label fs-6 mb-1">{label}</legend>\n'
        '<ul class="list-unstyled mb-1 cited">{cited}</ul>\n'
        '<button type="button" class="btn btn-outline-secondary btn-sm" data-pick="{name}" data-for="{group}"'
        " hidden>Thêm tài liệu kiểm chứng…</button>\n{error}</fieldset>\n",
        id=i["id"],
        name=i["name"],
        invalid=i["invalid"],
        label=i["label"],
        cited=cited,
        group=group,
        error=_error(i, " d-block"),
    )


def check(i: dict) -> SafeString:
    return _html(
        '<div class="form-check mb-2"><input class="form-check-input{bad}" type="checkbox" name="{name}"'
        ' id="{id}" value="on"{checked}{invalid}>\n'
        '<label class="form-check-label" for="{id}">{label}</label>\n{error}</div>\n',
        bad=_invalid_class(i),
        name=i["name"],
        id=i["id"],
        checked=" checked" if i["checked"] else "",
        invalid=i["invalid"],
        label=i["label"],
        error=_error(i),
    )


def text(i: dict) -> SafeString:
    help_ = _html('<div id="{}_help" class="form-text">{}</div>', i["id"], i["help"]) if i["help"] else ""
    return _html(
        '<div class="mb-2"><label class="form-label mb-1" for="{id}">{label}</label>\n'
        '<textarea name="{name}" id="{id}" rows="{rows}" class="form-control form-control-sm{bad}"{attrs}>\n'
        "{value}</textarea>\n{error}{help}</div>\n",
        id=i["id"],
        label=i["label"],
        name=i["name"],
        rows=i["rows"],
        bad=_invalid_class(i),
        attrs=i["attrs"],
        value=i["value"],
        error=_error(i),
        help=help_,
    )


def _written_item(w: dict, pasted: str) -> SafeString:
    if w["href"]:
        return _html(
            '<a class="cited-link" href="{}" target="_blank" rel="noopener">{}</a>'
            ' <span class="text-success">(có trong sổ)</span>',
            w["href"],
            w["text"],
        )
    if w["register"]:
        return _html(
            '<span class="cited-missing">{text}</span>\n<button type="submit" class="btn btn-outline-primary'
            ' btn-sm py-0 ms-1 align-baseline" name="register" value="{register}" data-register="{pasted}"'
            ' aria-label="Đưa vào sổ tài liệu: {text}">Đưa vào sổ tài liệu</button>\n'
            '<span class="register-status" role="status"></span>',
            text=w["text"],
            register=w["register"],
            pasted=pasted,
        )
    return _html(
        '<span class="cited-missing">{}</span> <span class="text-danger">{}</span>', w["text"], w["invalid"]
    )


def written(items: list[dict], pasted: str) -> SafeString:
    """The citations written in a criterion's explanation, under its box (inputs.written_citations);
    `pasted` is the name of the box the "Đưa vào sổ tài liệu" button fills."""
    if not items:
        return mark_safe("")
    lines = _join("", '\n<li class="written-citation">{}</li>', ((_written_item(w, pasted),) for w in items))
    return _html(
        '\n<div class="written-citations small mb-2"><div class="text-muted">Văn bản ghi trong giải trình:</div>\n'
        '<ul class="list-unstyled mb-0">{}</ul></div>\n',
        lines,
    )
