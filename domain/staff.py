"""Staff accounts: add, rename, change role or password, disable and enable — each an event.

The password hash travels in the event, never the password. Sessions (`staff_session`) are
local to this machine and not in the event log.
"""

import re

from sqlalchemy import select, update

from models import ROLES, StaffSession, StaffUser
from motcua.extensions import db

from . import DomainError
from .clock import utcnow
from .counters import ACCOUNT_DISABLED, PASSWORD_CHANGED, close_held
from .events import record
from .validation import column_length

USERNAME = re.compile(r"[a-z0-9._-]{2,60}")  # the login form lower-cases what is typed


def staff_named(username: str) -> StaffUser | None:
    """The account named `username` (as the login form reads it: trimmed, lower case), if any."""
    return db.session.scalars(select(StaffUser).where(StaffUser.username == _username(username))).first()


def find_staff(username: str) -> StaffUser:
    """The account named `username`, or a DomainError saying there is none."""
    user = staff_named(username)
    if user is None:
        raise DomainError("Không có tài khoản “{username}”.", username=username)
    return user


def create_staff(site, actor, username: str, full_name: str, role: str, password: str,
                 sites: list | None = None) -> StaffUser:
    """Add an account whose home is `site`, assigned to `sites` (default: its home); it logs in with
    `password`. Usernames are unique province-wide."""
    username = _username(username)
    if not USERNAME.fullmatch(username):
        raise DomainError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc "
                          "gạch dưới (2–60 ký tự).")
    if staff_named(username) is not None:
        raise DomainError("Tên đăng nhập {username} đã có.", username=username)
    user = StaffUser(site_id=site.id, username=username, full_name=_full_name(full_name),
                     role=_role(role), password_hash="", sites=list(sites or [site]))
    user.set_password(_password(password))
    db.session.add(user)
    record("staff.created", user, actor=actor)
    return user


def assign_sites(user: StaffUser, actor, sites: list) -> None:
    """Set the reception points where the account may work (its sessions elsewhere end)."""
    if not sites:
        raise DomainError("Tài khoản phải được phân công ít nhất một điểm tiếp nhận.")
    if {s.id for s in sites} != {s.id for s in user.sites}:
        user.sites = list(sites)
        record("staff.sites_changed", user, actor=actor)


def rename_staff(user: StaffUser, actor, full_name: str) -> None:
    """Change the name shown at the counter, on the board's history and on receipts."""
    full_name = _full_name(full_name)
    if full_name != user.full_name:
        user.full_name = full_name
        record("staff.renamed", user, actor=actor)


def change_role(user: StaffUser, actor, role: str) -> None:
    """Give the account another role; it takes effect at its next request."""
    role = _role(role)
    if role != user.role:
        user.role = role
        record("staff.role_changed", user, actor=actor)


def change_password(user: StaffUser, actor, password: str) -> None:
    """Set a new password and end every session of the account (a stolen cookie stops working)."""
    user.set_password(_password(password))
    user.session_version = (user.session_version or 0) + 1
    end_sessions(user)
    record("staff.password_changed", user, actor=actor)
    close_held(user, actor, PASSWORD_CHANGED)  # its sessions ended: nobody sits at its counter


def disable_staff(user: StaffUser, actor) -> None:
    """Stop the account logging in; its sessions end and the counter it holds closes."""
    if not user.active:
        return
    close_held(user, actor, ACCOUNT_DISABLED)
    user.active = False
    end_sessions(user)
    record("staff.disabled", user, actor=actor)


def enable_staff(user: StaffUser, actor) -> None:
    """Let a disabled account log in again."""
    if not user.active:
        user.active = True
        record("staff.enabled", user, actor=actor)


def end_sessions(user: StaffUser) -> None:
    """Revoke every open session of `user` (local to this machine: no event)."""
    db.session.execute(update(StaffSession)
                       .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def _username(username: str) -> str:
    return (username or "").strip().lower()


def _full_name(full_name: str) -> str:
    full_name, limit = " ".join((full_name or "").split()), column_length(StaffUser.full_name)
    if not full_name:
        raise DomainError("Hãy nhập {label}.", label="họ và tên")
    if len(full_name) > limit:
        raise DomainError("{label} dài quá {n} ký tự.", label="Họ và tên", n=limit)
    return full_name


def _role(role: str) -> str:
    if role not in ROLES:
        raise DomainError("Vai trò “{role}” không có; chọn một trong: {roles}.", role=role,
                          roles=", ".join(ROLES))
    return role


def _password(password: str) -> str:
    if not password:
        raise DomainError("Hãy nhập {label}.", label="mật khẩu")
    return password
