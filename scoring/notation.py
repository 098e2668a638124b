"""Numbers, dates and names the Vietnamese way: "2,5" and "2.5" are both 2.5 when typed; 2,5 when shown."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ASCII digits only: `\d` would take Arabic-Indic or Devanagari digits, which nobody here types.
_NUMBER = re.compile(r"^[+-]?[0-9]+([.,][0-9]+)?$")
# Points are stored as numeric(7, 2) (scoring.models.rubrics.POINTS): at most 99.999,99.
INTEGER_DIGITS = 5


class NumberError(ValueError):
    """A value that is not a score; the message is Vietnamese and shown to the user as is."""


def _shown(value, limit: int = 40) -> str:
    """The typed value as an error message quotes it: a megabyte pasted in comes back as its start."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_points(value) -> Decimal | None:
    """A score as typed or as a spreadsheet holds it; None when empty.

    A score never needs a thousands separator, so one comma or dot is the decimal separator.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"“{_shown(value)}” không phải là số.")
    if isinstance(value, int):
        number = Decimal(value)  # str() of an int past 4,300 digits raises
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u00a0", "")
        if not text:
            return None
        if not _NUMBER.match(text):
            raise NumberError(f"“{_shown(text)}” không phải là số.")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
            raise NumberError(f"“{_shown(text)}” không phải là số.") from exc
    if not number.is_finite():
        raise NumberError(f"“{_shown(value)}” không phải là số.")
    if number.adjusted() >= INTEGER_DIGITS:
        raise NumberError(
            f"Số quá dài: điểm có nhiều nhất {INTEGER_DIGITS} chữ số trước dấu phẩy"
            f" (số đã nhập có {number.adjusted() + 1} chữ số)."
        )
    if number < 0:
        raise NumberError(f"Điểm không được âm ({format_points(number)}).")
    if number != number.quantize(Decimal("0.01")):
        raise NumberError(f"Điểm chỉ lấy tối đa hai chữ số thập phân ({_shown(value)}).")
    return number.quantize(Decimal("0.01")) + 0  # + 0: "-0" is 0


def parse_given_points(value) -> Decimal:
    """parse_points of a value known not to be empty (a part of a cell, a matched number)."""
    number = parse_points(value)
    if number is None:
        raise NumberError("Thiếu số điểm.")
    return number


def parse_points_list(value) -> list[Decimal]:
    """Every number in a cell such as "60 20 20" (a total followed by its parts)."""
    if value is None:
        return []
    if isinstance(value, int | float | Decimal):
        return [parse_given_points(value)]
    parts = str(value).replace(";", " ").split()
    return [parse_given_points(part) for part in parts]


def format_points(value: Decimal | None) -> str:
    """945 → "945", 2.50 → "2,5", 1234 → "1.234"; None → ""."""
    if value is None:
        return ""
    normal = value.quantize(Decimal("0.01")).normalize()
    sign = "-" if normal < 0 else ""
    whole, _, fraction = f"{abs(normal):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_percent(value: Decimal | None) -> str:
    """25 → "+25,0 %", Decimal("-3.25") → "-3,3 %", 1234.5 → "+1.234,5 %": one decimal; None → ""."""
    if value is None:
        return ""
    shown = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if shown > 0 else ("-" if shown < 0 else "")
    whole, _, tenth = f"{abs(shown):f}".partition(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{tenth or '0'} %"


def format_change(value: Decimal | None) -> str:
    """A difference with its sign: 12.5 → "+12,5", -3 → "-3", 0 → "0"; None → ""."""
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_points(value)


def format_date(day) -> str:
    """A date as official documents write it: day in two digits, month in two digits only for 1 and 2
    (Nghị định 30/2020): 04/01/2022, 15/02/2022, 29/3/2022, 03/8/2022."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"
