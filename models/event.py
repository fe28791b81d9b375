"""The append-only outbox: every state change, written in the transaction that made it."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.clock import utcnow
from domain.ids import uuid7
from motcua.extensions import db


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_kind_seq", "kind", "seq"),
        Index("ix_event_site_kind_seq", "site_id", "kind", "seq"),
    )

    # Local order for pushing; the id is what crosses machines.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid7)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    pushed_at: Mapped[datetime | None]


class ClockState(db.Model):
    """The hybrid logical clock's last value, and the latest wall time this site has seen."""

    __tablename__ = "clock_state"

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    last_ms: Mapped[int] = mapped_column(BigInteger)
    counter: Mapped[int] = mapped_column(default=0)
