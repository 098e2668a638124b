from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from scoring import system

# vpub/apps.py leaves this to the URLconf: the admin modules, registered before admin.site.urls is read.
admin.autodiscover()
admin.site.site_header = "Chấm điểm thi đua – quản trị"
admin.site.site_title = "Chấm điểm thi đua"

# Each wing's pages are in its own urls.py; the order is the old single list's, wing by wing (no two
# wings' patterns match the same address, so the order decides nothing; tests/test_urls.py checks it).
urlpatterns = [
    path("", include("scoring.sheets.urls")),
    path("", include("scoring.reports.urls")),
    path("", include("scoring.review.urls")),
    path("", include("scoring.awards.urls")),
    path("", include("scoring.province.urls")),
    path("", include("scoring.province.setup.urls")),
    path("", include("scoring.province.people.urls")),
    path("", include("scoring.province.imports.urls")),
    path("", include("scoring.evidence.urls")),
    path("", include("scoring.history.urls")),
    path("", include("scoring.pledges.urls")),
    path("", include("scoring.rubrics.urls")),
    path("", include("scoring.accounts.urls")),
    # accounts and operations
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", system.healthz, name="healthz"),
    path("quan-tri/", admin.site.urls),
]

# Django's own handlers render our Vietnamese 400.html, 403.html and 404.html (400 without the request, so
# that a request too broken to read cannot break its own error page); 500 has its own, with the request id.
handler400 = "django.views.defaults.bad_request"
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "scoring.system.server_error"
