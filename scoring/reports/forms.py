"""The report's form and the signing form."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from ..models import Report
from ..signing import MAX_PKCS12_BYTES
from ..signing.external import MAX_SIGNED_PDF_BYTES, too_large_message

MARKUP_HELP = (
    "Đoạn văn cách nhau một dòng trống; **chữ đậm**, *chữ nghiêng*; dòng bắt đầu bằng “- ” là danh sách."
)


class ReportForm(forms.ModelForm):
    """The agency's year-end report: its number, date, addressees and narrative."""

    class Meta:
        model = Report
        fields = [
            "number",
            "issued_on",
            "subject",
            "recipients",
            "distribution",
            "situation",
            "results",
            "assessment",
            "plans",
        ]
        widgets = {
            "issued_on": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "recipients": forms.Textarea(attrs={"rows": 2}),
            "distribution": forms.Textarea(attrs={"rows": 4}),
            "situation": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 12}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "plans": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
        self.fields["issued_on"].error_messages["invalid"] = (
            "Ngày cần có dạng ngày/tháng/năm, ví dụ 12/12/2022."
        )
        self.fields["number"].widget.attrs["inputmode"] = "numeric"
        for name in ("situation", "results", "assessment", "plans"):
            self.fields[name].help_text = MARKUP_HELP
        if self.instance.sheet_id:
            self.fields[
                "plans"
            ].label = f"Phương hướng, nhiệm vụ {self.instance.sheet.rubric.round_kind.plans_for}"
        self.helper = FormHelper()
        # the page's "Lưu rồi ký số và nộp…" button sits outside the form and submits it (form="report-form")
        self.helper.form_id = "report-form"
        self.helper.attrs = {"data-warn-unsaved": ""}
        self.helper.layout = Layout(
            Row(
                Column("number", css_class="col-md-3"),
                Column("issued_on", css_class="col-md-3"),
                Column("subject", css_class="col-md-6"),
            ),
            Row(Column("recipients", css_class="col-md-6"), Column("distribution", css_class="col-md-6")),
            "situation",
            "results",
            "assessment",
            "plans",
            Submit("save", "Lưu báo cáo"),
        )

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError("Số báo cáo chỉ gồm chữ số, ví dụ 25 (phần “/BC-…” do phần mềm ghi).")
        return number


def _sheet_version(form: forms.Form, version: int | None) -> None:
    """The version of the sheet the head reviewed on the page: what is signed is that sheet, or nothing."""
    form._version = ()
    if version is None:  # the counter-signature: the sheet is not the signer's to change
        return
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput,
        initial=version,
        min_value=1,
        error_messages={
            "required": "Trang ký đã cũ hoặc không đầy đủ; hãy tải lại trang, xem lại rồi ký lần nữa.",
            "invalid": "Trang ký đã cũ hoặc không đầy đủ; hãy tải lại trang, xem lại rồi ký lần nữa.",
            "min_value": "Trang ký đã cũ hoặc không đầy đủ; hãy tải lại trang, xem lại rồi ký lần nữa.",
        },
    )
    form._version = ("version",)


class _ReviewedVersion:
    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        if "version" in self.errors:  # type: ignore[attr-defined]
            # a hidden field's error would show nowhere: it is the page's, said above the form
            self.add_error(None, self.errors.pop("version")[0])  # type: ignore[attr-defined]
        return cleaned


class SignForm(_ReviewedVersion, forms.Form):
    """The head's certificate, used for this one signing and never stored."""

    certificate = forms.FileField(
        label="Chứng thư số (tệp .p12 hoặc .pfx)",
        error_messages={"required": "Chọn tệp chứng thư số.", "empty": "Tệp chứng thư số rỗng."},
    )
    passphrase = forms.CharField(
        label="Mật khẩu của chứng thư số",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, reference: str = "", version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _sheet_version(self, version)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        sign = StrictButton(
            "Ký số và nộp",
            type="submit",
            name="sign",
            css_class="btn-success",
            # static/js/confirm.js asks first, static/js/progress.js shows the ~3 s it takes
            data_confirm=(
                f"Ký số Báo cáo số {reference} bằng chứng thư số đã chọn và nộp bảng chấm điểm cho khối "
                "trưởng? Sau khi ký, báo cáo không sửa được nữa và bảng chấm điểm bị khóa cho đến khi khối "
                "trưởng trả lại."
            ),
            data_confirm_title="Ký số và nộp",
            data_confirm_ok="Ký số và nộp",
            data_busy="Đang ký số…",
        )
        self.helper.layout = Layout("certificate", "passphrase", *self._version, sign)

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        if upload.size > MAX_PKCS12_BYTES:
            raise forms.ValidationError("Tệp quá lớn để là một chứng thư số (.p12).")
        return upload


class SignedUploadForm(_ReviewedVersion, forms.Form):
    """The report signed in another program, uploaded to be checked and sent."""

    signed_pdf = forms.FileField(
        label="Báo cáo đã ký số (tệp PDF)",
        error_messages={"required": "Chọn tệp PDF đã ký.", "empty": "Tệp PDF rỗng."},
    )

    def __init__(self, *args, reference: str = "", version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _sheet_version(self, version)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        send = StrictButton(
            "Kiểm tra chữ ký và nộp",
            type="submit",
            name="upload",
            css_class="btn-success",
            data_confirm=(
                f"Nộp Báo cáo số {reference} đã ký bằng tệp đã chọn? Nếu chữ ký hợp lệ, báo cáo không sửa được"
                " nữa và bảng chấm điểm bị khóa cho đến khi khối trưởng trả lại."
            ),
            data_confirm_title="Nộp báo cáo đã ký",
            data_confirm_ok="Kiểm tra và nộp",
            data_busy="Đang kiểm tra chữ ký…",
        )
        self.helper.layout = Layout("signed_pdf", *self._version, send)

    def clean_signed_pdf(self):
        upload = self.cleaned_data["signed_pdf"]
        if upload.size > MAX_SIGNED_PDF_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


class CountersignForm(SignForm):
    """The reviewer's certificate, for one counter-signature, never stored."""

    def __init__(self, *args, reference: str = "", **kwargs):
        super().__init__(*args, reference=reference, **kwargs)
        sign = StrictButton(
            "Ký xác nhận",
            type="submit",
            name="sign",
            css_class="btn-success",
            data_confirm=(
                f"Ký xác nhận Báo cáo số {reference} bằng chứng thư số đã chọn? Chữ ký được thêm vào sau chữ ký"
                " của đơn vị; chữ ký của đơn vị vẫn giữ nguyên hiệu lực."
            ),
            data_confirm_title="Ký xác nhận",
            data_confirm_ok="Ký xác nhận",
            data_busy="Đang ký số…",
        )
        self.helper.layout = Layout("certificate", "passphrase", sign)
