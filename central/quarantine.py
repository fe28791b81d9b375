"""Quarantined events: a site sent an event again under an id central had stored, with other content
(sync.central.ingest answered 409). Central keeps what it stored; an admin compares the two and
marks the case resolved once the site has been seen to."""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from domain import DomainError, NotFound
from domain.apply import envelope
from domain.clock import utcnow
from models import Event, Quarantine, ReceptionPoint
from motcua.extensions import db

LISTED = 100  # newest first; quarantine is rare, and a flood of it is one problem seen 100 times
DIFFERENCES_SHOWN = 20


@dataclass
class QuarantineCase:
    """One quarantined event beside the one central stored under its id, as pretty JSON: personal
    data stays sealed, as the envelopes carry it."""

    id: uuid.UUID
    event_id: uuid.UUID
    site: str
    agency_code: str
    type: str
    received_at: datetime
    reason: str
    resolved_at: datetime | None
    stored: str  # "" when central no longer has the event
    quarantined: str
    differences: list[str]


def quarantine_cases(limit: int = LISTED) -> list[QuarantineCase]:
    """The latest quarantined events, newest first, each with the stored event it contradicts."""
    rows = db.session.execute(
        select(Quarantine, ReceptionPoint.name, ReceptionPoint.agency_code)
        .outerjoin(ReceptionPoint, ReceptionPoint.id == Quarantine.site_id)
        .order_by(Quarantine.received_at.desc(), Quarantine.id.desc()).limit(limit)).all()
    ids = {row.event_id for row, _name, _code in rows}
    stored = {e.id: envelope(e) for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))} \
        if ids else {}
    cases = []
    for row, name, code in rows:
        kept = stored.get(row.event_id)
        sent = row.envelope if isinstance(row.envelope, dict) else {"envelope": row.envelope}
        cases.append(QuarantineCase(
            row.id, row.event_id, name or str(row.site_id), code or "", (kept or sent).get("type", "?"),
            row.received_at, row.reason, row.resolved_at, _pretty(kept) if kept else "", _pretty(sent),
            differences(kept, sent) if kept else []))
    return cases


def _pretty(env: dict) -> str:
    return json.dumps(env, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def differences(stored, sent, path: str = "") -> list[str]:
    """Where two envelopes differ, as dotted paths (payload.ticket.status), at most a screenful."""
    if isinstance(stored, dict) and isinstance(sent, dict):
        found = []
        for key in sorted(set(stored) | set(sent), key=str):
            found += differences(stored.get(key), sent.get(key), f"{path}.{key}" if path else str(key))
            if len(found) >= DIFFERENCES_SHOWN:
                return found[:DIFFERENCES_SHOWN]
        return found
    return [] if stored == sent else [path or "(envelope)"]


def resolve_quarantine(case_id) -> Quarantine:
    """Mark a quarantined event dealt with: it leaves the open count, and stays listed."""
    try:
        row = db.session.get(Quarantine, uuid.UUID(str(case_id)), with_for_update=True)
    except ValueError:
        row = None
    if row is None:
        raise NotFound("Không tìm thấy sự kiện bị cách ly này.")
    if row.resolved_at is not None:
        raise DomainError("Sự kiện {event} đã được đánh dấu đã xử lý.", event=str(row.event_id))
    row.resolved_at = utcnow()
    return row
