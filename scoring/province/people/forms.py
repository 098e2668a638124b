"""The province's people pages: one person, a spreadsheet of an agency's staff, the table's filter."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from ...accounts.people import EMAIL_MAX, NAME_MAX, PersonInput, check_person
from ...models import Agency, Membership
from ..imports.uploads import upload_helper, xlsx_upload_field


def agency_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Cơ quan, đơn vị",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        empty_label="— chọn cơ quan, đơn vị —",
        error_messages={
            "required": "Chọn cơ quan, đơn vị.",
            "invalid_choice": "Không có cơ quan, đơn vị này.",
        },
        **kwargs,
    )


class PersonForm(forms.Form):
    """A person of an agency: their name (family name first), e-mail (their username) and role."""

    agency = agency_field()
    full_name = forms.CharField(
        label="Họ và tên",
        max_length=NAME_MAX,
        help_text="Họ trước, tên sau, có dấu: Nguyễn Thị Hoa.",
        error_messages={"required": "Nhập họ và tên."},
    )
    email = forms.CharField(
        label="E-mail",
        max_length=EMAIL_MAX,
        help_text="Cũng là tên đăng nhập; thư mời đặt mật khẩu gửi đến địa chỉ này.",
        error_messages={"required": "Nhập e-mail."},
    )
    role = forms.ChoiceField(
        label="Vai trò", choices=Membership.Role.choices, error_messages={"required": "Chọn vai trò."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "inputmode": "email"})
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("agency", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            Row(Column("full_name", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            Submit("save", "Thêm và gửi thư mời"),
        )

    def clean(self):
        cleaned = super().clean()
        agency = cleaned.get("agency")
        if agency is None or self.errors:
            return cleaned
        person = check_person(
            PersonInput(cleaned["full_name"], cleaned["email"], cleaned["role"]), agency=agency
        )
        for message in person.errors:
            where = (
                "email" if "e-mail" in message.lower() else "role" if "Vai trò" in message else "full_name"
            )
            self.add_error(where, message)
        cleaned["person"] = person
        return cleaned


class RosterUploadForm(forms.Form):
    agency = agency_field()
    upload = xlsx_upload_field(
        "Một dòng tiêu đề với các cột Họ và tên, E-mail, Vai trò; mỗi người một dòng bên dưới."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = upload_helper(
            Row(Column("agency", css_class="col-md-6"), Column("upload", css_class="col-md-6"))
        )


class PeopleFilterForm(forms.Form):
    agency = agency_field(required=False)
    role = forms.ChoiceField(
        label="Vai trò", choices=[("", "Mọi vai trò"), *Membership.Role.choices], required=False
    )
    q = forms.CharField(label="Tên hoặc e-mail", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].empty_label = "Mọi cơ quan, đơn vị"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"role": "search", "aria-label": "Lọc danh sách người dùng"}
        self.helper.layout = Layout(
            Row(
                Column("agency", css_class="col-md-4"),
                Column("role", css_class="col-md-3"),
                Column("q", css_class="col-md-3"),
                Column(Submit("filter", "Lọc", css_class="mt-md-4"), css_class="col-md-2 align-self-end"),
            )
        )
