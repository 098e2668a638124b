from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from scoring import views

admin.site.site_header = "Chấm điểm thi đua – quản trị"
admin.site.site_title = "Chấm điểm thi đua"

urlpatterns = [
    path("", views.home, name="home"),
    path("bang-cham-diem/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quan-tri/", admin.site.urls),
]
