"""The province's people: who has which role where, invitations, deactivation, a staff workbook."""

from django.urls import path

from . import views as people

urlpatterns = [
    # the province's people: who has which role where, invitations, deactivation (issue 14)
    path("tinh/thiet-lap/nguoi-dung/", people.people_list, name="people_list"),
    path("tinh/thiet-lap/nguoi-dung/them/", people.person_add, name="person_add"),
    path("tinh/thiet-lap/nguoi-dung/nhap/", people.people_import, name="people_import"),
    path(
        "tinh/thiet-lap/nguoi-dung/nhap/xac-nhan/",
        people.people_import_confirm,
        name="people_import_confirm",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/khoa/",
        people.person_active,
        {"active": False},
        name="person_deactivate",
    ),
    path(
        "tinh/thiet-lap/nguoi-dung/<int:pk>/mo-khoa/",
        people.person_active,
        {"active": True},
        name="person_reactivate",
    ),
    path("tinh/thiet-lap/nguoi-dung/<int:pk>/gui-thu-moi/", people.person_invite, name="person_invite"),
]
