"""The evidence register, and a version a submitted sheet cites."""

from django.urls import path

from . import views as evidence

urlpatterns = [
    path(
        "bang-cham-diem/<int:pk>/tai-lieu/<int:document_pk>/phien-ban/<int:version>/",
        evidence.sheet_evidence_file,
        name="sheet_evidence_file",
    ),
    # the evidence register
    path("don-vi/<str:code>/tai-lieu/", evidence.evidence_list, name="evidence_list"),
    path("don-vi/<str:code>/tai-lieu/them/", evidence.evidence_create, name="evidence_create"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/sua/", evidence.evidence_edit, name="evidence_edit"),
    path("don-vi/<str:code>/tai-lieu/<int:pk>/tep/", evidence.evidence_file, name="evidence_file"),
    path("don-vi/<str:code>/tai-lieu/phan-tich/", evidence.citation_parse, name="citation_parse"),
]
