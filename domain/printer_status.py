"""What staff see of their printers: online, paper, the last job's fate; cancel and reprint.

The worker asks a printer for its status (DLE EOT) before sending it a batch, where the link can
carry the question (TCP, USB, serial). A printer that says it is offline or out of paper gets no
jobs: they wait, in order, and go out once each when it answers again. No answer is "unknown",
never "OK" — the job is tried, and the send itself tells whether the printer took it.
"""

from sqlalchemy import func, select

from hardware.printers import PrinterError, parse_printer_url, query_status
from models import JOB_STATUSES, Counter, Kiosk, PrinterState, PrintJob
from motcua.extensions import db

from . import DomainError
from .clock import utcnow
from .print_retention import is_redacted

STATUS_TRANSPORTS = ("tcp", "usb", "serial")
PAPER_LABELS = {"ok": "còn giấy", "near_end": "sắp hết giấy", "out": "hết giấy"}


def probe(printer_url: str, timeout: float):
    """Ask the printer for its status; None when its link cannot say (file, CUPS, preview)."""
    try:
        address = parse_printer_url(printer_url)
    except PrinterError:
        return None
    if address.scheme not in STATUS_TRANSPORTS:
        return None
    try:
        return query_status(address, timeout)
    except PrinterError:
        return None


def refuses_jobs(status) -> bool:
    return status is not None and (status.online is False or status.paper == "out")


def record_state(site_id, printer_url: str, status=None, error: str | None = None, sent: bool = False):
    """Remember what the printer said and how its last job went (in the caller's transaction)."""
    state = db.session.scalars(select(PrinterState).where(PrinterState.site_id == site_id,
                                                          PrinterState.printer_url == printer_url)).first()
    if state is None:
        state = PrinterState(site_id=site_id, printer_url=printer_url, detail="", last_error="")
        db.session.add(state)
    now = utcnow()
    if status is not None:
        state.online, state.paper, state.detail, state.checked_at = (status.online, status.paper,
                                                                     status.detail, now)
    if error is not None:
        state.last_error = error
    if sent:
        state.last_error, state.last_sent_at = "", now
    return state


def describe(state: PrinterState | None) -> tuple[str, dict, str]:
    """A sentence for staff (Vietnamese source text and its params) and a level."""
    if state is None:
        return "Chưa có thông tin", {}, "unknown"
    if state.paper == "out":  # an Epson out of paper also reports itself offline
        return "Máy in hết giấy", {}, "error"
    if state.online is False:
        return "Máy in đang tắt hoặc mở nắp", {}, "error"
    if state.last_error:
        return "Lần in gần nhất bị lỗi: {error}", {"error": state.last_error}, "error"
    if state.paper == "near_end":
        return "Máy in sắp hết giấy", {}, "warn"
    if state.online is None and state.checked_at is not None:
        return "Máy in không trả lời khi hỏi trạng thái", {}, "unknown"
    return "Sẵn sàng", {}, "ok"


def devices(site) -> list[dict]:
    """Every kiosk and counter with its printer, state and line of jobs."""
    states = {s.printer_url: s for s in db.session.scalars(select(PrinterState)
                                                             .where(PrinterState.site_id == site.id))}
    counts = {(url, status): n for url, status, n in db.session.execute(
        select(PrintJob.printer_url, PrintJob.status, func.count())
        .where(PrintJob.site_id == site.id, PrintJob.status.in_(("pending", "sending", "failed")))
        .group_by(PrintJob.printer_url, PrintJob.status))}
    rows = [(f"Kiosk {k.code}", k.printer_url) for k in
            db.session.scalars(select(Kiosk).where(Kiosk.site_id == site.id).order_by(Kiosk.code))]
    rows += [(f"Quầy {c.number}", c.printer_url) for c in
             db.session.scalars(select(Counter).where(Counter.site_id == site.id).order_by(Counter.number))]
    result = []
    for name, url in rows:
        state = states.get(url)
        text, params, level = describe(state) if url else ("Không có máy in", {}, "unknown")
        waiting = counts.get((url, "pending"), 0) + counts.get((url, "sending"), 0)
        result.append({"name": name, "url": url, "state": state, "text": text, "params": params,
                       "level": level, "waiting": waiting, "failed": counts.get((url, "failed"), 0)})
    return result


def printer_down(site, printer_url: str | None) -> bool:
    """Known not to print right now (a device with no printer at all is not "down")."""
    return bool(printer_url) and printer_url in printers_down(site.id, {printer_url})


def printers_down(site_id, printer_urls: set[str]) -> set[str]:
    """Those of `printer_urls` known not to print right now."""
    states = db.session.scalars(select(PrinterState).where(PrinterState.site_id == site_id,
                                                           PrinterState.printer_url.in_(printer_urls)))
    return {state.printer_url for state in states if state.down}


def unconfirmed(job: PrintJob) -> bool:
    """Sent, but the printer has not confirmed it yet: it holds its printer's line (domain/print_line.py)."""
    return job.status == "sent" and job.sent_at is None


def cancel_job(job: PrintJob) -> None:
    """Staff gave up on a job: failed for good, still waiting, or sent and never confirmed (this frees
    the printer's line; the citizen got a reprint, or left).

    Print jobs are this machine's own state, outside the event log: no event."""
    if job.status not in ("failed", "pending") and not unconfirmed(job):
        raise DomainError("Chỉ huỷ được lệnh in đang chờ, đã lỗi hoặc chưa được máy in xác nhận.")
    job.status = "cancelled"


def history(site, printer_url: str, limit: int = 50) -> list[dict]:
    """The printer's latest jobs, each with its label and what staff may do with it."""
    jobs = db.session.scalars(select(PrintJob).where(PrintJob.site_id == site.id,
                                                     PrintJob.printer_url == printer_url)
                              .order_by(PrintJob.id.desc()).limit(limit))
    return [_history_row(job) for job in jobs]


def _history_row(job: PrintJob) -> dict:
    held = unconfirmed(job)
    return {"job": job, "label": "chưa xác nhận" if held else JOB_STATUSES[job.status],
            "erased": is_redacted(job),
            "reprint": job.status in ("failed", "cancelled", "sent") and not is_redacted(job),
            "cancel": job.status in ("failed", "pending") or held}
