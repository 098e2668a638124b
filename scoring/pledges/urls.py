"""The pledges: an agency's đăng ký thi đua, the bloc's giao ước, the province's titles."""

from django.urls import path

from . import views as pledges

urlpatterns = [
    # pledges: an agency's đăng ký thi đua, the bloc's giao ước, the province's catalogue of titles (issue 16)
    path("don-vi/<str:code>/dang-ky-thi-dua/<int:year>/", pledges.pledge_edit, name="pledge_edit"),
    path("don-vi/<str:code>/dang-ky-thi-dua/<int:year>/gui/", pledges.pledge_submit, name="pledge_submit"),
    path("khoi/<str:code>/<int:year>/giao-uoc/", pledges.covenant_page, name="covenant_page"),
    path("khoi/<str:code>/<int:year>/giao-uoc/tai.pdf", pledges.covenant_download, name="covenant_download"),
    path("khoi/<str:code>/<int:year>/giao-uoc/ky/", pledges.covenant_sign, name="covenant_sign"),
    path("tinh/thiet-lap/danh-hieu/", pledges.award_titles, name="award_titles"),
    path("tinh/thiet-lap/danh-hieu/<int:pk>/", pledges.award_title_edit, name="award_title_edit"),
]
