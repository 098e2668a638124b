"""The data and its single-object rules, one module per concept."""

from .agencies import Agency, Bloc, BlocMember, BlocYear, Membership
from .awards import Dossier, DossierLine, signed_dossier_path
from .base import AppendOnly
from .evidence import Citation, Document, DocumentVersion, evidence_path
from .exports import ExportJob, export_path
from .imports import ImportJob
from .pledges import AwardTitle, Covenant, Pledge, signed_covenant_path
from .reports import Report, SupersededReport, signed_report_path
from .rounds import Round, RoundKind
from .rubrics import AwardRule, Component, Criterion, RoundEvent, Rubric, Tier
from .sheets import (
    ComponentRating,
    ReviewedRating,
    Score,
    ScoreChange,
    Sheet,
    SheetSnapshot,
    SheetTransition,
)

__all__ = [
    "Agency",
    "AppendOnly",
    "AwardRule",
    "AwardTitle",
    "Covenant",
    "Pledge",
    "signed_covenant_path",
    "Round",
    "RoundKind",
    "RoundEvent",
    "Bloc",
    "BlocMember",
    "BlocYear",
    "Citation",
    "Component",
    "ComponentRating",
    "Criterion",
    "Document",
    "Dossier",
    "DossierLine",
    "DocumentVersion",
    "ExportJob",
    "ImportJob",
    "Membership",
    "Report",
    "SupersededReport",
    "ReviewedRating",
    "Rubric",
    "Score",
    "ScoreChange",
    "Sheet",
    "SheetSnapshot",
    "SheetTransition",
    "Tier",
    "evidence_path",
    "export_path",
    "signed_report_path",
    "signed_dossier_path",
]
