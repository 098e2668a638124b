"""The province administrator's people pages: one person, a spreadsheet, invitations, deactivation. A
spreadsheet's confirmation runs as a job, here at once (django-tasks' ImmediateBackend: `confirm_now`; the
real worker in test_import_jobs.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from scoring.jobs import staging
from scoring.models import ImportJob, Membership

from ..factories import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "mot-mat-khau-rat-dai-2023"


@pytest.fixture
def admin(client, cast):
    client.force_login(cast["admin"])
    return client


def roster(rows, header=("Họ và tên", "E-mail", "Vai trò")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    path = staging.root().parent / "roster.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return SimpleUploadedFile("danh-sach.xlsx", path.read_bytes())


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/moi/\S+/)", message.body).group(1)


def test_it_adds_a_person_and_the_invitation_lets_them_set_a_password_and_log_in(admin, agencies):
    response = admin.post(
        reverse("person_add"),
        {
            "agency": "VP",
            "full_name": "  Nguyễn  Thị Hoa ",
            "email": "Hoa.NT@QuangNgai.gov.vn",
            "role": "editor",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("people_list") + "?agency=VP"
    user = User.objects.get(username="hoa.nt@quangngai.gov.vn")
    assert (user.last_name, user.first_name, user.email) == ("Nguyễn Thị", "Hoa", "hoa.nt@quangngai.gov.vn")
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("agency__code", "role")) == [("VP", "editor")]
    (message,) = mail.outbox
    assert message.to == ["hoa.nt@quangngai.gov.vn"]
    assert "Kính gửi Nguyễn Thị Hoa" in message.body and "Cán bộ nhập liệu – Cơ quan VP" in message.body
    assert "Tên đăng nhập: hoa.nt@quangngai.gov.vn" in message.body and "trong 3 ngày" in message.body

    person = Client()
    page = person.get(link_in(message), follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    done = person.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    login = person.post(reverse("login"), {"username": "hoa.nt@quangngai.gov.vn", "password": NEW_PASSWORD})
    assert login.status_code == 302 and login["Location"] == reverse("home")
    # the link served once: it no longer works
    again = Client().get(link_in(message), follow=True)
    assert not again.context["validlink"]
    assert "không dùng được nữa" in again.content.decode()


def test_a_used_email_is_refused_with_a_clear_message(admin, cast, agencies):
    cast["editor"].email = "bientap@vp.gov.vn"
    cast["editor"].save()
    response = admin.post(
        reverse("person_add"),
        {"agency": "STC", "full_name": "Lê Văn Bình", "email": "BienTap@vp.gov.vn", "role": "head"},
    )
    assert response.status_code == 200
    assert (
        "E-mail bientap@vp.gov.vn đã có tài khoản (bientap – Cơ quan VP): không thêm lần nữa."
        in (response.context["form"].errors["email"])
    )
    assert not User.objects.filter(email__iexact="bientap@vp.gov.vn").exclude(pk=cast["editor"].pk).exists()
    assert mail.outbox == []


def test_the_province_admin_role_is_refused_outside_the_province_office(admin, agencies):
    response = admin.post(
        reverse("person_add"),
        {"agency": "VP", "full_name": "Lê Văn Bình", "email": "binh@vp.gov.vn", "role": "admin"},
    )
    assert "chỉ dành cho người của cơ quan thường trực" in response.context["form"].errors["role"][0]
    assert not User.objects.filter(username="binh@vp.gov.vn").exists()


STAFF = [
    ("Trần Văn An", "an@stc.gov.vn", "Cán bộ nhập liệu"),
    ("Phạm Thị Bích Ngọc", "ngoc@stc.gov.vn", "Thủ trưởng"),
    ("Võ Minh Châu", "chau@stc.gov.vn", "Cán bộ chấm điểm của khối"),
]


def test_a_spreadsheet_with_a_bad_row_writes_nothing_and_shows_the_rows_error_then_fixed_writes_all(
    admin, agencies, confirm_now
):
    bad = [*STAFF[:2], ("Võ Minh Châu", "chau@stc", "Thư ký")]
    response = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(bad)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Có 2 lỗi ở các dòng đánh dấu dưới đây: không nhập ai." in page
    assert "“chau@stc” không phải là địa chỉ e-mail dùng được." in page
    assert "“Thư ký” không phải là vai trò." in page
    assert [p.row for p in response.context["checked"] if p.errors] == [5]
    assert response.context["staged"] is None and staging.leftovers() == []
    assert not User.objects.filter(email__endswith="@stc.gov.vn").exists() and mail.outbox == []

    preview = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    token = preview.context["staged"].token
    assert "Xác nhận: thêm 3 người" in preview.content.decode()
    assert not User.objects.filter(email__endswith="@stc.gov.vn").exists()  # a preview writes nothing
    done = confirm_now(admin, reverse("people_import_confirm"), {"token": token, "action": "confirm"})
    job = ImportJob.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("people_import") + f"?tac-vu={job.pk}#tac-vu"
    page = admin.get(done["Location"]).content.decode()
    assert "Đã thêm 3 người vào Cơ quan STC. Đã gửi thư mời đặt mật khẩu cho từng người." in page
    assert f'href="{reverse("people_list")}?agency=STC">Xem danh sách người dùng' in page
    made = Membership.objects.filter(agency__code="STC").exclude(user__username="stc.bientap")
    assert sorted(made.values_list("user__username", "role", "user__last_name", "user__first_name")) == [
        ("an@stc.gov.vn", "editor", "Trần Văn", "An"),
        ("chau@stc.gov.vn", "reviewer", "Võ Minh", "Châu"),
        ("ngoc@stc.gov.vn", "head", "Phạm Thị Bích", "Ngọc"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["an@stc.gov.vn", "chau@stc.gov.vn", "ngoc@stc.gov.vn"]
    assert staging.leftovers() == []


def test_an_address_taken_between_preview_and_confirm_writes_nobody(admin, agencies, confirm_now):
    preview = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    User.objects.create_user(username="ngoc@stc.gov.vn", email="ngoc@stc.gov.vn")
    response = confirm_now(
        admin,
        reverse("people_import_confirm"),
        {"token": preview.context["staged"].token, "action": "confirm"},
    )
    assert response.status_code == 302
    assert ImportJob.objects.get().errors == [
        "Dòng 4: E-mail ngoc@stc.gov.vn đã có tài khoản (ngoc@stc.gov.vn): không thêm lần nữa."
    ]
    page = admin.get(response["Location"]).content.decode()
    assert "Không nhập được" in page and "ngoc@stc.gov.vn đã có tài khoản" in page
    assert not User.objects.filter(username__in=["an@stc.gov.vn", "chau@stc.gov.vn"]).exists()
    assert mail.outbox == [] and staging.leftovers() == []


def test_when_the_mail_server_refuses_the_people_stay_and_the_page_says_to_send_again(
    admin, agencies, confirm_now, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nobody listens
    preview = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    response = confirm_now(
        admin,
        reverse("people_import_confirm"),
        {"token": preview.context["staged"].token, "action": "confirm"},
    )
    job = ImportJob.objects.get()
    assert job.status == "done" and job.message.startswith("Đã thêm 3 người vào Cơ quan STC. Chưa gửi được")
    assert User.objects.filter(email__endswith="@stc.gov.vn").count() == 3
    assert "bấm “Gửi lại thư mời”" in admin.get(response["Location"]).content.decode()
    assert staging.leftovers() == []


def test_twice_the_same_address_in_a_file_and_files_that_are_not_rosters(admin, agencies):
    twice = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster([STAFF[0], STAFF[0]])})
    assert "E-mail an@stc.gov.vn đã có ở dòng 3 của tệp." in twice.content.decode()
    csv = admin.post(
        reverse("people_import"), {"agency": "STC", "upload": SimpleUploadedFile("a.xlsx", b"ho ten,email\n")}
    )
    assert "không phải là tệp Excel .xlsx" in csv.context["form"].errors["upload"][0]
    layout = admin.post(
        reverse("people_import"), {"agency": "STC", "upload": roster([STAFF[0]], header=("Tên", "Thư"))}
    )
    assert (
        "Không tìm thấy dòng tiêu đề (Họ và tên | E-mail | Vai trò)"
        in layout.context["form"].errors["upload"][0]
    )
    assert staging.leftovers() == [] and not User.objects.filter(email__endswith="@stc.gov.vn").exists()


def test_cancel_removes_the_kept_file_and_writes_nothing(admin, agencies):
    preview = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    assert len(staging.leftovers()) == 2  # the workbook and what it is for
    admin.post(
        reverse("people_import_confirm"), {"token": preview.context["staged"].token, "action": "cancel"}
    )
    assert staging.leftovers() == [] and not User.objects.filter(email__endswith="@stc.gov.vn").exists()


def test_a_staged_file_expires(admin, agencies):
    admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    assert staging.sweep(now=__import__("time").time() + staging.STAGING_SECONDS + 1) == 2
    assert staging.leftovers() == []


def test_deactivating_ends_the_session_and_the_login_reactivating_restores_it(admin, cast):
    editor = Client()
    assert (
        editor.post(
            reverse("login"), {"username": "bientap", "password": "mat-khau-thu-nghiem-1"}
        ).status_code
        == 302
    )
    assert editor.get(reverse("home")).status_code == 200
    response = admin.post(reverse("person_deactivate", args=[cast["editor"].pk]))
    assert response.status_code == 302
    cast["editor"].refresh_from_db()
    assert not cast["editor"].is_active
    assert editor.get(reverse("home"))["Location"].startswith(reverse("login"))  # the open session ended
    login = Client().post(reverse("login"), {"username": "bientap", "password": "mat-khau-thu-nghiem-1"})
    assert login.status_code == 200  # refused
    admin.post(reverse("person_reactivate", args=[cast["editor"].pk]))
    login = Client().post(reverse("login"), {"username": "bientap", "password": "mat-khau-thu-nghiem-1"})
    assert login.status_code == 302


def test_nobody_deactivates_themself(admin, cast):
    admin.post(reverse("person_deactivate", args=[cast["admin"].pk]))
    cast["admin"].refresh_from_db()
    assert cast["admin"].is_active


def test_an_old_invitation_does_not_open_a_locked_account(admin, agencies):
    admin.post(
        reverse("person_add"),
        {"agency": "VP", "full_name": "Đỗ Văn Tâm", "email": "tam@vp.gov.vn", "role": "editor"},
    )
    user = User.objects.get(username="tam@vp.gov.vn")
    admin.post(reverse("person_deactivate", args=[user.pk]))
    page = Client().get(link_in(mail.outbox[0]), follow=True)
    assert not page.context["validlink"]


def test_the_table_shows_who_has_which_role_where_filtered_by_agency(
    admin, cast, agencies, django_assert_num_queries
):
    for n in range(20):  # the count does not grow with the people
        make_user(User, f"them.{n}", agencies["VP"])
    # session, user, roles, the chosen agency, the memberships, the filter's agencies, the session's update
    with django_assert_num_queries(9):
        response = admin.get(reverse("people_list"), {"agency": "VP"})
    rows = [(m.agency.code, m.user.username, m.role) for m in response.context["rows"]]
    assert rows and all(code == "VP" for code, _, _ in rows)
    assert ("VP", "thutruong", "head") in rows and ("VP", "bientap", "editor") in rows
    page = response.content.decode()
    assert "Thủ trưởng" in page and "Cán bộ nhập liệu" in page
    everyone = admin.get(reverse("people_list"), {"role": "reviewer"}).context["rows"]
    assert {m.user.username for m in everyone} == {"chamdiem", "vp.chamdiem"}


def test_resending_an_invitation(admin, agencies):
    admin.post(
        reverse("person_add"),
        {"agency": "VP", "full_name": "Đỗ Văn Tâm", "email": "tam@vp.gov.vn", "role": "editor"},
    )
    user = User.objects.get(username="tam@vp.gov.vn")
    admin.post(reverse("person_invite", args=[user.pk]))
    assert [m.to for m in mail.outbox] == [["tam@vp.gov.vn"], ["tam@vp.gov.vn"]]


# every set-up page's form, empty: session, user, roles, the choices of its select, the session's update
# (savepoint, update, release)
FORMS = {"person_add": 7, "people_import": 7, "rubric_import": 7, "sheet_import": 7, "import_home": 6}


@pytest.mark.parametrize("name", FORMS)
def test_the_set_up_forms_cost_a_fixed_number_of_queries(admin, agencies, name, django_assert_num_queries):
    with django_assert_num_queries(FORMS[name]):
        response = admin.get(reverse(name))
    assert response.status_code == 200


def test_the_navbar_leads_the_province_administrator_only_to_the_set_up_pages(admin, cast):
    page = admin.get(reverse("home")).content.decode()
    assert f'href="{reverse("setup_home")}">Thiết lập' in page
    tabs = admin.get(reverse("setup_home")).content.decode()
    assert f'href="{reverse("people_list")}">Người dùng</a>' in tabs
    assert f'href="{reverse("import_home")}">Nhập từ Excel</a>' in tabs
    editor = Client()
    editor.force_login(cast["editor"])
    assert reverse("setup_home") not in editor.get(reverse("home")).content.decode()


def test_an_upload_that_fails_half_way_leaves_no_file(cast):
    upload = roster(STAFF)

    def broken():
        yield b"PK\x03\x04"
        raise OSError("Không còn chỗ trống trên đĩa")

    upload.chunks = broken
    with pytest.raises(OSError):
        staging.stage(upload, user=cast["admin"], kind="people", params={})
    assert staging.leftovers() == []
