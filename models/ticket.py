"""Queue tickets and the per-day counter rows that number them."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.ids import uuid7
from motcua.extensions import db

from .base import SiteOwned
from .site import Counter, Kiosk, PriorityCategory, Queue

# waiting → called ⇄ held; called → done | no_show | waiting (transferred)
TICKET_STATUSES = ("waiting", "called", "held", "done", "no_show")


class Ticket(SiteOwned, db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("site_id", "business_date", "queue_letter", "number"),
        UniqueConstraint("site_id", "request_key"),
        Index("ix_ticket_waiting", "site_id", "business_date", "status"),
        Index("ix_ticket_queue_day", "queue_id", "business_date", "status"),
    )

    queue_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("queue.id"))
    queue_letter: Mapped[str] = mapped_column(String(1))  # numbering series, kept on transfer
    business_date: Mapped[date]
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))  # e.g. "A015"
    priority_category_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("priority_category.id")
    )
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    # A declared priority as the counter found it: None until checked, "confirmed" or "rejected".
    priority_checked: Mapped[str | None] = mapped_column(String(10))
    kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("kiosk.id"))
    request_key: Mapped[str | None] = mapped_column(String(40))
    issued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    service_started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    call_count: Mapped[int] = mapped_column(default=0)
    counter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("counter.id"))
    target_counter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("counter.id"))

    queue: Mapped[Queue] = relationship()
    priority: Mapped[PriorityCategory | None] = relationship()
    kiosk: Mapped[Kiosk | None] = relationship()
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])
    target_counter: Mapped[Counter | None] = relationship(foreign_keys=[target_counter_id])

    @property
    def is_priority(self) -> bool:
        return self.priority_category_id is not None


class NumberSeries(db.Model):
    """Last number given per reception point, day and series: ticket numbers (series = queue
    letter), dossier codes (`dossier:<agency>`) and log numbers (`log`, day = 1 January)."""

    __tablename__ = "number_series"

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    business_date: Mapped[date] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int]


class TicketCall(db.Model):
    """One call (or recall) of a ticket to a counter: what the display board shows and speaks."""

    __tablename__ = "ticket_call"
    __table_args__ = (Index("ix_ticket_call_site_at", "site_id", "called_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("reception_point.id"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("ticket.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    counter_number: Mapped[int]
    called_at: Mapped[datetime]
