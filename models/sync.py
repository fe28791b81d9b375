"""Sync bookkeeping: what central knows of each site, and what a site knows of central.

None of these rows are events: they describe the link between two machines, not the business, and
stay on the machine that wrote them.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.clock import utcnow
from domain.ids import uuid7
from motcua.extensions import db

Envelope = JSON().with_variant(JSONB(), "postgresql")


class SiteCredential(db.Model):
    """Central: a site's sync credential, `<key id>.<secret>`; only the secret's SHA-256 is kept.

    A site may hold two at once while one replaces the other (rotation without downtime)."""

    __tablename__ = "site_credential"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("reception_point.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)  # public part, to find the row
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class SiteLink(db.Model):
    """Central: the last time each site was heard from, and what it said of itself."""

    __tablename__ = "site_link"

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("reception_point.id"), primary_key=True)
    last_contact_at: Mapped[datetime | None]
    last_push_at: Mapped[datetime | None]  # the last push that stored everything it carried
    last_pull_at: Mapped[datetime | None]
    events_waiting: Mapped[int] = mapped_column(default=0)  # as the site reported it
    events_received: Mapped[int] = mapped_column(BigInteger, default=0)
    clock_offset_ms: Mapped[int | None] = mapped_column(BigInteger)  # site's clock minus central's


class Quarantine(db.Model):
    """Central: an event a site sent again with other content (HTTP 409), kept for an admin."""

    __tablename__ = "sync_quarantine"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    envelope: Mapped[dict] = mapped_column(Envelope)
    resolved_at: Mapped[datetime | None]


class SyncState(db.Model):
    """Site: the central server it is enrolled with, the pull cursor and the last outcomes."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)  # one row: 1
    central_url: Mapped[str] = mapped_column(String(300))
    credential: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # central's event seq, applied up to
    pushed_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # our event seq, answered up to
    public_url: Mapped[str] = mapped_column(String(300), default="")  # central's public address (QR)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=0)  # in a row, since the last success
    central_time: Mapped[datetime | None]  # central's clock as last seen (UTC)
    central_time_seen_at_ms: Mapped[int | None] = mapped_column(BigInteger)  # our wall ms then


class SyncProblem(db.Model):
    """Site: an event central would not store (refused or conflicting); not sent again."""

    __tablename__ = "sync_problem"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # refused | conflict
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
