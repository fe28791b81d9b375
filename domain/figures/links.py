"""What citizens said about each dossier: its rating (given on the dossier, or on the ticket it was
received from) and any PAKN filed about it. Read once per Facts (memo)."""

from sqlalchemy import String, select, type_coerce

from domain.feedback import OPEN
from models import Feedback, Rating
from motcua.extensions import db

from .facts import Facts
from .sql import dialect, in_sites

WORST = {"dissatisfied": 0, "neutral": 1, "satisfied": 2}


def _stored(value):
    """A uuid as a raw read of its column gives it: SQLite keeps 32 hex digits, PostgreSQL a uuid."""
    return value.hex if dialect() == "sqlite" else value


def ratings_by_dossier(facts: Facts) -> dict:
    """Dossier id → the sentiment of its rating (the worst, if both the dossier and its ticket were rated)."""
    if "ratings" in facts.memo:
        return facts.memo["ratings"]
    found: dict = {}
    facts.memo["ratings"] = found
    if not facts.rows:
        return found
    # Keys compared as stored (a year's tens of thousands of ratings are not turned into uuid objects),
    # and only ratings given since the period's first dossier was received.
    by_ticket = {_stored(row.ticket_id): row.id for row in facts.rows if row.ticket_id is not None}
    by_dossier = {_stored(row.id): row.id for row in facts.rows}
    since = min(row.received_at for row in facts.rows)
    query = (select(type_coerce(Rating.dossier_id, String), type_coerce(Rating.ticket_id, String),
                    Rating.sentiment)
             .where(in_sites(Rating.site_id, facts.scope), Rating.rated_at >= since))
    for dossier_key, ticket_key, sentiment in db.session.execute(query):
        dossier_id = by_dossier.get(dossier_key) if dossier_key is not None else by_ticket.get(ticket_key)
        if dossier_id is None:
            continue
        if dossier_id not in found or WORST[sentiment] < WORST[found[dossier_id]]:
            found[dossier_id] = sentiment
    return found


def feedback_by_dossier(facts: Facts) -> dict:
    """Dossier id → "answered" (every PAKN about it answered on time) or "late" (one answered late,
    rejected late, or still open past its due date) or "open" (one open, not yet due)."""
    if "feedback" in facts.memo:
        return facts.memo["feedback"]
    rows = db.session.execute(select(Feedback.dossier_id, Feedback.status, Feedback.on_time, Feedback.due_at)
                              .where(in_sites(Feedback.site_id, facts.scope),
                                     Feedback.dossier_id.is_not(None)))
    rank = {"answered": 0, "open": 1, "late": 2}
    found: dict = {}
    for dossier_id, status, on_time, due_at in rows:
        closed = "answered" if on_time else "late"
        state = ("late" if due_at < facts.now else "open") if status in OPEN else closed
        if rank[state] >= rank.get(found.get(dossier_id), -1):
            found[dossier_id] = state
    facts.memo["feedback"] = found
    return found
