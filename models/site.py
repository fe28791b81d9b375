"""The reception point and its queues, counters, kiosks and priority categories."""

import uuid

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.extensions import db

from .base import SiteOwned, UuidPk

# Kinds of reception point (Decree 118/2025; post offices under Decision 45/2016).
POINT_KINDS = {
    "commune_centre": "Trung tâm Phục vụ hành chính công cấp xã",
    "provincial_branch": "Chi nhánh Trung tâm Phục vụ hành chính công tỉnh",
    "post_office": "Bưu điện văn hóa xã",
}


class ReceptionPoint(UuidPk, db.Model):
    __tablename__ = "reception_point"

    agency_code: Mapped[str] = mapped_column(String(35), unique=True)  # Decision 20/2020
    name: Mapped[str] = mapped_column(String(200))
    parent_agency: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30), default="commune_centre")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Opening hours, lunch break, the kiosk's cut-off and what to bring (domain.opening_hours).
    hours: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def kind_label(self) -> str:
        return POINT_KINDS.get(self.kind, self.kind)


counter_queue = Table(
    "counter_queue",
    db.metadata,
    Column("counter_id", Uuid, ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True),
    Column("queue_id", Uuid, ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True),
)


class Queue(SiteOwned, db.Model):
    """A line of citizens: one letter per group of fields (lĩnh vực)."""

    __tablename__ = "queue"
    __table_args__ = (UniqueConstraint("site_id", "letter"),)

    letter: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    fields: Mapped[list] = mapped_column(JSON, default=list)  # lĩnh vực served
    is_open: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    counters: Mapped[list["Counter"]] = relationship(
        secondary=counter_queue, back_populates="queues", order_by="Counter.number"
    )


class Counter(SiteOwned, db.Model):
    """A service counter (quầy) and the queues it calls from."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("site_id", "number"),)

    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120), default="")
    printer_url: Mapped[str] = mapped_column(String(300), default="preview://")
    is_open: Mapped[bool] = mapped_column(default=False)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))

    queues: Mapped[list[Queue]] = relationship(
        secondary=counter_queue, back_populates="counters", order_by="Queue.letter"
    )


class Kiosk(SiteOwned, db.Model):
    __tablename__ = "kiosk"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120), default="")
    printer_url: Mapped[str] = mapped_column(String(300), default="preview://")


class PriorityCategory(SiteOwned, db.Model):
    """Who may be served first (domain.md §10): self-declared, confirmed at the counter."""

    __tablename__ = "priority_category"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
