"""The criterion rules."""

from decimal import Decimal

from django import forms

from ..notation import NumberError, format_points, parse_points

NONE = "none"  # the choice "không có tổ chức này"


class PointsField(forms.CharField):
    """A score typed the Vietnamese way or not ("2,5" or "2.5"), from 0 to its maximum."""

    def __init__(self, *, maximum: Decimal, what: str = "Điểm", **kwargs):
        self.maximum = maximum
        self.what = what
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "data-max": str(maximum)})

    def to_python(self, value):
        text = super().to_python(value)
        try:
            number = parse_points(text)
        except NumberError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if number is not None and number > self.maximum:
            raise forms.ValidationError(
                f"{self.what} tối đa là {format_points(self.maximum)}; bạn nhập {format_points(number)}.",
                code="max_value",
            )
        return number
