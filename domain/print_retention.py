"""Personal data on paper jobs is kept only for a short reprint window after the job is done.

Slips (Mẫu 01 receipt, Mẫu 02, result return) carry the citizen's name, ID number, phone and
address. Once such a job is printed, failed for good or cancelled, its payload stays for
`PRINT_PERSONAL_DATA_HOURS` so the officer can reprint a jammed slip; then it is replaced by a
redacted one (the kind of slip and the dossier code). The dossier keeps the data, and the slip can
always be printed again from the dossier screen. Pictures and bytes kept by preview:// printers go
after the same time, tickets' too (they carry no personal data, but nothing needs them any longer).
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from models import PrintJob
from motcua.extensions import db
from motcua.transactions import write_transaction

from . import DomainError
from .clock import utcnow

SLIP_DOCUMENTS = ("receipt", "supplement", "return")
DONE = ("sent", "failed", "cancelled")
REPRINT_GONE = ("Bản in này không còn được lưu: thông tin cá nhân trên phiếu chỉ được giữ {hours} giờ sau "
                "khi in. Hãy in lại từ màn hình hồ sơ.")


def is_redacted(job: PrintJob) -> bool:
    return bool(job.payload.get("redacted"))


def refuse_redacted_reprint(job: PrintJob) -> None:
    """A slip whose personal data was erased cannot be reprinted from its print job."""
    if is_redacted(job):
        raise DomainError(REPRINT_GONE, hours=current_app.config["PRINT_PERSONAL_DATA_HOURS"])


def purge_personal_data(now: datetime | None = None) -> tuple[int, int]:
    """Erase slip payloads and preview files past the reprint window; return (jobs, files) erased."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["PRINT_PERSONAL_DATA_HOURS"])
    done_at = func.coalesce(PrintJob.sent_at, PrintJob.claimed_at, PrintJob.created_at)
    expired = (PrintJob.document.in_(SLIP_DOCUMENTS), PrintJob.status.in_(DONE), done_at < cutoff,
               PrintJob.payload["redacted"].as_boolean().is_(None))
    ids = list(db.session.scalars(select(PrintJob.id).where(*expired)))
    db.session.rollback()  # end the read before queueing to write
    if ids:
        with write_transaction():
            for job in db.session.scalars(select(PrintJob).where(PrintJob.id.in_(ids), *expired)):
                job.payload = {"redacted": True, "dossier_code": job.payload.get("dossier_code")}
    folder = Path(current_app.instance_path) / "print_preview"
    return len(ids), _delete_previews(folder, cutoff, {str(job_id) for job_id in ids})


def _delete_previews(folder: Path, cutoff: datetime, names: set[str]) -> int:
    """Delete the kept PNG and bytes of erased jobs, and any preview written before the cutoff."""
    if not folder.is_dir():
        return 0
    oldest = cutoff.replace(tzinfo=UTC).timestamp()
    deleted = 0
    for path in folder.iterdir():
        try:
            if path.stem in names or path.stat().st_mtime < oldest:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another process purged it first
            continue
    return deleted
