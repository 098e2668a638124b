"""Forms clean input and nothing else."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms

from .citations import parse_citation
from .models import Criterion, Document, Report
from .numbers import NumberError, format_points, parse_points
from .selectors import RubricTree
from .services import ScoreInput
from .uploads import MAX_UPLOAD_BYTES, sniff

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


class SheetForm(forms.Form):
    """The whole rubric on one page: one set of fields per criterion that takes input.

    Field names carry the criterion's pk: `p-12` points, `t-12` tier, `c-12-3` rating of component 3,
    `b-12` bonus, `e-12` explanation, `v-12` provisional, `d-12` cited documents, `n-12` pasted citations.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rtree: RubricTree, documents: list[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.tree = rtree.tree
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        document_choices = [(d.pk, d.citation) for d in documents]
        self.rows = []
        for criterion in rtree.criteria:
            row = {
                "criterion": criterion,
                "leaf": not self.tree.children[criterion.key],
                "inputs": [],
                "extra": [],
            }
            pk = criterion.pk
            if row["leaf"]:
                if criterion.rule == Criterion.Rule.TIERED:
                    self.fields[f"t-{pk}"] = forms.TypedChoiceField(
                        label="Mức đạt",
                        required=False,
                        coerce=int,
                        empty_value=None,
                        choices=[("", "— Chọn mức —")]
                        + [
                            (t.pk, f"{t.label} ({format_points(t.points)} điểm)") for t in criterion.tier_list
                        ],
                    )
                    row["inputs"].append(f"t-{pk}")
                elif criterion.rule == Criterion.Rule.COMPONENTS:
                    for component in criterion.component_list:
                        choices = [("", "— Chưa xếp loại —")] + [
                            (str(t.pk), f"{t.label} ({format_points(t.points)} điểm)")
                            for t in component.tier_list
                        ]
                        if component.may_be_missing:
                            choices.append((NONE, "Không có tổ chức này (tính trung bình)"))
                        self.fields[f"c-{pk}-{component.pk}"] = forms.ChoiceField(
                            label=component.name, required=False, choices=choices
                        )
                        row["inputs"].append(f"c-{pk}-{component.pk}")
                else:
                    self.fields[f"p-{pk}"] = PointsField(
                        label="Điểm tự chấm", maximum=criterion.max_points, what="Điểm tự chấm"
                    )
                    row["inputs"].append(f"p-{pk}")
            own_bonus = self.tree.own_bonus_max(self.tree.node(criterion.key))
            if own_bonus:
                self.fields[f"b-{pk}"] = PointsField(
                    label=f"Điểm thưởng tự chấm (tối đa {format_points(own_bonus)})",
                    maximum=own_bonus,
                    what="Điểm thưởng",
                )
                row["inputs"].append(f"b-{pk}")
            if criterion.parent_id is not None:
                self.fields[f"e-{pk}"] = forms.CharField(
                    label="Giải trình", required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
                self.fields[f"d-{pk}"] = forms.TypedMultipleChoiceField(
                    label="Tài liệu kiểm chứng",
                    required=False,
                    coerce=int,
                    choices=document_choices,
                    widget=forms.SelectMultiple(attrs={"size": 3}),
                )
                self.fields[f"n-{pk}"] = forms.CharField(
                    label="Thêm văn bản (dán trích dẫn, mỗi dòng một văn bản)",
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 1, "placeholder": "Kế hoạch số 495/KH-VP ngày 29/3/2022"}
                    ),
                )
                self.fields[f"v-{pk}"] = forms.BooleanField(label="Tạm tính", required=False)
                row["extra"] = [f"e-{pk}", f"d-{pk}", f"n-{pk}", f"v-{pk}"]
            self.rows.append(row)

    def bound_rows(self):
        for row in self.rows:
            yield {
                **row,
                "inputs": [self[name] for name in row["inputs"]],
                "extra": [self[name] for name in row["extra"]],
            }

    def clean(self):
        cleaned = super().clean()
        for name in list(cleaned):
            if name.startswith("n-") and cleaned[name]:
                parsed = []
                for line in cleaned[name].splitlines():
                    if not line.strip():
                        continue
                    citation = parse_citation(line)
                    if citation is None:
                        self.add_error(
                            name,
                            f"Không đọc được “{line.strip()}”: cần dạng “Kế hoạch số 495/KH-VP ngày 29/3/2022”.",
                        )
                    elif not citation.is_valid:
                        self.add_error(
                            name, f"Ngày {citation.written_date} của văn bản {citation.number} không có thật."
                        )
                    else:
                        parsed.append(citation)
                cleaned[name] = parsed
        return cleaned

    def values(self) -> dict[str, ScoreInput]:
        data = self.cleaned_data
        values = {}
        for criterion in self.rtree.criteria:
            pk = criterion.pk
            tiers = {t.pk: t for t in criterion.tier_list}
            for component in criterion.component_list:
                tiers.update({t.pk: t for t in component.tier_list})
            value = ScoreInput(
                points=data.get(f"p-{pk}"),
                bonus=data.get(f"b-{pk}"),
                # Browsers send CRLF from a textarea; what is stored uses LF, so an untouched text stays equal.
                explanation=data.get(f"e-{pk}", "").replace("\r\n", "\n").replace("\r", "\n").strip(),
                provisional=data.get(f"v-{pk}", False),
                tier=tiers.get(data.get(f"t-{pk}")),
                documents=data.get(f"d-{pk}") if f"d-{pk}" in self.fields else None,
                new_citations=data.get(f"n-{pk}") or [],
            )
            if criterion.rule == Criterion.Rule.COMPONENTS and not self.tree.children[criterion.key]:
                chosen = {c.pk: data.get(f"c-{pk}-{c.pk}") for c in criterion.component_list}
                if any(chosen.values()):
                    value.ratings = {
                        cpk: (None if choice == NONE else tiers[int(choice)])
                        for cpk, choice in chosen.items()
                        if choice
                    }
            values[criterion.key] = value
        return values

    @staticmethod
    def initial_from(rtree: RubricTree, version: int, scores: dict, ratings: dict, citations: dict) -> dict:
        """Initial data from stored scores; `ratings` and `citations` are keyed by score pk."""
        initial = {"version": version}
        for criterion in rtree.criteria:
            score = scores.get(criterion.key)
            if score is None:
                continue
            pk = criterion.pk
            initial[f"p-{pk}"] = format_points(score.points) if score.points is not None else ""
            initial[f"b-{pk}"] = format_points(score.bonus) if score.bonus is not None else ""
            initial[f"t-{pk}"] = score.tier_id
            initial[f"e-{pk}"] = score.explanation
            initial[f"v-{pk}"] = score.provisional
            initial[f"d-{pk}"] = sorted(citations.get(score.pk, ()))
            for component_id, tier_id in ratings.get(score.pk, {}).items():
                initial[f"c-{pk}-{component_id}"] = str(tier_id) if tier_id else NONE
        return initial


class DocumentForm(forms.ModelForm):
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
        self.helper = FormHelper()
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


class SignForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout("certificate", "passphrase", Submit("sign", "Ký số và nộp"))

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        if upload.size > 200 * 1024:
            raise forms.ValidationError("Tệp quá lớn để là một chứng thư số (.p12).")
        return upload


class ReviewForm(forms.Form):
    """Reviewed points, bonus and a comment per criterion; empty boxes start from the agency's numbers."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Lý do trả lại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi trả lại; nhận xét từng tiêu chí ở trên cũng được gửi cho đơn vị.",
    )

    def __init__(self, *args, rtree: RubricTree, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.tree = rtree.tree
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.rows = []
        for criterion in rtree.criteria:
            node = self.tree.node(criterion.key)
            leaf = not self.tree.children[criterion.key]
            own_bonus = self.tree.own_bonus_max(node)
            names = []
            if leaf and criterion.parent_id is not None:
                self.fields[f"rp-{criterion.pk}"] = PointsField(
                    label="Điểm thẩm định", maximum=criterion.max_points, what="Điểm thẩm định"
                )
                names.append(f"rp-{criterion.pk}")
            if own_bonus:
                self.fields[f"rb-{criterion.pk}"] = PointsField(
                    label=f"Thưởng thẩm định (tối đa {format_points(own_bonus)})",
                    maximum=own_bonus,
                    what="Điểm thưởng",
                )
                names.append(f"rb-{criterion.pk}")
            if criterion.parent_id is not None:
                self.fields[f"rc-{criterion.pk}"] = forms.CharField(
                    label="Nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 1})
                )
                names.append(f"rc-{criterion.pk}")
            self.rows.append(
                {"criterion": criterion, "leaf": leaf, "score": scores.get(criterion.key), "names": names}
            )

    @staticmethod
    def initial_from(rtree: RubricTree, version: int, scores: dict) -> dict:
        initial = {"version": version}
        for criterion in rtree.criteria:
            score = scores.get(criterion.key)
            if score is None:
                continue
            points = score.reviewed_points if score.reviewed_points is not None else score.points
            bonus = score.reviewed_bonus if score.reviewed_bonus is not None else score.bonus
            initial[f"rp-{criterion.pk}"] = format_points(points) if points is not None else ""
            initial[f"rb-{criterion.pk}"] = format_points(bonus) if bonus is not None else ""
            initial[f"rc-{criterion.pk}"] = score.review_comment
        return initial

    def bound_rows(self):
        for row in self.rows:
            yield {**row, "fields": [self[name] for name in row["names"]]}

    def clean(self):
        cleaned = super().clean()
        for criterion in self.rtree.criteria:
            name = f"rp-{criterion.pk}"
            value = cleaned.get(name)
            if criterion.rule == Criterion.Rule.TIERED and value is not None and criterion.tier_list:
                if value not in {t.points for t in criterion.tier_list}:
                    levels = ", ".join(format_points(t.points) for t in criterion.tier_list)
                    self.add_error(name, f"Tiêu chí chấm theo mức: chỉ nhận {levels}.")
        return cleaned

    def values(self) -> dict:
        from .services import ReviewInput

        data = self.cleaned_data
        values = {}
        for row in self.rows:
            criterion = row["criterion"]
            if not row["names"]:
                continue
            comment = data.get(f"rc-{criterion.pk}", "").replace("\r\n", "\n").strip()
            values[criterion.key] = ReviewInput(
                points=data.get(f"rp-{criterion.pk}"), bonus=data.get(f"rb-{criterion.pk}"), comment=comment
            )
        return values
