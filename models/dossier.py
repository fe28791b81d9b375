"""Administrative dossiers (hồ sơ thủ tục hành chính), the procedure catalogue and scans."""

import unicodedata
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from motcua.extensions import db

from .base import SiteOwned


def search_fold(text: str) -> str:
    """What a name is searched by: lower case, no diacritics, đ as d, single spaces.

    "Nguyễn Văn Đức" and "nguyen van duc" fold alike, so an officer finds a citizen however the
    name is typed. Folding is for matching only; sorting uses the Vietnamese collation.
    """
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


class Procedure(SiteOwned, db.Model):
    """A published administrative procedure (TTHC) this reception point takes in."""

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))  # national code, e.g. 1.001193
    name: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(120))  # lĩnh vực
    agency: Mapped[str] = mapped_column(String(200), default="")  # competent agency
    deadline_days: Mapped[int] = mapped_column(default=0)  # working days; 0 with same_day
    deadline_hours: Mapped[int] = mapped_column(default=0)  # some provinces set hours
    same_day: Mapped[bool] = mapped_column(default=False)
    cutoff_applies: Mapped[bool] = mapped_column(default=True)  # the 15:00 rule
    fee: Mapped[int] = mapped_column(default=0)  # VND
    fee_note: Mapped[str] = mapped_column(String(300), default="")
    documents: Mapped[list] = mapped_column(JSON, default=list)  # [{name, kind, count}]
    in_person_only: Mapped[bool] = mapped_column(default=False)
    postal_allowed: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)


class Dossier(SiteOwned, db.Model):
    """One dossier from intake to return. Status is kept in step with its events."""

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("code"),
        Index("ix_dossier_status_due", "site_id", "status", "due_at"),
        Index("ix_dossier_applicant_id", "site_id", "applicant_id_number"),
        Index("ix_dossier_site_received", "site_id", "received_at"),  # a site's day, its recent files
        Index("ix_dossier_site_returned", "site_id", "returned_at"),  # the counter's rating screen polls
        Index("ix_dossier_applicant_search", "site_id", "applicant_search"),  # find a citizen by name
        Index("ix_dossier_applicant_phone", "site_id", "applicant_phone"),
    )

    code: Mapped[str | None] = mapped_column(String(60))  # none until received
    check: Mapped[str] = mapped_column(String(12))  # "Mã tra cứu", printed and in the QR
    rule_set: Mapped[str] = mapped_column(String(10))
    procedure_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("procedure.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ticket.id"))
    channel: Mapped[str] = mapped_column(String(10), default="in_person")
    status: Mapped[str] = mapped_column(String(24))
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))

    # Mẫu 01 applicant and proxy
    applicant_name: Mapped[str] = mapped_column(String(120))
    # The name folded for search (lower case, no diacritics, đ→d): set with the name, see below.
    applicant_search: Mapped[str] = mapped_column(String(120), default="", server_default="")
    applicant_id_number: Mapped[str] = mapped_column(String(12), default="")
    applicant_birth_date: Mapped[date | None] = mapped_column(Date)
    applicant_gender: Mapped[str] = mapped_column(String(10), default="")
    applicant_address: Mapped[str] = mapped_column(String(300), default="")
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    applicant_email: Mapped[str] = mapped_column(String(120), default="")
    proxy: Mapped[dict] = mapped_column(JSON, default=dict)  # name, id_number, phone, address, authorisation

    documents: Mapped[list] = mapped_column(JSON, default=list)  # [{name, kind, count, received}]
    sets: Mapped[int] = mapped_column(default=1)
    fee: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    missing: Mapped[list] = mapped_column(JSON, default=list)  # Mẫu 02 items
    reasons: Mapped[str] = mapped_column(Text, default="")  # Mẫu 03 / refusal reasons
    reused_fields: Mapped[int] = mapped_column(default=0)  # fields offered from an earlier dossier

    received_at: Mapped[datetime | None]  # first received: fixes the code, log number and log day
    clock_started_at: Mapped[datetime | None]  # the legal clock's (re)start: received, or supplemented
    log_number: Mapped[int | None]  # Sổ theo dõi: "Số thứ tự" within the year
    due_at: Mapped[datetime | None]
    original_due_at: Mapped[datetime | None]
    rescheduled: Mapped[bool] = mapped_column(default=False)  # the date may move only once
    returned_at: Mapped[datetime | None]
    overdue_at: Mapped[datetime | None]  # when the watch found it past its date
    late_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    result_note: Mapped[str] = mapped_column(Text, default="")

    procedure: Mapped[Procedure] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="dossier",
                                                           order_by="Attachment.created_at")

    @validates("applicant_name")
    def _fold_name(self, _key, name):
        self.applicant_search = search_fold(name)[:120]
        return name


class Attachment(SiteOwned, db.Model):
    """A scanned document (số hóa), stored outside static/ and shown to staff only."""

    __tablename__ = "attachment"

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("dossier.id"), index=True)
    document: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(80))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


class CalendarOverride(SiteOwned, db.Model):
    """An announced swap, make-up Saturday or local closure, on top of the statutory holidays."""

    __tablename__ = "calendar_override"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    day: Mapped[date]
    working: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")


class DossierStep(SiteOwned, db.Model):
    """One step of a dossier's history, as the forms, the tracking page and the log read it.

    Written with the step's event and derived from it on replay; the columns hold what the step
    said (the agency it went to, the papers asked for, who collected the result, the new date).
    """

    __tablename__ = "dossier_step"
    __table_args__ = (
        Index("ix_dossier_step_dossier_at", "dossier_id", "at"),
        Index("ix_dossier_step_site_type_at", "site_id", "type", "at"),  # a period's finished dossiers
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("dossier.id"))
    type: Mapped[str] = mapped_column(String(60))  # the event type, e.g. dossier.transferred
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(24))  # the dossier's status after the step
    agency: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list] = mapped_column(JSON, default=list)
    collected_by: Mapped[str] = mapped_column(String(10), default="")  # applicant | proxy
    proxy_name: Mapped[str] = mapped_column(String(120), default="")
    authorisation: Mapped[str] = mapped_column(String(200), default="")
    due_at: Mapped[datetime | None]  # the appointment after the step
    previous_due_at: Mapped[datetime | None]
    transfer_by: Mapped[date | None]
    on_time: Mapped[bool | None]
    late: Mapped[bool | None]  # a supplement asked for beyond three working days

    dossier: Mapped[Dossier] = relationship()
