"""The event log: every state change, in one versioned envelope, written in the transaction that made it.

Tables hold what the apply functions (domain.apply) derive from these rows; `flask events replay`
proves it. See docs/events.md for the catalogue of types and their payloads.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.clock import utcnow
from domain.ids import uuid7
from motcua.extensions import db

# Payloads are jsonb on PostgreSQL (central), JSON text on SQLite (sites).
Payload = JSON().with_variant(JSONB(), "postgresql")


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_type_seq", "type", "seq"),
        Index("ix_event_origin_seq", "origin_site_id", "seq"),
        Index("ix_event_aggregate_hlc", "aggregate_type", "aggregate_id", "hlc"),
        Index("ix_event_audience_seq", "audience", "seq"),
        # Who served each ticket of a period, read from the index alone (domain.figures)
        Index("ix_event_type_at_actor", "type", "occurred_at", "aggregate_id", "actor_id"),
    )

    # Local order (what a push walks); the id is what crosses machines.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid7)
    type: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(default=1, server_default="0")  # 0: before 0007, never applied
    origin_site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    aggregate_type: Mapped[str] = mapped_column(String(30), server_default="")
    aggregate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    hlc: Mapped[str] = mapped_column(String(64))  # "<ms:13>-<counter:05>-<node>", node = origin site
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)  # the origin's wall time (UTC)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    tx_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # shared by the events committed together
    payload: Mapped[dict] = mapped_column(Payload)
    pushed_at: Mapped[datetime | None]  # local: when central acknowledged it
    # Central: when it arrived, and whose pull feed carries it (a site, FEED_ALL, or none: an
    # event a site pushed about its own records goes back to nobody).
    received_at: Mapped[datetime | None]
    audience: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class EventFlag(db.Model):
    """An event kept but not applied: an illegal transition, for a supervisor to look at."""

    __tablename__ = "event_flag"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    aggregate_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    reason: Mapped[str] = mapped_column(Text)


class PersonalKey(db.Model):
    """One key per dossier sealing its personal data inside events; destroyed when retention ends."""

    __tablename__ = "personal_key"

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClockState(db.Model):
    """The hybrid logical clock's last value, and the latest wall time this site has seen."""

    __tablename__ = "clock_state"

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    last_ms: Mapped[int] = mapped_column(BigInteger)  # the clock's physical part (may follow others')
    counter: Mapped[int] = mapped_column(default=0)
    wall_ms: Mapped[int | None] = mapped_column(BigInteger)  # the latest of this machine's own wall times
