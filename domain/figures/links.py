"""What citizens said about each dossier: its rating (given on the dossier, or on the ticket it was
received from) and any PAKN filed about it. Small sets, read per scope's sites."""

from datetime import datetime

from sqlalchemy import select

from domain.feedback import OPEN
from models import Dossier, Feedback, Rating
from motcua.extensions import db

from .sql import in_sites
from .types import Scope

WORST = {"dissatisfied": 0, "neutral": 1, "satisfied": 2}


def ratings_by_dossier(scope: Scope) -> dict:
    """Dossier id → the sentiment of its rating (the worst, if both the dossier and its ticket were rated)."""
    direct = select(Rating.dossier_id, Rating.sentiment).where(
        in_sites(Rating.site_id, scope), Rating.dossier_id.is_not(None))
    via_ticket = (select(Dossier.id, Rating.sentiment).join(Rating, Rating.ticket_id == Dossier.ticket_id)
                  .where(in_sites(Dossier.site_id, scope), Dossier.ticket_id.is_not(None)))
    found: dict = {}
    for dossier_id, sentiment in [*db.session.execute(direct), *db.session.execute(via_ticket)]:
        if dossier_id not in found or WORST[sentiment] < WORST[found[dossier_id]]:
            found[dossier_id] = sentiment
    return found


def feedback_by_dossier(scope: Scope, now: datetime) -> dict:
    """Dossier id → "answered" (every PAKN about it answered on time) or "late" (one answered late,
    rejected late, or still open past its due date) or "open" (one open, not yet due)."""
    rows = db.session.execute(select(Feedback.dossier_id, Feedback.status, Feedback.on_time, Feedback.due_at)
                              .where(in_sites(Feedback.site_id, scope), Feedback.dossier_id.is_not(None)))
    rank = {"answered": 0, "open": 1, "late": 2}
    found: dict = {}
    for dossier_id, status, on_time, due_at in rows:
        closed = "answered" if on_time else "late"
        state = ("late" if due_at < now else "open") if status in OPEN else closed
        if rank[state] >= rank.get(found.get(dossier_id), -1):
            found[dossier_id] = state
    return found
