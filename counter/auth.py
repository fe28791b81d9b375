"""Staff login and logout, with a rate limit on failed attempts."""

import uuid
from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from domain.clock import utcnow
from models import Counter, LoginAttempt, StaffUser
from motcua.extensions import db
from motcua.i18n import gettext

from .access import mark_activity

bp = Blueprint("auth", __name__)


def _recent_failures(username: str, ip: str) -> int:
    since = utcnow() - current_app.config["LOGIN_LOCK_WINDOW"]
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, LoginAttempt.success.is_(False))
        .where((LoginAttempt.username == username) | (LoginAttempt.ip == ip))
    )


def _landing(user: StaffUser, target: str) -> str:
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("admin.index") if user.role == "admin" else url_for("counter.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip().lower()[:60]
        password = request.form.get("password", "")
        ip = request.remote_addr or "?"
        limit = current_app.config["LOGIN_MAX_FAILURES"]
        if _recent_failures(username, ip) >= limit:
            minutes = int(current_app.config["LOGIN_LOCK_WINDOW"].total_seconds() // 60)
            error = gettext("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {m} phút.",
                            m=minutes)
            status = 429
        else:
            user = db.session.scalars(
                select(StaffUser).where(StaffUser.username == username)).first()
            ok = user is not None and user.active and user.check_password(password)
            db.session.add(LoginAttempt(username=username, ip=ip, success=ok))
            if ok:
                lang = session.get("lang")
                session.clear()  # a fresh session on login
                if lang:
                    session["lang"] = lang
                login_user(user)
                session.permanent = True
                session["login_at"] = datetime.now(UTC).timestamp()
                mark_activity()
                return redirect(_landing(user, request.args.get("next", "")), code=303)
            error = gettext("Sai tên đăng nhập hoặc mật khẩu.")  # 200: the attempt must be committed
    expired = session.pop("expired", False)
    return render_template("auth/login.html", error=error, expired=expired), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        counter_id = session.get("counter_id")
        if counter_id:
            counter = db.session.get(Counter, uuid.UUID(counter_id))
            if counter is not None and counter.officer_id == current_user.id:
                counter.is_open, counter.officer_id = False, None
        logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
