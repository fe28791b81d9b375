"""The counter: call the next citizen, recall, hold, transfer, no-show, finish, reprint."""

import uuid

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError
from domain.clock import fmt_date, fmt_time
from domain.counters import CLOSED_BY_OFFICER, close_counter, open_counter
from domain.lifecycle import watch_counts
from domain.printer_status import devices
from domain.printing import latest_job_for_ticket, reprint
from domain.site import current_site, get_owned, site_counters, site_queues
from domain.tickets import (
    call_next,
    current_ticket,
    finish,
    hold,
    mark_no_show,
    recall,
    resume,
    transfer,
)
from domain.waiting import held_at_counter, minutes_since, waiting_for_counter
from models import COUNTER_ROLES, Counter, Queue, StaffUser, Ticket
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit
from motcua.web import passive, render
from motcua.worker import wake_print_lines
from sync import site as sync_site

from .access import enforce_session, roles_required

bp = Blueprint("counter", __name__, url_prefix="/counter")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
TICKET_ACTIONS = {
    "recall": recall,
    "no-show": mark_no_show,
    "hold": hold,
    "resume": resume,
    "finish": finish,
}
DISPLACED = "Quầy số {n} đã được {name} tiếp nhận. Bạn không còn làm việc tại quầy này; hãy chọn quầy khác."


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
            session["displaced"] = {"n": counter.number, "name": _officer_name(counter)}
        return None
    return counter


def _officer_name(counter: Counter) -> str:
    officer = db.session.get(StaffUser, counter.officer_id)
    return officer.full_name if officer is not None else "?"


def _require_counter(site) -> Counter:
    counter = my_counter(site)
    if counter is None:
        displaced = session.get("displaced")
        if displaced:
            raise DomainError(DISPLACED, **displaced)
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
    return _workspace(site, counter)


def _choose(site, confirm: Counter | None = None):
    """The counters to sit at; `confirm` asks before taking one another officer is using."""
    displaced = session.pop("displaced", None)
    message = gettext(DISPLACED, **displaced) if displaced else None
    counters = site_counters(site)
    busy = {c.officer_id for c in counters if c.officer_id is not None and c.officer_id != current_user.id}
    names = dict(db.session.execute(
        select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(busy))).all())
    return render("counter/choose.html", "counter/choose.html", site=site, counters=counters,
                  occupants={c.id: names.get(c.officer_id) for c in counters if c.officer_id in busy},
                  message=message, confirm=confirm,
                  occupant=names.get(confirm.officer_id) if confirm is not None else None)


@bp.post("/select")
@staff_only
def select_counter():
    """Sit at a counter: it opens, and its queues' estimates count it.

    A counter another officer is using is taken only once confirmed; the takeover is an event.
    """
    site = current_site()
    counter = get_owned(Counter, site, request.form.get("counter_id", ""))
    occupied = counter.officer_id is not None and counter.officer_id != current_user.id
    if occupied and request.form.get("take_over") != "1":
        return _choose(site, confirm=counter)
    open_counter(counter, current_user._get_current_object())
    session["counter_id"] = str(counter.id)
    session.pop("displaced", None)
    return redirect(url_for("counter.index"), code=303)


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
    """The waiting list, polled every few seconds (does not keep the session alive)."""
    site = current_site()
    counter = _require_counter(site)
    return render("counter/partials/_waiting.html", "counter/partials/_waiting.html",
                  counter=counter, sync=sync_badge(),
                  rows=[(t, minutes_since(t.issued_at)) for t in waiting_for_counter(counter)])


@bp.post("/call-next")
@staff_only
def call_next_ticket():
    site = current_site()
    counter = _require_counter(site)
    ticket = call_next(counter, current_user)
    if ticket is None:
        return _workspace(site, counter, gettext("Không có công dân nào đang chờ."))
    return _workspace(site, counter, called=ticket)


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
    operation = TICKET_ACTIONS.get(action)
    if operation is None:
        raise DomainError("Thao tác không hợp lệ.")
    operation(ticket, counter, current_user)
    return _workspace(site, counter)


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
