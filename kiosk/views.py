"""The touch kiosk: pick a queue, declare priority if any, take a ticket."""

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file, session
from sqlalchemy import select

from domain import DomainError
from domain.collation import vi
from domain.ids import request_key
from domain.issuance import IssueOutcome, TicketRequest, issue_line
from domain.opening_hours import hours_text, kiosk_closed, parse_hours
from domain.printer_status import printer_down
from domain.printing import latest_job_for_ticket
from domain.site import current_site, current_site_id, find_kiosk, get_owned, priority_categories, site_queues
from domain.waiting import queue_outlook
from models import PrintJob, Procedure, Queue, Ticket
from motcua.errors import TICKETS_TOO_FAST
from motcua.extensions import db, limiter
from motcua.transactions import own_writes
from motcua.web import render
from motcua.worker import wake_print_lines

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def _kiosk(site):
    if request.args.get("k"):
        session["kiosk"] = request.args["k"]
    kiosk = find_kiosk(site, session.get("kiosk"))
    return kiosk or find_kiosk(site, None)


@bp.get("", strict_slashes=False)
def home():
    """The home screen: one big button per queue, with how many wait in each."""
    site = current_site()
    queues = site_queues(site)
    waiting = {q.id: queue_outlook(q, priority=False) for q in queues if q.is_open}
    kiosk = _kiosk(site)
    return render("kiosk/home.html", "kiosk/partials/_home.html", site=site, queues=queues,
                  waiting=waiting, kiosk=kiosk, printer_down=printer_down(site, kiosk and kiosk.printer_url),
                  closed=kiosk_closed(site.id), hours=hours_text(parse_hours(site.hours)))


def _closed_screen(site, closed):
    """Outside the opening hours: why no ticket now, when again, and the hours (never a ticket)."""
    return render("kiosk/closed.html", "kiosk/partials/_closed.html", site=site, closed=closed)


@bp.get("/queues/<queue_id>")
def choose_priority(queue_id):
    """Second step: priority or not, then the ticket. The form carries a one-use key."""
    site = current_site()
    queue = get_owned(Queue, site, queue_id)
    closed = kiosk_closed(site.id)
    if closed is not None:
        return _closed_screen(site, closed)
    if not queue.is_open:
        raise DomainError("Hàng đợi “{name}” đang tạm dừng phát số.", name=queue.name)
    return render("kiosk/priority.html", "kiosk/partials/_priority.html", site=site, queue=queue,
                  categories=priority_categories(site), request_key=request_key())


def _kiosk_key() -> str:
    return f"kiosk:{request.args.get('k') or session.get('kiosk') or '-'}"


@bp.post("/tickets")
@limiter.limit(lambda: current_app.config["TICKET_LIMIT_PER_ADDRESS"], error_message=TICKETS_TOO_FAST)
@limiter.limit(lambda: current_app.config["TICKET_LIMIT_PER_KIOSK"], key_func=_kiosk_key,
               error_message=TICKETS_TOO_FAST)
@own_writes
def take_ticket():
    """Issue the ticket with its event and print job, show it large (whatever the printer does).

    The lean path: no ORM rows are loaded; the ticket is written in a group with the other
    kiosks' taps of the moment (domain.issuance) and the page is rendered after the commit.
    """
    if request.args.get("k"):
        session["kiosk"] = request.args["k"]
    closed = kiosk_closed(current_site_id())  # the schedule is kept per process: no rows loaded
    if closed is not None:
        return _closed_screen(current_site(), closed)
    ticket_request = TicketRequest(
        queue_id=request.form.get("queue_id", ""),
        priority_code=(request.form.get("priority") or "").strip()[:30],
        kiosk_code=session.get("kiosk") or "",
        request_key=(request.form.get("request_key") or "").strip()[:40] or None,
    )
    app = current_app._get_current_object()
    outcome = issue_line(app).issue(current_site_id(), ticket_request,
                                    on_commit=lambda: wake_print_lines(app))
    if outcome.error is not None:
        raise outcome.error
    if not outcome.created:
        return _ticket_issued_before(outcome.existing_id)
    return render("kiosk/ticket.html", "kiosk/partials/_ticket.html", site=outcome.site,
                  issued=outcome, ticket=outcome.ticket, job=outcome.job, printer_down=outcome.printer_down)


def _ticket_issued_before(ticket_id):
    """A repeated tap (double tap, or a retry after a lost answer) shows the ticket it got."""
    site = current_site()
    ticket = get_owned(Ticket, site, ticket_id)
    ahead, minutes = queue_outlook(ticket.queue, ticket.is_priority, before=ticket)
    job = latest_job_for_ticket(ticket)
    issued = IssueOutcome(ahead=ahead, wait_minutes=minutes, created=False)
    down = job is not None and printer_down(site, job.printer_url)
    return render("kiosk/ticket.html", "kiosk/partials/_ticket.html", site=site, issued=issued,
                  ticket=ticket, job=job, printer_down=down)


@bp.get("/tickets/<ticket_id>/print")
def print_status(ticket_id):
    """The print state of a ticket, polled by the ticket screen until it settles."""
    site = current_site()
    ticket = get_owned(Ticket, site, ticket_id)
    job = latest_job_for_ticket(ticket)
    down = job is not None and printer_down(site, job.printer_url)
    return render("kiosk/partials/_print_status.html", "kiosk/partials/_print_status.html",
                  ticket=ticket, job=job, printer_down=down)


@bp.get("/print-jobs/<job_id>.png")
def print_preview(job_id):
    """The picture a preview:// printer kept for a ticket (tickets carry no personal data)."""
    site = current_site()
    job = get_owned(PrintJob, site, job_id)
    path = Path(current_app.instance_path) / "print_preview" / f"{job.id}.png"
    if job.document not in ("ticket", "test") or not path.exists():
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.get("/thu-tuc")
def procedures():
    """What each procedure needs, so citizens come prepared: grouped by field."""
    site = current_site()
    rows = db.session.scalars(
        select(Procedure).where(Procedure.site_id == site.id, Procedure.active.is_(True))
        .order_by(vi(Procedure.field), vi(Procedure.name)))
    fields: dict[str, list] = {}
    for procedure in rows:
        fields.setdefault(procedure.field, []).append(procedure)
    return render("kiosk/procedures.html", "kiosk/partials/_procedures.html", site=site, fields=fields)


@bp.get("/thu-tuc/<procedure_id>")
def procedure(procedure_id):
    site = current_site()
    item = get_owned(Procedure, site, procedure_id)
    return render("kiosk/procedure.html", "kiosk/partials/_procedure.html", site=site, procedure=item)
