"""The figures engine: every number the supervisor's dashboard, the reports and central show.

Read-only: Core selects of the needed columns, aggregates in SQL, percentiles in Python.
How each figure is counted: docs/figures.md.
"""

from .dashboard import dashboard
from .dossiers import dossier_figures, dossiers_behind
from .indicators import indicator_report
from .satisfaction import satisfaction_figures
from .scope import parse_scope
from .scoring import dossier_scores, officer_grades, unit_grade
from .tickets import ticket_figures
from .types import (
    EMPTY_STAT,
    Dashboard,
    DossierFigures,
    DossierLine,
    DossierScore,
    FeedbackFigures,
    FieldRow,
    Grade,
    Indicator,
    IndicatorGroup,
    IndicatorReport,
    LevelCount,
    OfficerRating,
    OverdueLine,
    QueueHours,
    SatisfactionFigures,
    Scope,
    ServiceRow,
    Stat,
    TicketFigures,
)

__all__ = [
    "EMPTY_STAT", "Dashboard", "DossierFigures", "DossierLine", "DossierScore", "FeedbackFigures", "FieldRow",
    "Grade", "Indicator", "IndicatorGroup", "IndicatorReport", "LevelCount", "OfficerRating", "OverdueLine",
    "QueueHours", "SatisfactionFigures", "Scope", "ServiceRow", "Stat", "TicketFigures", "dashboard",
    "dossier_figures", "dossier_scores", "dossiers_behind", "indicator_report", "officer_grades",
    "parse_scope", "satisfaction_figures", "ticket_figures", "unit_grade",
]
