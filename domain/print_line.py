"""One printer's line: claim its due jobs, send them in order outside any transaction, record each.

A job is claimed by an atomic status change (pending → sending) in a short write transaction, so two
processes never send the same job; every talk with the printer happens with no transaction open.

A job whose bytes were all written but which the printer did not confirm (its answer to the DLE EOT
behind the job came too late, or the link dropped while waiting) may well have printed: it is *not*
sent again. It is kept as sent with no `sent_at` — unconfirmed — and holds its printer's line: the
jobs behind it wait until the printer answers a status question again, which it does only once it
has read what it was sent; then the line moves on and the job keeps a note for staff.
"""

import logging
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from hardware.compact import compact_receipt_slip, compact_ticket
from hardware.escpos_job import encode_raster_job
from hardware.feedback_slip import render_feedback_slip
from hardware.forms import ReceiptData
from hardware.notice_slips import render_return_slip, render_supplement_slip
from hardware.printers import PrinterError, parse_printer_url, send_to_printer
from hardware.profiles import resolve as resolve_profile
from hardware.receipt_slip import render_receipt_slip
from hardware.test_page import render_test_page
from hardware.ticket import render_ticket
from hardware.transports import PrinterUnconfirmed
from models import PrintJob
from motcua.extensions import db
from motcua.transactions import write_transaction

from .clock import fmt_datetime, utcnow
from .printer_status import probe, record_state, refuses_jobs

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=2)
BATCH = 20
RECORD_EVERY = 0.1  # seconds: how long a sent job may wait to be recorded as sent
UNCONFIRMED_NOTE = ("Máy in chưa xác nhận đã nhận lệnh in ({error}); lệnh này không được gửi lại để tránh "
                    "in hai lần, các lệnh sau chờ đến khi máy in trả lời.")
LATE_NOTE = ("Máy in không xác nhận lệnh này; máy in trả lời lại lúc {at}. Nếu công dân chưa nhận được "
             "phiếu, hãy in lại.")

RENDERERS = {
    "ticket": render_ticket,
    "test": render_test_page,
    "receipt": lambda payload, width: render_receipt_slip(ReceiptData.from_dict(payload), width),
    "supplement": render_supplement_slip,
    "return": render_return_slip,
    "feedback": render_feedback_slip,  # the PAKN receipt (no personal data)
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


def pending_printers() -> list[str]:
    """Printers with jobs waiting, each to get its own line."""
    urls = list(db.session.scalars(select(PrintJob.printer_url).where(PrintJob.status == "pending")
                                   .distinct()))
    db.session.rollback()  # end the read
    return urls


def release_stale_claims() -> None:
    """Jobs claimed by a worker that died mid-send go back in line (looked at first, written rarely)."""
    cutoff = utcnow() - STALE_CLAIM
    stale = (PrintJob.status == "sending", PrintJob.claimed_at < cutoff)
    if db.session.scalars(select(PrintJob.id).where(*stale).limit(1)).first() is None:
        db.session.rollback()
        return
    with write_transaction():
        db.session.execute(update(PrintJob).where(*stale).values(status="pending"))


def process_due_jobs() -> int:
    """One round over every printer, one after the other (CLI and tests); return how many were sent."""
    release_stale_claims()
    return sum(process_printer(url) for url in pending_printers())


def process_printer(printer_url: str) -> int:
    """Send one printer's due jobs in order, stopping at its first failure; return how many were sent."""
    config = current_app.config
    head = _due_head(printer_url)
    if head is None:
        return 0
    site_id, held = head.site_id, _unconfirmed(printer_url)
    db.session.rollback()  # no transaction stays open while the printer is asked
    status = probe(printer_url, config["PRINT_TIMEOUT_SECONDS"])
    answered = status is not None and status.online is not None
    if (held is not None and not answered) or refuses_jobs(status):
        with write_transaction():  # the line waits; nothing counts as tried
            record_state(site_id, printer_url, status)
        return 0
    batch = _claim(printer_url, held)
    if not batch:
        return 0
    return _send_batch(batch, site_id, printer_url, status, config)


def _due_head(printer_url: str) -> PrintJob | None:
    head = db.session.scalars(select(PrintJob).where(PrintJob.printer_url == printer_url,
                                                     PrintJob.status == "pending")
                              .order_by(PrintJob.id).limit(1)).first()
    if head is None or (head.next_attempt_at and head.next_attempt_at > utcnow()):
        db.session.rollback()
        return None  # the head waits for its retry; the jobs behind it wait too
    return head


def _unconfirmed(printer_url: str):
    """The id of this printer's unconfirmed job, if any: only ever its latest sent one (it holds the line)."""
    latest = db.session.execute(select(PrintJob.id, PrintJob.sent_at)
                                .where(PrintJob.printer_url == printer_url, PrintJob.status == "sent")
                                .order_by(PrintJob.id.desc()).limit(1)).first()
    return latest.id if latest is not None and latest.sent_at is None else None


def _claim(printer_url: str, held) -> list:
    """Claim up to BATCH pending jobs of the printer; a printer's answer releases its unconfirmed job."""
    now = utcnow()
    with write_transaction():
        if held is not None:
            job = db.session.get(PrintJob, held)
            if job.status == "sent" and job.sent_at is None:
                job.sent_at, job.last_error = now, LATE_NOTE.format(at=fmt_datetime(now))
        jobs = db.session.scalars(select(PrintJob).where(PrintJob.printer_url == printer_url,
                                                         PrintJob.status == "pending")
                                  .order_by(PrintJob.id).limit(BATCH)).all()
        if not jobs or (jobs[0].next_attempt_at and jobs[0].next_attempt_at > now):
            return []
        for job in jobs:
            job.status, job.claimed_at = "sending", now
        return [job.id for job in jobs]


def _send_batch(batch: list, site_id, printer_url: str, status, config) -> int:
    """Send the claimed jobs in order; record outcomes together, at most RECORD_EVERY after sending.

    Each record is a commit that waits for the disk with the writer queue held; one per job would
    stall the kiosks behind a fast printer. A real printer takes longer than RECORD_EVERY per job, so
    there each job is still recorded before the next is sent; if the process dies in between, at
    most RECORD_EVERY of sent jobs go back in line (released as stale claims) and print again.
    """
    preview_dir = Path(current_app.instance_path) / "print_preview"
    sent, done, last_record = 0, [], time.monotonic()
    for index, job_id in enumerate(batch):
        error, size, unconfirmed = _send(db.session.get(PrintJob, job_id), config, preview_dir)
        done.append((job_id, error, size, unconfirmed))
        rest = batch[index + 1:]
        if error or not rest or time.monotonic() - last_record >= RECORD_EVERY:
            _record(done, rest, site_id, printer_url, status, config)
            done, last_record, status = [], time.monotonic(), None  # the probe's answer: recorded once
        if error:
            break
        sent += 1
    return sent


def _record(done: list, rest: list, site_id, printer_url: str, status, config) -> None:
    """Record the outcomes of `done` in one short write; `rest` stays claimed, or goes back after an error."""
    with write_transaction():
        for job_id, error, size, unconfirmed in done:
            _record_outcome(db.session.get(PrintJob, job_id), error, size, unconfirmed, config)
        if error and rest:  # later jobs of this printer go back in line untouched
            db.session.execute(update(PrintJob).where(PrintJob.id.in_(rest)).values(status="pending"))
        elif rest:  # still ours: a long batch on a slow link is not taken for a dead worker's
            db.session.execute(update(PrintJob).where(PrintJob.id.in_(rest)).values(claimed_at=utcnow()))
        record_state(site_id, printer_url, status, error or None, not error)


def _send(job: PrintJob, config, preview_dir: Path) -> tuple[str, int, bool]:
    """Render, end the read, send: (error or "", bytes sent, whether the bytes went out unconfirmed)."""
    job_name = str(job.id)
    try:
        address, image, data = render_job(job)
        db.session.rollback()
        send_to_printer(address, data, config["PRINT_TIMEOUT_SECONDS"], preview_dir, job_name, image)
    except PrinterUnconfirmed as exc:
        return UNCONFIRMED_NOTE.format(error=exc), len(data), True
    except PrinterError as exc:
        return str(exc), 0, False
    except Exception as exc:  # a bad payload must not stop the line for good
        log.exception("print job %s failed", job_name)
        return f"Lỗi không xác định khi in: {exc}", 0, False
    finally:
        db.session.rollback()
    return "", len(data), False


def _record_outcome(job: PrintJob, error: str, byte_count: int, unconfirmed: bool, config) -> None:
    now = utcnow()
    job.attempts += 1
    if unconfirmed:  # sent, not confirmed: never resent on its own; holds the line (see module doc)
        job.status, job.sent_at, job.byte_count, job.last_error = "sent", None, byte_count, error
        return
    if not error:
        job.status, job.sent_at, job.byte_count, job.last_error = "sent", now, byte_count, ""
        return
    job.last_error = error
    if job.attempts >= config["PRINT_MAX_ATTEMPTS"]:
        job.status = "failed"
        return
    job.status = "pending"
    job.next_attempt_at = now + timedelta(seconds=config["PRINT_RETRY_SECONDS"] * job.attempts)
