"""Staff accounts: add, rename, change role, sites or password, disable and enable — each an event.

The password hash travels in the event (a site checks logins offline against accounts made at
central), never the password. Sessions (`staff_session`) are local to this machine and not in the
event log. A person acting from a screen (`actor` given) may not lock themselves out nor leave the
place without an active administrator; the server's command line (no actor) may, to recover.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from models import ROLES, LoginAttempt, StaffSession, StaffUser
from motcua.extensions import db

from . import DomainError
from .clock import utcnow
from .collation import vi_key
from .counters import ACCOUNT_DISABLED, PASSWORD_CHANGED, close_held
from .events import record
from .validation import column_length

USERNAME = re.compile(r"[a-z0-9._-]{2,60}")  # the login form lower-cases what is typed
PASSWORD_MIN, PASSWORD_MAX = 10, 128
# Generated passwords: no 0/o, 1/l/i, so one read aloud or copied from a screen is typed right.
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


class StaffError(DomainError):
    """A refused account change; `field` names the form field it is about (empty: the whole form)."""

    def __init__(self, message: str, field: str = "", **params):
        super().__init__(message, **params)
        self.field = field


@dataclass
class Account:
    """An account as the admin's list shows it."""

    user: StaffUser
    sites: list
    last_login: datetime | None  # the last successful login on this machine (not synced)


def accounts(site=None) -> list[Account]:
    """The accounts that work at `site` (None: every account, as central sees the province), in
    Vietnamese order of their names — given name first, as Vietnamese lists are read."""
    users = list(db.session.scalars(select(StaffUser).options(selectinload(StaffUser.sites))))
    if site is not None:
        users = [user for user in users if works_at(user, site)]
    users.sort(key=lambda user: (vi_key(user.full_name.split()[-1]), vi_key(user.full_name), user.username))
    last_logins = _last_logins()
    return [_account(user, last_logins) for user in users]


def account(user: StaffUser) -> Account:
    """One account as the admin's list shows it."""
    return _account(user, _last_logins(user.username))


def _account(user: StaffUser, last_logins: dict) -> Account:
    return Account(user, sorted(user.sites, key=lambda place: vi_key(place.name)),
                   last_logins.get(user.username))


def _last_logins(username: str | None = None) -> dict:
    query = (select(LoginAttempt.username, func.max(LoginAttempt.at)).where(LoginAttempt.success.is_(True))
             .group_by(LoginAttempt.username))
    if username is not None:
        query = query.where(LoginAttempt.username == username)
    return dict(db.session.execute(query).all())


def works_at(user: StaffUser, site) -> bool:
    """Whether the account may work at `site` (as counter.access.may_work_here decides at login)."""
    return site.id in _site_ids(user)


def _site_ids(user: StaffUser) -> set:
    """Where the account may work: its assignments, or with none its home site."""
    return {place.id for place in user.sites} or {user.site_id}


def generate_password(username: str = "") -> str:
    """A random password of 3 groups of 4 (about 59 bits) that `check_password` takes, to be shown once."""
    while True:
        password = "-".join("".join(secrets.choice(PASSWORD_LETTERS) for _ in range(4)) for _ in range(3))
        if not username or username.lower() not in password:
            return password


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
        raise StaffError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc "
                         "gạch dưới (2–60 ký tự).", "username")
    if staff_named(username) is not None:
        raise StaffError("Tên đăng nhập {username} đã có.", "username", username=username)
    user = StaffUser(site_id=site.id, username=username, full_name=_full_name(full_name),
                     role=_role(role), password_hash="", sites=list(sites or [site]))
    user.set_password(check_password(password, username))
    db.session.add(user)
    record("staff.created", user, actor=actor)
    return user


def assign_sites(user: StaffUser, actor, sites: list, here=None) -> None:
    """Set the reception points where the account may work (elsewhere its sessions are refused).
    `here`: this server's reception point, which an admin may not take from their own account."""
    if not sites:
        raise StaffError("Tài khoản phải được phân công ít nhất một điểm tiếp nhận.", "site_ids")
    own = actor is not None and user.id == actor.id
    if own and here is not None and here.id not in {s.id for s in sites}:
        raise StaffError("Bạn không thể tự bỏ điểm tiếp nhận này khỏi tài khoản của mình.", "site_ids")
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
        if actor is not None and user.role == "admin":
            _keep_an_admin(user, actor, "Bạn không thể tự bỏ vai trò quản trị của mình.",
                           "Đây là tài khoản quản trị cuối cùng còn hoạt động; hãy giao vai trò quản trị "
                           "cho tài khoản khác trước.", "role")
        user.role = role
        record("staff.role_changed", user, actor=actor)


def change_password(user: StaffUser, actor, password: str) -> None:
    """Set a new password and end every session of the account (a stolen cookie stops working)."""
    user.set_password(check_password(password, user.username))
    user.session_version = (user.session_version or 0) + 1
    end_sessions(user)
    record("staff.password_changed", user, actor=actor)
    close_held(user, actor, PASSWORD_CHANGED)  # its sessions ended: nobody sits at its counter


def disable_staff(user: StaffUser, actor) -> None:
    """Stop the account logging in; its sessions end and the counter it holds closes."""
    if not user.active:
        return
    if actor is not None and user.role == "admin":
        _keep_an_admin(user, actor, "Bạn không thể tự khoá tài khoản của mình.",
                       "Đây là tài khoản quản trị cuối cùng còn hoạt động; không thể khoá.")
    close_held(user, actor, ACCOUNT_DISABLED)
    user.active = False
    end_sessions(user)
    record("staff.disabled", user, actor=actor)


def enable_staff(user: StaffUser, actor) -> None:
    """Let a disabled account log in again."""
    if not user.active:
        user.active = True
        record("staff.enabled", user, actor=actor)


def reset_password(user: StaffUser, actor) -> str:
    """Give the account a generated password (returned, to be shown once) and end its sessions."""
    password = generate_password(user.username)
    change_password(user, actor, password)
    return password


def _keep_an_admin(user: StaffUser, actor, yourself: str, last: str, field: str = "") -> None:
    """Refuse to take away an active admin when it is the actor or the last one where it works."""
    if user.id == actor.id:
        raise StaffError(yourself, field)
    where = _site_ids(user)
    others = db.session.scalars(select(StaffUser).where(StaffUser.role == "admin", StaffUser.active.is_(True),
                                                        StaffUser.id != user.id))
    if not any(_site_ids(other) & where for other in others):
        raise StaffError(last, field)


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
        raise StaffError("Hãy nhập {label}.", "full_name", label="họ và tên")
    if len(full_name) > limit:
        raise StaffError("{label} dài quá {n} ký tự.", "full_name", label="Họ và tên", n=limit)
    return full_name


def _role(role: str) -> str:
    if role not in ROLES:
        raise StaffError("Vai trò “{role}” không có; chọn một trong: {roles}.", "role", role=role,
                         roles=", ".join(ROLES))
    return role


def check_password(password: str, username: str = "") -> str:
    """The password if it may be set: long enough, not the account's name, not one repeated character."""
    if not password:
        raise StaffError("Hãy nhập {label}.", "password", label="mật khẩu")
    if len(password) < PASSWORD_MIN:
        raise StaffError("Mật khẩu phải có ít nhất {n} ký tự.", "password", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise StaffError("Mật khẩu dài quá {n} ký tự.", "password", n=PASSWORD_MAX)
    if username and username.lower() in password.lower():
        raise StaffError("Mật khẩu không được chứa tên đăng nhập.", "password")
    if len(set(password)) < 4:
        raise StaffError("Mật khẩu quá dễ đoán: hãy dùng ít nhất 4 ký tự khác nhau.", "password")
    return password

