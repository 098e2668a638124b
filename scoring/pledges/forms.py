"""The pledge, the giao ước's details, and a title of the province's catalogue."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from ..models import AwardTitle, Covenant
from ..reports.forms import SignForm

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
BAD_DATE = "Ngày cần có dạng ngày/tháng/năm, ví dụ 31/03/2022."


def _date_field(field: forms.Field) -> None:
    field.input_formats = DATE_FORMATS
    field.error_messages["invalid"] = BAD_DATE
    field.widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class PledgeForm(forms.Form):
    titles = forms.ModelMultipleChoiceField(
        label="Danh hiệu thi đua, hình thức khen thưởng đăng ký",
        queryset=AwardTitle.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Chọn ít nhất một danh hiệu thi đua hoặc hình thức khen thưởng để đăng ký.",
            "invalid_choice": "Danh hiệu này không còn trong danh mục của tỉnh.",
        },
    )
    commitments = forms.CharField(
        label="Nội dung giao ước",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text="Mỗi dòng một nội dung cơ quan cam kết thực hiện trong năm.",
        error_messages={"required": "Ghi ít nhất một nội dung giao ước."},
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["titles"].queryset = catalogue
        self.helper = FormHelper()
        self.helper.form_id = "pledge-form"
        self.helper.attrs = {"data-warn-unsaved": ""}
        self.helper.layout = Layout("titles", "commitments", Submit("save", "Lưu đăng ký"))


class CovenantForm(forms.ModelForm):
    class Meta:
        model = Covenant
        fields = ["deadline", "number", "issued_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _date_field(self.fields["deadline"])
        _date_field(self.fields["issued_on"])
        self.fields[
            "deadline"
        ].help_text = "Sau ngày này các thành viên không sửa, không gửi đăng ký được nữa."
        self.fields["number"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("deadline", css_class="col-md-4"),
                Column("number", css_class="col-md-4"),
                Column("issued_on", css_class="col-md-4"),
            ),
            Submit("save", "Lưu"),
        )

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(
                "Số giao ước chỉ gồm chữ số, ví dụ 01 (phần “/GƯ-…” do phần mềm ghi)."
            )
        return number


class CovenantSignForm(SignForm):
    """The leader's head's certificate, for this one signing (as the report's)."""

    def __init__(self, *args, reference: str = "", **kwargs):
        super().__init__(*args, reference=reference, **kwargs)
        sign = StrictButton(
            "Ký số giao ước",
            type="submit",
            name="sign",
            css_class="btn-success",
            data_confirm=(
                f"Ký số Giao ước thi đua số {reference} bằng chứng thư số đã chọn? Sau khi ký, giao ước không "
                "sửa được nữa."
            ),
            data_confirm_title="Ký số giao ước",
            data_confirm_ok="Ký số",
            data_busy="Đang ký số…",
        )
        self.helper.layout = Layout("certificate", "passphrase", sign)


class AwardTitleForm(forms.ModelForm):
    class Meta:
        model = AwardTitle
        fields = ["name", "kind", "position", "is_active"]

    def __init__(self, *args, prefix_id: str = "title", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["unique"] = "Danh mục đã có danh hiệu, hình thức khen thưởng này."
        self.fields["name"].error_messages["required"] = "Ghi tên danh hiệu, hình thức khen thưởng."
        self.helper = FormHelper()
        self.helper.form_id = prefix_id
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-5"),
                Column("kind", css_class="col-md-3"),
                Column("position", css_class="col-md-2"),
                Column("is_active", css_class="col-md-2 pt-md-4"),
            ),
            Submit("save", "Lưu" if self.instance.pk else "Thêm vào danh mục"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())
