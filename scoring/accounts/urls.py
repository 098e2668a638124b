"""The province's people, invitations, an import job's status."""

from django.urls import path

from . import views as accounts

urlpatterns = [
    # the province's people: who has which role where, invitations, deactivation (issue 14)
    path("tinh/thiet-lap/nguoi-dung/", accounts.people_list, name="people_list"),
    path("tinh/thiet-lap/nguoi-dung/them/", accounts.person_add, name="person_add"),
    path("tinh/thiet-lap/nguoi-dung/nhap/", accounts.people_import, name="people_import"),
    path(
        "tinh/thiet-lap/nguoi-dung/nhap/xac-nhan/",
        accounts.people_import_confirm,
        name="people_import_confirm",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/khoa/",
        accounts.person_active,
        {"active": False},
        name="person_deactivate",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/mo-khoa/",
        accounts.person_active,
        {"active": True},
        name="person_reactivate",
    ),
    path("tinh/thiet-lap/nguoi-dung/<int:pk>/gui-thu-moi/", accounts.person_invite, name="person_invite"),
    # a confirmed import runs as a job: its page polls this until it is done (issue 15)
    path("tinh/thiet-lap/nhap/tac-vu/<int:pk>/", accounts.import_job_status, name="import_job_status"),
    path("moi/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
]
