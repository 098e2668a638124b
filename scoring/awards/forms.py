"""The dossier's forms: the tờ trình's header, a proposed line, signing, and the province's decision."""

import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from ..models import Agency, Dossier, DossierLine
from ..reports.forms import SignForm

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_INVALID = "Ngày cần có dạng ngày/tháng/năm, ví dụ 20/12/2022."
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
DECISION_NUMBER = re.compile(r"^\d+/[^\s/]+(?:/[^\s/]+)*$")


def _date_field(field: forms.DateField) -> None:
    field.input_formats = DATE_FORMATS
    field.error_messages["invalid"] = DATE_INVALID


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["number", "issued_on", "recipients", "distribution"]
        widgets = {
            "issued_on": DATE_WIDGET,
            "recipients": forms.Textarea(attrs={"rows": 2}),
            "distribution": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _date_field(self.fields["issued_on"])
        self.fields["number"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.form_id = "dossier-form"
        self.helper.layout = Layout(
            Row(Column("number", css_class="col-md-3"), Column("issued_on", css_class="col-md-3")),
            Row(Column("recipients", css_class="col-md-6"), Column("distribution", css_class="col-md-6")),
            Submit("save", "Lưu tờ trình"),
        )

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(
                "Số tờ trình chỉ gồm chữ số, ví dụ 12 (phần “/TTr-…” do phần mềm ghi)."
            )
        return number


class LineForm(forms.ModelForm):
    """An individual typed by hand (name, position, agency of the bloc, achievement, award), or a collective
    line's award and achievement."""

    class Meta:
        model = DossierLine
        fields = ["full_name", "position", "agency", "award", "achievement"]
        widgets = {"achievement": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, members, collective: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.collective = collective
        if collective:
            for name in ("full_name", "position", "agency"):
                del self.fields[name]
        else:
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in members])
            self.fields["agency"].empty_label = "— Chọn cơ quan, đơn vị của khối —"
            self.fields["full_name"].required = True
            self.fields["position"].required = True
            self.fields["full_name"].error_messages["required"] = "Nhập họ và tên."
            self.fields["position"].error_messages["required"] = "Nhập chức vụ."
            self.fields["agency"].error_messages["required"] = "Chọn cơ quan, đơn vị của người được đề nghị."
            self.fields["agency"].error_messages["invalid_choice"] = "Cơ quan này không thuộc khối trong năm."
            self.fields["achievement"].required = True
            self.fields["achievement"].error_messages["required"] = "Tóm tắt thành tích của cá nhân."
        self.fields["award"].error_messages["required"] = "Nhập hình thức khen thưởng đề nghị."
        self.fields["award"].help_text = "Ví dụ Bằng khen của Chủ tịch UBND tỉnh"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *(
                []
                if collective
                else [
                    Row(Column("full_name", css_class="col-md-6"), Column("position", css_class="col-md-6"))
                ]
            ),
            *([] if collective else ["agency"]),
            "award",
            "achievement",
            Submit("save", "Lưu"),
        )

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())


class DossierSignForm(SignForm):
    """The certificate of the leader's signer, for this one signing, never stored."""

    def __init__(self, *args, reference: str = "", **kwargs):
        super().__init__(*args, reference=reference, **kwargs)
        sign = StrictButton(
            "Ký số và gửi về tỉnh",
            type="submit",
            name="sign",
            css_class="btn-success",
            data_confirm=(
                f"Ký số Tờ trình số {reference} bằng chứng thư số đã chọn và gửi hồ sơ về tỉnh? Sau khi gửi, "
                "hồ sơ không sửa được nữa."
            ),
            data_confirm_title="Ký số và gửi",
            data_confirm_ok="Ký số và gửi",
            data_busy="Đang ký số…",
        )
        self.helper.layout = Layout("certificate", "passphrase", sign)


OUTCOMES = [("", "Chưa ghi"), ("yes", "Được khen thưởng"), ("no", "Không được khen thưởng")]


class DecisionForm(forms.Form):
    """One decision of the province (number, date, issuer) and its outcome for each undecided line."""

    number = forms.CharField(
        label="Số, ký hiệu quyết định",
        max_length=60,
        help_text="Ví dụ 898/QĐ-UBND",
        error_messages={"required": "Nhập số, ký hiệu của quyết định."},
    )
    issued_on = forms.DateField(
        label="Ngày quyết định", widget=DATE_WIDGET, error_messages={"required": "Nhập ngày quyết định."}
    )
    issuer = forms.CharField(
        label="Cơ quan ban hành", max_length=200, error_messages={"required": "Nhập cơ quan ban hành."}
    )

    def __init__(self, *args, lines: list[DossierLine], **kwargs):
        super().__init__(*args, **kwargs)
        _date_field(self.fields["issued_on"])
        self.lines = lines
        for line in lines:
            self.fields[f"line-{line.pk}"] = forms.ChoiceField(
                label=f"{line.who[:1].upper()}{line.who[1:]} – {line.award}", choices=OUTCOMES, required=False
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_number(self):
        number = " ".join(self.cleaned_data["number"].split()).replace(" ", "")
        if not DECISION_NUMBER.match(number):
            raise forms.ValidationError("Số, ký hiệu quyết định có dạng 898/QĐ-UBND.")
        return number

    def line_fields(self):
        return [(line, self[f"line-{line.pk}"]) for line in self.lines]

    def clean(self):
        data = super().clean()
        outcomes = {
            line.pk: data.get(f"line-{line.pk}") == "yes"
            for line in self.lines
            if data.get(f"line-{line.pk}") in ("yes", "no")
        }
        if not outcomes:
            raise forms.ValidationError("Chọn kết quả cho ít nhất một tập thể hoặc cá nhân.")
        data["outcomes"] = outcomes
        return data
