"""Who may do what, where; server-side sessions; the idle timeout counted from real actions."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from domain import DomainError
from domain.clock import utcnow
from domain.counters import IDLE, leave_counter
from domain.site import current_site_id
from models import StaffSession, StaffUser, staff_site
from motcua.extensions import db, login_manager
from motcua.transactions import write_transaction, writer_held

SESSION_SECRET = "sid"  # the cookie's key for this login's secret
SEEN_EVERY = timedelta(minutes=1)  # last_seen is written at most this often
CENTRAL_ROLES = frozenset({"admin", "supervisor"})  # the province dashboard's users


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_work_here(user: StaffUser) -> bool:
    """An account works at the sites it is assigned to (`staff_site`; with none, at its home site).
    At central only the province's admins and supervisors log in (see docs/central.md)."""
    if current_app.config["ROLE"] == "central":
        return user.role in CENTRAL_ROLES
    try:
        site_id = current_site_id()
    except DomainError:  # no site configured yet: nobody works here
        return False
    assigned = select(staff_site.c.site_id).where(staff_site.c.staff_id == user.id)
    here = db.session.execute(select(
        assigned.where(staff_site.c.site_id == site_id).exists(), assigned.exists())).one()
    return here[0] or (not here[1] and user.site_id == site_id)


@login_manager.user_loader
def load_user(user_id: str):
    """The account of this browser's open session: one indexed lookup of session and user.

    The login id is "<uuid>:<session_version>"; bumping the version logs out everywhere.
    """
    raw_id, _, version = user_id.partition(":")
    secret = session.get(SESSION_SECRET)
    if not isinstance(secret, str):
        return None
    row = db.session.execute(
        select(StaffUser, StaffSession).join(StaffSession, StaffSession.user_id == StaffUser.id)
        .where(StaffSession.id == _digest(secret), StaffSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    user, staff_session = row
    if str(user.id) != raw_id or not user.active or str(user.session_version) != version:
        return None
    if not may_work_here(user):
        return None
    user.staff_session = staff_session
    return user


def start_session(user: StaffUser) -> None:
    """Open a server-side session for `user`; the signed cookie keeps only its secret."""
    secret = secrets.token_urlsafe(32)
    db.session.add(StaffSession(id=_digest(secret), user_id=user.id,
                                user_agent=(request.user_agent.string or "")[:200],
                                ip=(request.remote_addr or "")[:45]))
    session[SESSION_SECRET] = secret


def end_session() -> None:
    """Revoke this browser's session, so a copy of its cookie no longer works."""
    secret = session.get(SESSION_SECRET)
    row = db.session.get(StaffSession, _digest(secret)) if isinstance(secret, str) else None
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def touch_session() -> None:
    # Only on writes, inside the view's own transaction: reads never write.
    staff_session = getattr(current_user, "staff_session", None)
    now = utcnow()
    if staff_session is not None and now - staff_session.last_seen >= SEEN_EVERY:
        staff_session.last_seen = now


@login_manager.unauthorized_handler
def unauthorized():
    """htmx gets 401 + HX-Redirect (a 302 would swap the login page into a fragment)."""
    target = url_for("auth.login", next=_return_to())
    if request.headers.get("HX-Request") == "true":
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def _return_to() -> str:
    """The page to come back to after logging in: the one on screen, not a fragment or a POST's URL
    (a form posted as the session expired leads back to the form, where its draft is restored)."""
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        return request.full_path.rstrip("?")
    page = urlsplit(request.headers.get("HX-Current-URL") or request.referrer or "")
    if page.netloc != request.host or not page.path:
        return ""
    return page.path + (f"?{page.query}" if page.query else "")


def _now() -> float:
    return datetime.now(UTC).timestamp()


def mark_activity() -> None:
    session["last_action"] = _now()


def idle_timeout() -> timedelta:
    """STAFF_IDLE_TIMEOUT; a number (FLASK_STAFF_IDLE_TIMEOUT=600 in the environment) is seconds."""
    value = current_app.config["STAFF_IDLE_TIMEOUT"]
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def seconds_left() -> float:
    """How long this session has before it expires: idle time left, or its lifetime's end if sooner."""
    idle = session.get("last_action", 0) + idle_timeout().total_seconds()
    life = session.get("login_at", 0) + current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return min(idle, life) - _now()


def session_expired() -> bool:
    return seconds_left() < 0


def enforce_session() -> None:
    """before_request for staff blueprints: expire idle sessions (closing their counter); count
    human actions."""
    if not current_user.is_authenticated:
        return None
    if session_expired():
        with write_transaction():  # the view will not run, so nothing else would commit this
            leave_counter(session.get("counter_id"), current_user._get_current_object(), IDLE)
            end_session()
        logout_user()
        session.clear()
        session["expired"] = True
        return unauthorized()
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "passive", False):
        mark_activity()
    return None


def roles_required(*roles: str):
    """Require a logged-in staff member with one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return unauthorized()
            if current_user.role not in roles:
                abort(403)
            if writer_held():  # a write request's own transaction (views with own_writes skip it)
                touch_session()
            return view(*args, **kwargs)

        wrapper.roles = frozenset(roles)  # read by the route × role tests
        return wrapper

    return decorator
