"""Print jobs: a row written with the ticket, sent after commit, retried, reprintable.

The request that issues a ticket never talks to a printer. A worker (one thread
per server process) claims the oldest due job of each printer, sends it outside
any transaction and records the outcome, so a dead printer costs a citizen nothing
but the paper: the number is committed and shown on screen.
"""

import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update

from hardware.compact import compact_receipt_slip, compact_ticket
from hardware.escpos_job import encode_raster_job
from hardware.forms import ReceiptData
from hardware.notice_slips import render_return_slip, render_supplement_slip
from hardware.printers import PrinterError, parse_printer_url, send_to_printer
from hardware.profiles import resolve as resolve_profile
from hardware.receipt_slip import render_receipt_slip
from hardware.test_page import render_test_page
from hardware.ticket import render_ticket
from models import PrintJob, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from . import DomainError
from .clock import fmt_datetime, utcnow
from .printer_status import probe, record_state, refuses_jobs

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=2)
BATCH = 20


def ticket_payload(site, ticket: Ticket, ahead: int, wait_minutes: int) -> dict:
    """What the paper ticket says, frozen when it is issued (a reprint says the same)."""
    return {
        "parent_agency": site.parent_agency,
        "site_name": site.name,
        "queue_name": ticket.queue.name,
        "code": ticket.code,
        "priority": ticket.priority.name if ticket.priority else None,
        "ahead": ahead,
        "wait_minutes": wait_minutes,
        "issued_at": fmt_datetime(ticket.issued_at),
    }


def queue_print_job(site, printer_url: str, device: str, ticket: Ticket | None, payload: dict,
                    document: str = "ticket"):
    """Add a pending job (a ticket, or a receipt slip); returns None when the device has no printer."""
    if not (printer_url or "").strip():
        return None
    job = PrintJob(
        site_id=site.id,
        printer_url=printer_url.strip(),
        device=device,
        document=document,
        ticket_id=ticket.id if ticket is not None else None,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def reprint(site, job: PrintJob, printer_url: str, device: str) -> PrintJob:
    """Queue the same paper again on the given printer (a ticket says it is a reprint)."""
    payload = dict(job.payload)
    if job.document == "ticket":
        payload["reprint"] = fmt_datetime(utcnow())
    ticket = db.session.get(Ticket, job.ticket_id) if job.ticket_id else None
    new_job = queue_print_job(site, printer_url, device, ticket, payload, document=job.document)
    if new_job is None:
        raise DomainError("Quầy này chưa được cấu hình máy in.")
    return new_job


def queue_test_page(site, printer_url: str, device: str) -> PrintJob:
    """A test page for the technician: Vietnamese letters, the dot width and a QR code."""
    payload = {"device": device, "printed_at": fmt_datetime(utcnow()), "qr": "MOTCUA-TEST"}
    job = queue_print_job(site, printer_url, device, None, payload, document="test")
    if job is None:
        raise DomainError("Thiết bị này chưa được cấu hình máy in.")
    return job


def latest_job_for_ticket(ticket: Ticket) -> PrintJob | None:
    return db.session.scalars(
        select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id.desc())
    ).first()


RENDERERS = {
    "ticket": render_ticket,
    "test": render_test_page,
    "receipt": lambda payload, width: render_receipt_slip(ReceiptData.from_dict(payload), width),
    "supplement": render_supplement_slip,
    "return": render_return_slip,
}
COMPACT = {"ticket": compact_ticket, "receipt": compact_receipt_slip}  # slow links (serial)


def render_job(job: PrintJob):
    """Return (address, image or None, ESC/POS bytes) at the printer's profile and dot width."""
    address = parse_printer_url(job.printer_url)
    profile = resolve_profile(address.profile, address.width)
    if address.compact and job.document in COMPACT:
        return address, None, COMPACT[job.document](job.payload, profile)
    image = RENDERERS[job.document](job.payload, profile.dot_width)
    return address, image, encode_raster_job(image)


def _claim_batches() -> list[list]:
    """Claim, per printer, its oldest pending jobs if the oldest is due; order is kept per printer.

    Only the head of each printer's line is looked at (one indexed query), so claiming stays
    cheap however many jobs wait; a batch of consecutive jobs goes out in one round.
    """
    now = utcnow()
    with write_transaction():
        db.session.execute(  # a worker that died mid-send: try its job again
            update(PrintJob)
            .where(PrintJob.status == "sending", PrintJob.claimed_at < now - STALE_CLAIM)
            .values(status="pending")
        )
        heads = db.session.execute(
            select(PrintJob.printer_url, func.min(PrintJob.id))
            .where(PrintJob.status == "pending").group_by(PrintJob.printer_url)
        ).all()
        batches = []
        for printer_url, head_id in heads:
            head = db.session.get(PrintJob, head_id)
            if head.next_attempt_at and head.next_attempt_at > now:
                continue  # the head waits for its retry; the jobs behind it wait too
            jobs = db.session.scalars(
                select(PrintJob).where(PrintJob.printer_url == printer_url, PrintJob.status == "pending")
                .order_by(PrintJob.id).limit(BATCH)
            ).all()
            for job in jobs:
                job.status, job.claimed_at = "sending", now
            batches.append([job.id for job in jobs])
    return batches


def process_due_jobs() -> int:
    """Send every printer's due jobs, in order, stopping at its first failure; return how many were sent."""
    config = current_app.config
    preview_dir = Path(current_app.instance_path) / "print_preview"
    outcomes, states, sent = {}, {}, 0
    for batch in _claim_batches():
        head = db.session.get(PrintJob, batch[0])
        site_id, printer_url = head.site_id, head.printer_url
        status = probe(printer_url, config["PRINT_TIMEOUT_SECONDS"])
        states[printer_url] = [site_id, status, None, False]
        if refuses_jobs(status):  # offline or out of paper: the line waits, nothing counts as tried
            outcomes.update({job_id: ("", 0, False) for job_id in batch})
            db.session.rollback()
            continue
        for index, job_id in enumerate(batch):
            job = db.session.get(PrintJob, job_id)
            error, size = _send(job, config, preview_dir)
            outcomes[job_id] = (error, size, True)
            states[printer_url][2:] = [error or None, not error]
            if error:  # later jobs of this printer go back in line untouched
                outcomes.update({later: ("", 0, False) for later in batch[index + 1:]})
                break
            sent += 1
        db.session.rollback()
    if outcomes:
        with write_transaction():
            for job_id, (error, size, tried) in outcomes.items():
                _record_outcome(db.session.get(PrintJob, job_id), error, size, tried, config)
            for printer_url, (site_id, status, error, ok) in states.items():
                record_state(site_id, printer_url, status, error, ok)
    return sent


def _send(job: PrintJob, config, preview_dir: Path) -> tuple[str, int]:
    try:
        address, image, data = render_job(job)
        send_to_printer(address, data, config["PRINT_TIMEOUT_SECONDS"], preview_dir, str(job.id), image)
    except PrinterError as exc:
        return str(exc), 0
    except Exception as exc:  # a bad payload must not stop the worker for everyone
        log.exception("print job %s failed", job.id)
        return f"Lỗi không xác định khi in: {exc}", 0
    return "", len(data)


def _record_outcome(job: PrintJob, error: str, byte_count: int, tried: bool, config) -> None:
    now = utcnow()
    if not tried:
        job.status = "pending"
        return
    job.attempts += 1
    if not error:
        job.status, job.sent_at, job.byte_count, job.last_error = "sent", now, byte_count, ""
        return
    job.last_error = error
    if job.attempts >= config["PRINT_MAX_ATTEMPTS"]:
        job.status = "failed"
        return
    job.status = "pending"
    job.next_attempt_at = now + timedelta(seconds=config["PRINT_RETRY_SECONDS"] * job.attempts)
