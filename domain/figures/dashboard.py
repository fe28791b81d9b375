"""Everything the supervisor's dashboard shows, in one call (the dossier pass is shared)."""

from datetime import datetime

from domain.clock import utcnow

from .dossiers import figures_from
from .facts import load_facts
from .indicators import report_from
from .satisfaction import satisfaction_figures
from .scoring import officer_grades_from, scores_from, unit_grade_from
from .tickets import ticket_figures
from .types import Dashboard, Scope


def dashboard(scope: Scope, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    facts = load_facts(scope, now)
    scores = scores_from(facts)
    return Dashboard(scope=scope, tickets=ticket_figures(scope, now), dossiers=figures_from(facts),
                     satisfaction=satisfaction_figures(scope, now), indicators=report_from(facts),
                     officer_grades=officer_grades_from(scores), unit_grade=unit_grade_from(scope, scores))
