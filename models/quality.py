"""What citizens say of the service: ratings at the kiosk or the counter's citizen screen, and
feedback and complaints (phản ánh, kiến nghị — PAKN), tracked like a dossier.

Neither asks for personal data: a rating names only the service and the officer, and a PAKN is
followed by its code and check (the QR on its receipt), not by the citizen's name or phone.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.extensions import db

from .base import SiteOwned
from .dossier import Dossier

RATING_CHANNELS = ("counter_screen", "kiosk")
SENTIMENTS = ("satisfied", "neutral", "dissatisfied")
FEEDBACK_STATUSES = ("received", "assigned", "answered", "rejected")


class Rating(SiteOwned, db.Model):
    """One citizen's rating of one service: a finished ticket or a returned dossier, never both."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("ticket_id"),
        UniqueConstraint("dossier_id"),
        Index("ix_rating_site_at", "site_id", "rated_at"),
    )

    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ticket.id"))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("dossier.id"))
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))
    counter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("counter.id"))
    channel: Mapped[str] = mapped_column(String(16))  # RATING_CHANNELS
    scale: Mapped[int]  # 3, 4 or 5 levels
    level: Mapped[int]  # 1 (worst) … scale (best)
    sentiment: Mapped[str] = mapped_column(String(12))  # SENTIMENTS: "dissatisfied" is 766's dislike
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # reason codes (domain.ratings.REASONS)
    rated_at: Mapped[datetime]


class Feedback(SiteOwned, db.Model):
    """A PAKN: received with a code and a receipt, assigned, answered (or rejected) by a deadline."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("code"),
        Index("ix_feedback_site_received", "site_id", "received_at"),
        Index("ix_feedback_site_status", "site_id", "status", "due_at"),
    )

    code: Mapped[str] = mapped_column(String(60))  # <agency>-PA-yymmdd-NNNN
    check: Mapped[str] = mapped_column(String(12))  # printed and in the QR, as for dossiers
    channel: Mapped[str] = mapped_column(String(16))  # kiosk | counter
    kind: Mapped[str] = mapped_column(String(16))  # phan_anh | kien_nghi
    topic: Mapped[str] = mapped_column(String(30))  # domain.feedback.TOPICS
    content: Mapped[str] = mapped_column(Text)
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("dossier.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ticket.id"))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(12))  # FEEDBACK_STATUSES
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]  # the answer's deadline (15 working days, end of that day)
    reject_by: Mapped[datetime]  # a rejection's deadline (2 working days)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))
    assigned_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(Text, default="")  # the answer, or why it was rejected
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))
    on_time: Mapped[bool | None]  # set when answered or rejected

    dossier: Mapped[Dossier | None] = relationship()
