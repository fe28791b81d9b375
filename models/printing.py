"""Print jobs: written with the ticket, sent after commit by the print worker."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from motcua.extensions import db

from .base import SiteOwned


# pending → sending → sent | pending (retry) | failed
class PrinterState(SiteOwned, db.Model):
    """What the site last knew of a printer: its answer to DLE EOT and the last job's outcome."""

    __tablename__ = "printer_state"
    __table_args__ = (UniqueConstraint("site_id", "printer_url"),)

    printer_url: Mapped[str] = mapped_column(String(300))
    online: Mapped[bool | None]  # None: the printer did not say (no answer, or no status on this link)
    paper: Mapped[str | None] = mapped_column(String(10))  # ok | near_end | out | None
    detail: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]

    @property
    def down(self) -> bool:
        """Known not to print: offline, out of paper, or its last job failed."""
        return self.online is False or self.paper == "out" or bool(self.last_error)


JOB_STATUSES = {
    "pending": "chờ in",
    "sending": "đang in",
    "sent": "đã in",
    "failed": "in lỗi",
    "cancelled": "đã huỷ",
}


class PrintJob(SiteOwned, db.Model):
    __tablename__ = "print_job"
    __table_args__ = (
        Index("ix_print_job_due", "status", "next_attempt_at"),
        Index("ix_print_job_line", "status", "printer_url", "id"),
    )

    printer_url: Mapped[str] = mapped_column(String(300))
    device: Mapped[str] = mapped_column(String(40))  # "kiosk K1", "counter 2": for staff
    document: Mapped[str] = mapped_column(String(20))  # "ticket"
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payload: Mapped[dict] = mapped_column(JSON)  # what to print, frozen at issue time
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    byte_count: Mapped[int] = mapped_column(default=0)
