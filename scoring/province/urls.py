"""The province's desk: every bloc of a year, the province's table as jobs."""

from django.urls import path

from . import views as province

urlpatterns = [
    # the province's desk: every bloc of a year, the reports received, the province's table as jobs
    path("tinh/", province.province_desk, name="province_desk"),
    path(
        "tinh/<int:year>/tep-xuat/tao.xlsx",
        province.province_job_start,
        {"fmt": "xlsx"},
        name="province_job_start_xlsx",
    ),
    path(
        "tinh/<int:year>/tep-xuat/tao.pdf",
        province.province_job_start,
        {"fmt": "pdf"},
        name="province_job_start_pdf",
    ),
    path("tinh/<int:year>/tep-xuat/<int:pk>/", province.province_job_status, name="province_job_status"),
    path("tinh/<int:year>/tep-xuat/<int:pk>/tai/", province.province_job_file, name="province_job_file"),
]
