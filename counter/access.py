"""Who may do what, and the idle timeout counted from real actions (not polling)."""

import uuid
from datetime import UTC, datetime
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from models import StaffUser
from motcua.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str):
    """Session ids are "<uuid>:<session_version>"; bumping the version logs out everywhere."""
    try:
        raw_id, version = user_id.split(":")
        user = db.session.get(StaffUser, uuid.UUID(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """htmx gets 401 + HX-Redirect (a 302 would swap the login page into a fragment)."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def _now() -> float:
    return datetime.now(UTC).timestamp()


def mark_activity() -> None:
    session["last_action"] = _now()


def session_expired() -> bool:
    config = current_app.config
    last = session.get("last_action", 0)
    started = session.get("login_at", 0)
    return (_now() - last > config["STAFF_IDLE_TIMEOUT"].total_seconds()
            or _now() - started > config["PERMANENT_SESSION_LIFETIME"].total_seconds())


def enforce_session() -> None:
    """before_request for staff blueprints: expire idle sessions; count human actions."""
    if not current_user.is_authenticated:
        return None
    if session_expired():
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
            return view(*args, **kwargs)

        return wrapper

    return decorator
