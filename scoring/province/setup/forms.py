"""The province's setup forms: a bloc's new year (members, leader, deputy) and the rubric copied into it."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms

from ...models import Agency, Bloc, BlocYear, Rubric
from ...models.agencies import NOT_A_MEMBER
from ...rubrics.services import AwardSpec, award_specs, copied_title, shifted

DATE_HELP = "Ngày/tháng/năm, ví dụ 15/12/2023."


def agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class BlocYearForm(forms.Form):
    """Who belongs to the bloc this year, and which two members lead it."""

    members = forms.ModelMultipleChoiceField(
        label="Thành viên",
        queryset=agencies(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn các cơ quan thành viên của khối."},
    )
    leader = forms.ModelChoiceField(
        label="Khối trưởng",
        queryset=agencies(),
        empty_label="— chọn cơ quan —",
        error_messages={"required": "Chọn khối trưởng."},
    )
    deputy_leader = forms.ModelChoiceField(
        label="Khối phó",
        queryset=agencies(),
        empty_label="— chọn cơ quan —",
        error_messages={"required": "Chọn khối phó."},
    )

    def __init__(self, *args, bloc_year: BlocYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.bloc_year = bloc_year
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("leader", css_class="col-md-6"), Column("deputy_leader", css_class="col-md-6")),
            Field("members", wrapper_class="member-list"),
        )

    @classmethod
    def initial_from(cls, source: BlocYear) -> dict:
        return {
            "members": list(source.memberships.values_list("agency_id", flat=True)),
            "leader": source.leader_id,
            "deputy_leader": source.deputy_leader_id,
        }

    def clean(self):
        cleaned = super().clean()
        members = cleaned.get("members")
        if members is None or "leader" in self.errors or "deputy_leader" in self.errors:
            return cleaned
        self.bloc_year.leader, self.bloc_year.deputy_leader = cleaned["leader"], cleaned["deputy_leader"]
        for field, message in self.bloc_year.leader_errors({a.pk for a in members}).items():
            if message == NOT_A_MEMBER:
                message += " Đánh dấu cơ quan này trong danh sách thành viên, hoặc chọn cơ quan khác."
            self.add_error(field, message)
        return cleaned


class RubricCopyForm(forms.Form):
    """The copied rubric's title, legal basis and deadline, for the administrator to confirm or change."""

    title = forms.CharField(label="Tên bảng tiêu chí", max_length=300)
    legal_basis = forms.CharField(label="Căn cứ", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    keep_legal_basis = forms.BooleanField(label="Giữ nguyên căn cứ như bảng cũ", required=False)
    deadline = forms.DateField(
        label="Hạn nộp",
        required=False,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        help_text=DATE_HELP,
        error_messages={"invalid": "Ngày cần có dạng ngày/tháng/năm, ví dụ 15/12/2023."},
    )

    def __init__(self, *args, source: Rubric, year: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source, self.year = source, year
        self.fields["keep_legal_basis"].label = f"Giữ nguyên căn cứ của năm {source.year}"
        self.fields[
            "legal_basis"
        ].help_text = f"Căn cứ năm {source.year} được điền sẵn: sửa cho năm mới, hoặc đánh dấu “giữ nguyên”."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *self.target_fields(),
            "title",
            "legal_basis",
            "keep_legal_basis",
            Row(Column("deadline", css_class="col-md-4")),
        )

    def target_fields(self) -> list:
        return []

    @staticmethod
    def initial_from(source: Rubric, bloc: Bloc, year: int) -> dict:
        return {
            "title": copied_title(source, bloc, year),
            "legal_basis": source.legal_basis,
            "deadline": shifted(source.deadline, year - source.year),
        }

    def target_year(self) -> int | None:
        return self.year

    def clean(self):
        cleaned = super().clean()
        basis = (cleaned.get("legal_basis") or "").strip()
        year = self.target_year()
        if not basis:
            self.add_error("legal_basis", f"Nhập căn cứ của bảng tiêu chí năm {year or 'mới'}.")
        elif basis == self.source.legal_basis.strip() and not cleaned.get("keep_legal_basis"):
            self.add_error(
                "legal_basis",
                f"Căn cứ còn giống hệt năm {self.source.year}: sửa cho năm {year or 'mới'}, hoặc đánh dấu "
                f"“Giữ nguyên căn cứ của năm {self.source.year}”.",
            )
        deadline = cleaned.get("deadline")
        if deadline and year and deadline.year not in (year, year + 1):
            self.add_error("deadline", f"Hạn nộp {deadline:%d/%m/%Y} không thuộc năm thi đua {year}.")
        return cleaned


class RubricCopyToForm(RubricCopyForm):
    """The same, for a copy to any bloc and year."""

    bloc = forms.ModelChoiceField(
        label="Khối nhận", queryset=Bloc.objects.order_by("name"), error_messages={"required": "Chọn khối."}
    )
    year = forms.IntegerField(
        label="Năm thi đua",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Nhập năm.", "invalid": "Năm là một số, ví dụ 2023."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields[
            "title"
        ].help_text = "Để trống: “Tiêu chí đánh giá thi đua năm … của …” theo khối và năm nhận."

    def target_fields(self) -> list:
        return [Row(Column("bloc", css_class="col-md-8"), Column("year", css_class="col-md-4"))]

    def target_year(self) -> int | None:
        return self.cleaned_data.get("year")

    def clean(self):
        cleaned = super().clean()
        bloc, year = cleaned.get("bloc"), cleaned.get("year")
        if bloc and year and Rubric.objects.year_end().filter(bloc=bloc, year=year).exists():
            self.add_error("year", f"{bloc} đã có bảng tiêu chí năm {year}.")
        return cleaned


class AwardRuleForm(forms.Form):
    award = forms.CharField(
        label="Hình thức khen thưởng",
        max_length=200,
        error_messages={"required": "Nhập hình thức khen thưởng."},
    )
    max_count = forms.IntegerField(label="Tối đa (số đơn vị)", required=False, min_value=1, max_value=32767)
    max_percent = forms.DecimalField(
        label="Tối đa (% số thành viên)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    min_total = forms.DecimalField(
        label="Tổng điểm tối thiểu", required=False, min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("max_percent", "min_total"):
            self.fields[name].localize = True  # "20,5" as Vietnamese write it
            self.fields[name].widget.is_localized = True


class BaseAwardRuleFormSet(forms.BaseFormSet):
    def specs(self) -> list[AwardSpec]:
        """The rules kept, in the order shown."""
        return [
            AwardSpec(
                f.cleaned_data["award"],
                f.cleaned_data.get("max_count"),
                f.cleaned_data.get("max_percent"),
                f.cleaned_data.get("min_total"),
            )
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("award") and not f.cleaned_data.get("DELETE")
        ]


AwardRuleFormSet = forms.formset_factory(
    AwardRuleForm, formset=BaseAwardRuleFormSet, extra=1, can_delete=True
)


def award_initial(source: Rubric) -> list[dict]:
    return [
        {"award": s.award, "max_count": s.max_count, "max_percent": s.max_percent, "min_total": s.min_total}
        for s in award_specs(source)
    ]


class MidYearForm(forms.Form):
    """The six-month round's title and deadline; its criteria are the year-end rubric's, edited afterwards."""

    title = forms.CharField(label="Tên bảng tiêu chí sơ kết", max_length=300)
    deadline = forms.DateField(
        label="Hạn nộp bảng chấm điểm sơ kết 6 tháng",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": "Ngày cần có dạng ngày/tháng/năm, ví dụ 15/06/2022.",
            "required": "Nhập hạn nộp bảng chấm điểm sơ kết 6 tháng.",
        },
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = f"Ngày/tháng/năm, ví dụ 20/06/{year}: trước hạn nộp tổng kết năm."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("title", Row(Column("deadline", css_class="col-md-4")))
