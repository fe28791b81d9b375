"""Staff login and logout: throttled per (account, address), same time for unknown accounts."""

import uuid
from datetime import UTC, datetime
from functools import cache

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from domain.clock import utcnow
from domain.counters import LOGIN_ELSEWHERE, LOGOUT, close_held, leave_counter
from models import ROLES, LoginAttempt, StaffUser
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.security import safe_next
from motcua.transactions import own_writes, write_transaction
from motcua.web import passive

from .access import (
    end_session,
    enforce_session,
    idle_timeout,
    mark_activity,
    may_work_here,
    roles_required,
    seconds_left,
    start_session,
)

bp = Blueprint("auth", __name__)
SESSION_VIEWS = {"auth.session_alive", "auth.session_status"}
WARN_SECONDS = 120  # the expiry warning shows this long before (a third of a shorter timeout)


@bp.record_once
def _idle_timeout_as_timedelta(state) -> None:
    # FLASK_STAFF_IDLE_TIMEOUT=600 arrives as a number; the counters' sweep subtracts it from a time.
    with state.app.app_context():
        state.app.config["STAFF_IDLE_TIMEOUT"] = idle_timeout()


@bp.before_request
def _session_views() -> None:
    if request.endpoint in SESSION_VIEWS:
        return enforce_session()
    return None


@bp.after_app_request
def _remaining_header(response):
    # From the cookie alone (no database): session.js resets its clock after each htmx request.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return response  # public screens: not even a look at the session (it would add Vary: Cookie)
    if "last_action" in session and "_user_id" in session:
        response.headers["X-Session-Remaining"] = str(max(0, int(seconds_left())))
    return response


@bp.app_context_processor
def _staff_clock():
    return {"staff_clock": staff_clock}


def staff_clock() -> dict | None:
    """What static/js/session.js needs: the staff id (drafts are kept per officer) and the seconds
    before the session expires, as the server counts them."""
    if not current_user.is_authenticated:
        return None
    timeout = int(idle_timeout().total_seconds())
    return {"staff_id": str(current_user.id), "remaining": max(0, int(seconds_left())), "timeout": timeout,
            "warn": min(WARN_SECONDS, timeout // 3)}


@bp.post("/staff/session/alive")
@roles_required(*ROLES)
def session_alive():
    """The officer is typing: count it as activity (the page posts at most once a minute)."""
    return jsonify(remaining=max(0, int(seconds_left())))


@bp.get("/staff/session")
@roles_required(*ROLES)
@passive
def session_status():
    """The seconds left, asked just before warning: another tab may have kept the session alive."""
    return jsonify(remaining=max(0, int(seconds_left())))


@cache
def _dummy_hash() -> str:
    """A hash to check when the account is unknown, so that answer takes as long as a wrong password."""
    return generate_password_hash(uuid.uuid4().hex)


def _failures(*conditions):
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return (select(LoginAttempt.at)
            .where(LoginAttempt.success.is_(False), LoginAttempt.at >= since, *conditions)
            .order_by(LoginAttempt.at.desc()))


def login_wait(username: str, ip: str) -> int:
    """Seconds this (user name, address) must still wait before trying again; 0 when it may try.

    Only the pair's own failures since its last success count, so a stranger failing from
    elsewhere never locks the real owner out. An address failing for many names waits too.
    """
    config = current_app.config
    now = utcnow()
    last_ok = db.session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.success.is_(True)))
    pair = _failures(LoginAttempt.username == username, LoginAttempt.ip == ip)
    if last_ok is not None:
        pair = pair.where(LoginAttempt.at > last_ok)
    pair_failures = list(db.session.scalars(pair.limit(32)))
    waits = [0.0]
    extra = len(pair_failures) - config["LOGIN_FREE_FAILURES"]
    if extra >= 0:
        delay = min(2.0 ** (extra + 1), config["LOGIN_DELAY_CAP"].total_seconds())
        waits.append(delay - (now - pair_failures[0]).total_seconds())
    cap = config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    oldest_counted = db.session.scalar(_failures(LoginAttempt.ip == ip).offset(cap - 1).limit(1))
    if oldest_counted is not None:  # the address waits until its oldest counted failure expires
        waits.append((oldest_counted + config["LOGIN_FAILURE_WINDOW"] - now).total_seconds())
    return max(0, int(max(waits) + 0.999))


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return gettext("Đăng nhập sai nhiều lần. Vui lòng thử lại sau {s} giây.", s=seconds)
    return gettext("Đăng nhập sai nhiều lần. Vui lòng thử lại sau {m} phút.", m=(seconds + 59) // 60)


def authenticate(username: str, password: str) -> tuple[StaffUser | None, str | None]:
    """The account, or None and the error to show; the password is checked even when unknown."""
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    known = user is not None and user.active
    valid = check_password_hash(user.password_hash if known else _dummy_hash(), password)
    if not (known and valid):
        return None, gettext("Sai tên đăng nhập hoặc mật khẩu.")
    if not may_work_here(user):
        return None, gettext("Tài khoản này không được phép làm việc tại điểm tiếp nhận này.")
    return user, None


def _begin(user: StaffUser) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session on login
    if lang:
        session["lang"] = lang
    login_user(user)
    start_session(user)
    session.permanent = True
    session["login_at"] = datetime.now(UTC).timestamp()
    mark_activity()


def _landing(user: StaffUser, target: str) -> str:
    if current_app.config["ROLE"] == "central":
        home = url_for("central.dashboard")
    else:
        home = url_for("admin.index") if user.role == "admin" else url_for("counter.index")
    return safe_next(target, home)


@bp.route("/login", methods=["GET", "POST"])
@own_writes
def login():
    error = None
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip().lower()[:60]
        ip = (request.remote_addr or "?")[:45]
        wait = login_wait(username, ip)
        if wait:
            error, status = wait_message(wait), 429
        else:
            user, error = authenticate(username, request.form.get("password", ""))  # slow: no lock
            with write_transaction():
                db.session.add(LoginAttempt(username=username, ip=ip, success=user is not None))
                if user is not None:
                    close_held(user, user, LOGIN_ELSEWHERE)  # one place at a time: the new one
                    _begin(user)
            if user is not None:
                return redirect(_landing(user, request.args.get("next", "")), code=303)
            # 200, not 401: the failed attempt must be committed for the throttle to count it
    expired = session.pop("expired", False)
    return render_template("auth/login.html", error=error, expired=expired), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        leave_counter(session.get("counter_id"), current_user._get_current_object(), LOGOUT)
        logout_user()
    end_session()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
