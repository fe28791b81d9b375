"""Bring a database from before the event envelope (migration 0007) under the log.

Its old events stay as they were (version 0: kept, never applied). Every row the log covers that
no event describes is recorded once, as it stands (`baseline.<entity>`); the old events' dossier
steps and ticket calls are first made rows, so the history and the board read as before.
"""

from sqlalchemy import select

from models import Dossier, DossierStep, Event, Ticket, TicketCall
from motcua.extensions import db

from .event_catalogue import ENTITIES
from .events import record

_STEP_FIELDS = {"agency": "agency", "reason": "reason", "reasons": "reason", "items": "items",
                "missing": "items", "collected_by": "collected_by", "proxy_name": "proxy_name",
                "authorisation": "authorisation"}


def _legacy_rows() -> None:
    """Steps and calls from the old events' payloads, for dossiers and tickets that have none."""
    have_steps = set(db.session.scalars(select(DossierStep.dossier_id).distinct()))
    have_calls = set(db.session.scalars(select(TicketCall.ticket_id).distinct()))
    legacy = db.session.scalars(select(Event).where(Event.version == 0).order_by(Event.seq))
    for event in legacy:
        payload = event.payload or {}
        if event.aggregate_type == "dossier" and event.aggregate_id not in have_steps:
            dossier = db.session.get(Dossier, event.aggregate_id)
            if dossier is None:
                continue
            step = DossierStep(site_id=dossier.site_id, dossier_id=dossier.id, type=event.type,
                               at=event.occurred_at, actor_id=event.actor_id,
                               status=payload.get("status") or dossier.status)
            for key, column in _STEP_FIELDS.items():
                if payload.get(key) not in (None, ""):
                    setattr(step, column, payload[key])
            db.session.add(step)
        elif event.type in ("ticket.called", "ticket.recalled") and event.aggregate_id not in have_calls:
            ticket = db.session.get(Ticket, event.aggregate_id)
            if ticket is not None and payload.get("counter") is not None:
                db.session.add(TicketCall(
                    site_id=ticket.site_id, ticket_id=ticket.id, code=ticket.code,
                    counter_number=int(payload["counter"]), called_at=event.occurred_at))
    db.session.flush()


def record_baseline() -> int:
    """Record every covered row no event describes; return how many events were written."""
    _legacy_rows()
    described = {(t, i) for t, i in db.session.execute(
        select(Event.aggregate_type, Event.aggregate_id).where(Event.version > 0).distinct())}
    count = 0
    for name, entity in ENTITIES.items():
        for row in db.session.scalars(select(entity.model)):
            aggregate_id = row.id if entity.parent == "id" else getattr(row, entity.parent)
            if (entity.aggregate, aggregate_id) in described:
                continue  # recorded by its own events, children included
            record(f"baseline.{name}", row)
            count += 1
    return count
