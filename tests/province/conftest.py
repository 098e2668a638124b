"""Two blocs in 2022: the cast's TMTH (VP, TTR, STC; VP's sheet as the test leaves it) and VHXH (Sở Y tế,
Sở Giáo dục), both of whose sheets are accepted and ranked, each with a signed report."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from scoring.models import Bloc, BlocMember, BlocYear, Criterion, Report, Rubric, Score, Sheet
from scoring.rubrics.services import criterion_specs, rubric_write_criteria
from scoring.rubrics.tree import rubric_tree

from ..factories import PDF, make_agency


def make_bloc(code: str, name: str, rubric: Rubric, members: dict[str, tuple[str, str]], year: int = 2022):
    """A bloc with the rubric's criteria, its members (code → (name, points on criterion 1.1)) accepted."""
    bloc = Bloc.objects.create(code=code, name=name)
    own = Rubric.objects.create(bloc=bloc, year=year, title=f"Bảng tiêu chí {code}", status="open")
    rubric_write_criteria(rubric=own, criteria=criterion_specs(rubric_tree(rubric)))
    agencies = [make_agency(agency_code, agency_name) for agency_code, (agency_name, _) in members.items()]
    bloc_year = BlocYear.objects.create(bloc=bloc, year=year, leader=agencies[0], deputy_leader=agencies[1])
    criterion = Criterion.objects.get(rubric=own, key="1:1.1")
    for agency, (_, points) in zip(agencies, members.values(), strict=True):
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        sheet = Sheet.objects.create(rubric=own, agency=agency, status=Sheet.Status.ACCEPTED)
        Score.objects.create(sheet=sheet, criterion=criterion, points=Decimal(points), bonus=Decimal(0))
        report = Report.objects.create(sheet=sheet, number="7")
        report.signed_pdf.save("bao-cao.pdf", ContentFile(PDF))
    return bloc_year


@pytest.fixture
def province(vp_sheet, rubric_2022):
    vhxh = make_bloc(
        "VHXH",
        "Khối Văn hóa - Xã hội",
        rubric_2022,
        {"SYT": ("Sở Y tế", "80"), "SGD": ("Sở Giáo dục và Đào tạo", "95,5".replace(",", "."))},
    )
    return {"TMTH": BlocYear.objects.get(bloc__code="TMTH"), "VHXH": vhxh}
