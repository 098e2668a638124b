"""The bloc's giao ước thi đua as a document (Nghị định 30/2020), built like the report (exports.pdf)."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from ..exports.pdf import dateline, pdf_with_signature_box, render
from ..models import Agency, Covenant, Pledge


@dataclass(frozen=True)
class Party:
    """One member of the bloc in the giao ước: what it registered and who signs for it."""

    agency: Agency
    role: str  # "Khối trưởng", "Khối phó" or ""
    titles: list[str]
    commitments: list[str]
    is_leader: bool


def covenant_parties(covenant: Covenant) -> list[Party]:
    """The leader first, then the deputy, then the other members by name (two queries)."""
    bloc_year = covenant.bloc_year
    pledges = {
        p.agency_id: p
        for p in Pledge.objects.filter(bloc_year=bloc_year, status=Pledge.Status.SUBMITTED).prefetch_related(
            "titles"
        )
    }
    members = sorted(
        bloc_year.members.all(),
        key=lambda a: (a.pk != bloc_year.leader_id, a.pk != bloc_year.deputy_leader_id, a.name),
    )
    parties = []
    for agency in members:
        pledge = pledges.get(agency.pk)
        role = {bloc_year.leader_id: "Khối trưởng", bloc_year.deputy_leader_id: "Khối phó"}.get(agency.pk, "")
        parties.append(
            Party(
                agency=agency,
                role=role,
                titles=[t.name for t in pledge.titles.all()] if pledge else [],
                commitments=pledge.commitment_lines() if pledge else [],
                is_leader=agency.pk == bloc_year.leader_id,
            )
        )
    return parties


def covenant_html(covenant: Covenant) -> str:
    bloc_year = covenant.bloc_year
    leader = bloc_year.leader
    context = {
        "covenant": covenant,
        "bloc": bloc_year.bloc,
        "year": bloc_year.year,
        "leader": leader,
        "governing_body": leader.governing_body if leader else "",
        "dateline": dateline(leader.place if leader else "", covenant.issued_on, bloc_year.year),
        "parties": covenant_parties(covenant),
    }
    return render_to_string("documents/covenant.html", context)


def covenant_pdf(covenant: Covenant) -> bytes:
    return render(covenant_html(covenant)).write_pdf()


def covenant_pdf_with_signature_box(covenant: Covenant):
    """The giao ước and where the leader's head signs: (pdf, page index, box in PDF points)."""
    return pdf_with_signature_box(covenant_html(covenant))
