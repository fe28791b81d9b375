"""Staff accounts, their sessions and login attempts."""

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from domain.clock import utcnow
from motcua.extensions import db

from .base import SiteOwned

ROLES = {
    "admin": "Quản trị hệ thống",
    "supervisor": "Lãnh đạo, giám sát",
    "officer": "Cán bộ tiếp nhận",
    "postal_officer": "Nhân viên bưu điện",
}
COUNTER_ROLES = frozenset({"officer", "postal_officer", "supervisor"})


# Accounts are province-wide (managed at central); each is assigned to the sites where it may work.
staff_site = Table(
    "staff_site",
    db.metadata,
    Column("staff_id", Uuid, ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", Uuid, ForeignKey("reception_point.id", ondelete="CASCADE"), primary_key=True),
)


class StaffUser(UserMixin, SiteOwned, db.Model):
    """`site_id` is the home site; an account with no `staff_site` rows works there only."""

    __tablename__ = "staff_user"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)  # bump to log out everywhere
    sites: Mapped[list["ReceptionPoint"]] = relationship(secondary=staff_site)  # noqa: F821

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


class LoginAttempt(db.Model):
    """Local only (not synced): feeds the login throttle."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    ip: Mapped[str] = mapped_column(String(45))
    success: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StaffSession(db.Model):
    """Local only: one login; the signed cookie carries a secret whose hash is the id.

    Logging out revokes the row, so a copy of the cookie taken before stops working.
    """

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's secret
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
