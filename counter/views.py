"""The counter: call the next citizen, recall, hold, transfer, no-show, finish, reprint."""

import uuid

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError
from domain.clock import fmt_date, fmt_time
from domain.counters import CLOSED_BY_OFFICER, close_counter, last_takeover, open_counter
from domain.lifecycle import watch_counts
from domain.printer_status import devices
from domain.printing import latest_job_for_ticket, reprint
from domain.site import current_site, get_owned, site_counters, site_queues
from domain.tickets import (
    confirm_priority,
    current_ticket,
    finish,
    finish_and_call_next,
    hold,
    mark_no_show,
    recall,
    reject_priority,
    resume,
    transfer,
)
from domain.waiting import held_at_counter, minutes_since, waiting_for_counter
from models import COUNTER_ROLES, Counter, LoginAttempt, Queue, StaffUser, Ticket
from motcua.extensions import db
from motcua.i18n import gettext, gettext_noop
from motcua.transactions import after_commit, own_writes, write_transaction
from motcua.web import passive, render, wants_fragment
from motcua.worker import wake_print_lines
from sync import site as sync_site

from .access import enforce_session, roles_required, touch_session
from .auth import authenticate, login_wait, wait_message

bp = Blueprint("counter", __name__, url_prefix="/counter")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
# Each action on a ticket, and what the workspace says once it is done (announced: role=status).
TICKET_ACTIONS = {
    "recall": (recall, gettext_noop("Đã gọi lại số {code} (lần {n}).")),
    "no-show": (mark_no_show, gettext_noop("Đã ghi số {code} vắng mặt.")),
    "hold": (hold, gettext_noop("Đã tạm giữ số {code}.")),
    "resume": (resume, gettext_noop("Đang phục vụ tiếp số {code}.")),
    "finish": (finish, gettext_noop("Đã kết thúc số {code}.")),
    "priority-confirm": (confirm_priority, gettext_noop("Đã xác nhận số {code} thuộc đối tượng ưu tiên.")),
    "priority-reject": (reject_priority,
                        gettext_noop("Đã ghi nhận số {code} không đúng đối tượng ưu tiên.")),
}
DISPLACED = "Quầy số {n} đã được {name} tiếp nhận. Bạn không còn làm việc tại quầy này; hãy chọn quầy khác."
DISPLACED_BECAUSE = gettext_noop(
    "Quầy số {n} đã được {name} tiếp nhận (lý do: {reason}). Bạn không còn làm việc tại quầy này; "
    "hãy chọn quầy khác.")
DISPLACED_CONFIRMED = gettext_noop(
    "Quầy số {n} đã được {name} tiếp nhận, {supervisor} xác nhận (lý do: {reason}). Bạn không còn làm "
    "việc tại quầy này; hãy chọn quầy khác.")
TAKEOVER_CONFIRMERS = frozenset({"supervisor", "admin"})  # may confirm another officer's takeover
REASON_MAX = 200  # the event's context keeps this much


def sync_badge(link: sync_site.Status | None = None) -> dict | None:
    """The site's link to central as the staff screens show it; None on a standalone site."""
    link = link or sync_site.status()
    if not link.enrolled:
        return None
    last = link.last_success_at
    return {"online": link.online, "waiting": link.waiting,
            "last_success": f"{fmt_date(last)} {fmt_time(last)}" if last else None}


@bp.app_context_processor
def _sync_badge():
    return {"sync_badge": sync_badge}  # called by the staff header only, when it renders


def my_counter(site) -> Counter | None:
    counter_id = session.get("counter_id")
    if not counter_id:
        return None
    counter = db.session.get(Counter, uuid.UUID(counter_id))
    if counter is None or counter.site_id != site.id or counter.officer_id != current_user.id:
        session.pop("counter_id", None)
        if counter is not None and counter.officer_id is not None:
            session["displaced"] = {"n": counter.number, "name": _officer_name(counter),
                                    **last_takeover(counter)}
        return None
    return counter


def _displaced(displaced: dict) -> tuple[str, dict]:
    """The message telling an officer who took their counter (and who confirmed it, and why)."""
    if displaced.get("supervisor"):
        return DISPLACED_CONFIRMED, displaced
    if displaced.get("reason"):
        return DISPLACED_BECAUSE, displaced
    return DISPLACED, displaced


def _officer_name(counter: Counter) -> str:
    officer = db.session.get(StaffUser, counter.officer_id)
    return officer.full_name if officer is not None else "?"


def _require_counter(site) -> Counter:
    counter = my_counter(site)
    if counter is None:
        displaced = session.get("displaced")
        if displaced:
            message, params = _displaced(displaced)
            raise DomainError(message, **params)
        raise DomainError("Bạn chưa chọn quầy hoặc quầy đã được người khác nhận. Hãy chọn lại quầy.")
    return counter


def _workspace(site, counter, message=None, level="info", called=None):
    serving = current_ticket(counter)
    context = {
        "site": site,
        "counter": counter,
        "serving": serving,
        "serving_job": latest_job_for_ticket(serving) if serving else None,
        "held": held_at_counter(counter),
        "queues": site_queues(site),
        "counters": [c for c in site_counters(site) if c.id != counter.id],
        "message": message,
        "level": level,
        "called": called,
        "watch": watch_counts(site),
        "printer_alerts": [d for d in devices(site) if d["level"] in ("error", "warn")],
    }
    response = render("counter/index.html", "counter/partials/_workspace.html", **context)
    response.headers["HX-Trigger"] = "queue-changed"
    return response


@bp.get("", strict_slashes=False)
@staff_only
def index():
    site = current_site()
    counter = my_counter(site)
    if counter is None:
        return _choose(site)
    return _workspace(site, counter, session.pop("counter_notice", None))


def _choose(site, confirm: Counter | None = None, typed: dict | None = None, errors: dict | None = None):
    """The counters to sit at; `confirm` asks before taking one another officer is using (with a
    supervisor's confirmation unless this officer is one), `typed` and `errors` by field."""
    displaced = session.get("displaced")  # said until the officer sits at a counter again
    message = None
    if displaced:
        text, params = _displaced(displaced)
        message = gettext(text, **params)
    counters = site_counters(site)
    busy = {c.officer_id for c in counters if c.officer_id is not None and c.officer_id != current_user.id}
    names = dict(db.session.execute(
        select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(busy))).all())
    return render("counter/choose.html", "counter/choose.html", site=site, counters=counters,
                  occupants={c.id: names.get(c.officer_id) for c in counters if c.officer_id in busy},
                  message=message, confirm=confirm,
                  occupant=names.get(confirm.officer_id) if confirm is not None else None,
                  needs_supervisor=current_user.role not in TAKEOVER_CONFIRMERS,
                  typed=typed or {}, errors=errors or {})


@bp.post("/select")
@own_writes  # a supervisor's password is checked (~100 ms) outside the writer queue
@staff_only
def select_counter():
    """Sit at a counter: it opens, and its queues' estimates count it.

    A counter another officer is using is taken only once confirmed — by a supervisor of this site
    with their password, unless the officer is a supervisor — with a reason; the takeover is an event.
    """
    site = current_site()
    counter = get_owned(Counter, site, request.form.get("counter_id", ""))
    officer = current_user._get_current_object()
    typed = {"supervisor": request.form.get("supervisor", "").strip().lower()[:60],
             "reason": " ".join(request.form.get("reason", "").split())}
    confirmed_by, reason = None, ""
    if counter.officer_id is not None and counter.officer_id != officer.id:
        if request.form.get("take_over") != "1":
            return _choose(site, confirm=counter)
        confirmed_by, errors = _confirm_takeover(officer, typed)
        if errors:  # 200: a failed password check must be committed for the throttle to count it
            return _choose(site, confirm=counter, typed=typed, errors=errors)
        reason = typed["reason"]
    with write_transaction():
        touch_session()  # what roles_required does for a view holding the queue throughout
        open_counter(counter, officer, confirmed_by=confirmed_by, reason=reason)
    session["counter_id"] = str(counter.id)
    session.pop("displaced", None)
    return redirect(url_for("counter.index"), code=303)


def _confirm_takeover(officer, typed: dict) -> tuple[StaffUser | None, dict]:
    """Who confirms `officer`'s takeover (None when the officer is a supervisor) and the errors by
    field; the supervisor's password is checked and throttled as a login is, without logging in."""
    errors = {}
    needs_supervisor = officer.role not in TAKEOVER_CONFIRMERS
    if len(typed["reason"]) > REASON_MAX:
        errors["reason"] = gettext("Lý do dài quá {n} ký tự.", n=REASON_MAX)
    elif needs_supervisor and not typed["reason"]:
        errors["reason"] = gettext("Hãy nhập lý do tiếp nhận quầy.")
    if needs_supervisor and not typed["supervisor"]:
        errors["supervisor"] = gettext("Hãy nhập tên đăng nhập của người giám sát.")
    if errors or not needs_supervisor:
        return None, errors
    ip = (request.remote_addr or "?")[:45]
    wait = login_wait(typed["supervisor"], ip)
    if wait:
        return None, {"supervisor_password": wait_message(wait)}
    user, error = authenticate(typed["supervisor"], request.form.get("supervisor_password", ""))
    with write_transaction():
        db.session.add(LoginAttempt(username=typed["supervisor"], ip=ip, success=user is not None))
    if error:
        return None, {"supervisor_password": error}
    if user.role not in TAKEOVER_CONFIRMERS:
        return None, {"supervisor": gettext("{name} không phải giám sát hoặc quản trị của điểm này; "
                                            "hãy mời người giám sát xác nhận.", name=user.full_name)}
    return user, {}


@bp.post("/release")
@staff_only
def release_counter():
    site = current_site()
    counter = my_counter(site)
    if counter is not None:
        if current_ticket(counter) is not None:
            raise DomainError("Hãy kết thúc hoặc chuyển số đang phục vụ trước khi rời quầy.")
        close_counter(counter, current_user._get_current_object(), CLOSED_BY_OFFICER)
    session.pop("counter_id", None)
    return redirect(url_for("counter.index"), code=303)


@bp.get("/waiting")
@staff_only
@passive
def waiting():
    """The waiting list, polled every few seconds (does not keep the session alive).

    Once the counter is no longer this officer's (taken over), the page goes back to the choice of
    counters, which says who took it.
    """
    site = current_site()
    counter = my_counter(site)
    if counter is None:
        return "", 200, {"HX-Redirect": url_for("counter.index")}
    return render("counter/partials/_waiting.html", "counter/partials/_waiting.html",
                  counter=counter, sync=sync_badge(),
                  rows=[(t, minutes_since(t.issued_at)) for t in waiting_for_counter(counter)])


@bp.post("/call-next")
@staff_only
def call_next_ticket():
    """Finish the ticket being served (if any) and call the next citizen, in one step.

    From the workspace (htmx) the workspace answers; a plain form elsewhere (the dossier page) is
    sent back to the workspace, which shows the same message.
    """
    site = current_site()
    counter = _require_counter(site)
    step = finish_and_call_next(counter, current_user)
    message = _next_message(step)
    if not wants_fragment():
        session["counter_notice"] = message
        return redirect(url_for("counter.index"), code=303)
    return _workspace(site, counter, message, called=step.called)


def _next_message(step) -> str:
    if step.finished and step.called:
        return gettext("Đã kết thúc {done}; đang gọi {code}.", done=step.finished.code, code=step.called.code)
    if step.finished:
        return gettext("Đã kết thúc {done}. Không có công dân nào đang chờ.", done=step.finished.code)
    if step.called:
        return gettext("Đang gọi số {code}.", code=step.called.code)
    return gettext("Không có công dân nào đang chờ.")


@bp.post("/tickets/<ticket_id>/<action>")
@staff_only
def ticket_action(ticket_id, action):
    site = current_site()
    counter = _require_counter(site)
    ticket = get_owned(Ticket, site, ticket_id)
    if action == "transfer":
        to_queue, to_counter = _transfer_target(site)
        transfer(ticket, counter, current_user, to_queue=to_queue, to_counter=to_counter)
        return _workspace(site, counter, gettext("Đã chuyển số {code}.", code=ticket.code))
    if action == "reprint":
        return _reprint(site, counter, ticket)
    operation, done = TICKET_ACTIONS.get(action, (None, None))
    if operation is None:
        raise DomainError("Thao tác không hợp lệ.")
    operation(ticket, counter, current_user)
    return _workspace(site, counter, gettext(done, code=ticket.code, n=ticket.call_count))


def _transfer_target(site):
    target = request.form.get("target", "")
    kind, _, target_id = target.partition(":")
    if kind == "q" and target_id:
        return get_owned(Queue, site, target_id), None
    if kind == "c" and target_id:
        return None, get_owned(Counter, site, target_id)
    raise DomainError("Hãy chọn hàng đợi hoặc quầy để chuyển đến.")


def _reprint(site, counter, ticket):
    job = latest_job_for_ticket(ticket)
    if job is None:
        raise DomainError("Số {code} chưa từng được in.", code=ticket.code)
    reprint(site, job, counter.printer_url, f"Quầy {counter.number}")
    app = current_app._get_current_object()
    after_commit(lambda: wake_print_lines(app))
    return _workspace(site, counter, gettext("Đã gửi lệnh in lại số {code}.", code=ticket.code))
