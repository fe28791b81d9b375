"""Print jobs: a row written with the ticket, sent after commit, retried, reprintable.

The request that issues a ticket never talks to a printer. The worker gives each printer its own
line (domain/print_line.py), which claims that printer's due jobs, sends them outside any
transaction and records the outcome, so a dead printer costs a citizen nothing but the paper: the
number is committed and shown on screen.
"""

from sqlalchemy import select

from models import PrintJob, Ticket
from motcua.extensions import db

from . import DomainError
from .clock import fmt_datetime, utcnow
from .print_line import process_due_jobs
from .print_retention import refuse_redacted_reprint

__all__ = ["latest_job_for_ticket", "process_due_jobs", "queue_print_job", "queue_test_page", "reprint",
           "ticket_payload"]


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
    refuse_redacted_reprint(job)
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
