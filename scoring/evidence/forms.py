"""The evidence register's entry form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms

from ..models import Document
from .citations import parse_citation
from .uploads import MAX_UPLOAD_BYTES, sniff


class EvidenceForm(forms.ModelForm):
    """An entry of the evidence register; pasting a citation fills type, number, date and issuer."""

    citation = forms.CharField(
        label="Dán trích dẫn",
        required=False,
        help_text="Ví dụ: Kế hoạch số 495/KH-VP ngày 29/3/2022 — các ô dưới được điền sẵn.",
    )
    link = forms.URLField(label="Đường dẫn", required=False, max_length=500, assume_scheme="https")
    upload = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text="PDF, Word, Excel, JPEG hoặc PNG; tối đa 20 MB.",
        error_messages={"empty": "Tệp rỗng.", "invalid": "Không đọc được tệp gửi lên."},
    )

    class Meta:
        model = Document
        fields = ["kind", "number", "issued_on", "issuer", "subject", "link"]
        widgets = {
            "issued_on": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "subject": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["issued_on"].input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
        self.fields["issued_on"].error_messages["invalid"] = (
            "Ngày cần có dạng ngày/tháng/năm, ví dụ 29/3/2022."
        )
        for name in ("kind", "number", "issued_on"):
            self.fields[name].required = False  # a pasted citation may fill them; checked in clean()
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            Field("citation", css_class="js-citation"),
            Row(
                Column("kind", css_class="col-md-3"),
                Column("number", css_class="col-md-3"),
                Column("issued_on", css_class="col-md-3"),
                Column("issuer", css_class="col-md-3"),
            ),
            "subject",
            Row(Column("upload", css_class="col-md-6"), Column("link", css_class="col-md-6")),
            Submit("save", "Lưu tài liệu"),
        )

    def clean(self):
        cleaned = super().clean()
        pasted = cleaned.get("citation")
        if pasted:
            citation = parse_citation(pasted)
            if citation is None:
                self.add_error(
                    "citation", "Không đọc được trích dẫn: cần dạng “Kế hoạch số 495/KH-VP ngày 29/3/2022”."
                )
            elif not citation.is_valid:
                self.add_error("citation", f"Ngày {citation.written_date} không có thật.")
            else:
                for name, value in (
                    ("kind", citation.kind),
                    ("number", citation.number),
                    ("issued_on", citation.issued_on),
                    ("issuer", citation.issuer),
                    ("subject", citation.subject),
                ):
                    if not cleaned.get(name) and name not in self.errors:
                        cleaned[name] = value
                        setattr(self.instance, name, value)
        for name, message in (
            ("kind", "Chọn loại văn bản."),
            ("number", "Nhập số, ký hiệu văn bản."),
            ("issued_on", "Nhập ngày ban hành của văn bản."),
        ):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        duplicate = Document.objects.filter(
            agency=self.agency,
            kind=cleaned.get("kind"),
            number=cleaned.get("number"),
            issued_on=cleaned.get("issued_on"),
        ).exclude(pk=self.instance.pk)
        if cleaned.get("number") and duplicate.exists():
            self.add_error("number", "Văn bản này đã có trong sổ tài liệu: hãy trích dẫn văn bản đã có.")
        return cleaned

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("Tệp lớn hơn 20 MB: hãy nén hoặc tách nhỏ rồi tải lên lại.")
            self.file_kind = sniff(upload)
        return upload
