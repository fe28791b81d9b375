"""The touch kiosk: pick a queue, declare priority if any, take a ticket."""

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file, session
from sqlalchemy import select

from domain import DomainError, NotFound
from domain.ids import request_key
from domain.printer_status import printer_down
from domain.printing import latest_job_for_ticket, queue_print_job, ticket_payload
from domain.site import current_site, find_kiosk, get_owned, priority_categories, site_queues
from domain.tickets import issue_ticket
from domain.waiting import queue_outlook
from models import PrintJob, PriorityCategory, Procedure, Queue, Ticket
from motcua.extensions import db
from motcua.transactions import after_commit
from motcua.web import render
from motcua.worker import wake_print_worker

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
                  waiting=waiting, kiosk=kiosk, printer_down=printer_down(site, kiosk and kiosk.printer_url))


@bp.get("/queues/<queue_id>")
def choose_priority(queue_id):
    """Second step: priority or not, then the ticket. The form carries a one-use key."""
    site = current_site()
    queue = get_owned(Queue, site, queue_id)
    if not queue.is_open:
        raise DomainError("Hàng đợi “{name}” đang tạm dừng phát số.", name=queue.name)
    return render("kiosk/priority.html", "kiosk/partials/_priority.html", site=site, queue=queue,
                  categories=priority_categories(site), request_key=request_key())


@bp.post("/tickets")
def take_ticket():
    """Issue the ticket, queue its print job, show it large (whatever the printer does)."""
    site = current_site()
    queue = _queue_from_form(site)
    priority = _priority_from_form(site)
    kiosk = _kiosk(site)
    key = (request.form.get("request_key") or "").strip()[:40] or None
    issued = issue_ticket(site, queue, priority, kiosk, key)
    job = None
    if issued.created and kiosk is not None:
        payload = ticket_payload(site, issued.ticket, issued.ahead, issued.wait_minutes)
        job = queue_print_job(site, kiosk.printer_url, f"Kiosk {kiosk.code}", issued.ticket,
                              payload)
        app = current_app._get_current_object()
        after_commit(lambda: wake_print_worker(app))
    elif kiosk is not None:
        job = latest_job_for_ticket(issued.ticket)
    return render("kiosk/ticket.html", "kiosk/partials/_ticket.html", site=site,
                  issued=issued, ticket=issued.ticket, job=job,
                  printer_down=printer_down(site, kiosk and kiosk.printer_url))


def _queue_from_form(site) -> Queue:
    try:
        return get_owned(Queue, site, request.form.get("queue_id", ""))
    except NotFound:
        raise NotFound("Hàng đợi bạn chọn không còn tồn tại. Vui lòng chọn lại.") from None


def _priority_from_form(site):
    code = (request.form.get("priority") or "").strip()
    if not code:
        return None
    category = db.session.scalars(
        select(PriorityCategory).where(PriorityCategory.site_id == site.id,
                                       PriorityCategory.code == code,
                                       PriorityCategory.active.is_(True))
    ).first()
    if category is None:
        raise DomainError("Diện ưu tiên “{code}” không có trong danh sách. Vui lòng chọn lại.",
                          code=code)
    return category


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
        .order_by(Procedure.field, Procedure.name))
    fields: dict[str, list] = {}
    for procedure in rows:
        fields.setdefault(procedure.field, []).append(procedure)
    return render("kiosk/procedures.html", "kiosk/partials/_procedures.html", site=site, fields=fields)


@bp.get("/thu-tuc/<procedure_id>")
def procedure(procedure_id):
    site = current_site()
    item = get_owned(Procedure, site, procedure_id)
    return render("kiosk/procedure.html", "kiosk/partials/_procedure.html", site=site, procedure=item)
