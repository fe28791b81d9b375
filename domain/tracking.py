"""Public tracking: what anyone holding the receipt may see — masked, no ID, phone or address."""

import hmac
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs

from sqlalchemy import select

from models import Attachment, Dossier, DossierStep, StaffUser
from motcua.extensions import db

from .clock import business_date
from .lifecycle import STATUS_LABELS
from .personal_data import ERASED_NAME
from .validation import split_url

HISTORY_LABELS = {
    "dossier.received": "Đã tiếp nhận hồ sơ",
    "dossier.transferred": "Đã chuyển cơ quan giải quyết",
    "dossier.handover_accepted": "Cơ quan giải quyết đã nhận hồ sơ từ bưu điện; thời hạn bắt đầu tính",
    "dossier.supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "dossier.supplemented": "Đã bổ sung hồ sơ; thời hạn giải quyết tính lại",
    "dossier.rescheduled": "Xin lỗi và hẹn lại ngày trả kết quả",
    "dossier.result_ready": "Đã có kết quả, mời nhận kết quả",
    "dossier.returned": "Đã trả kết quả",
    "dossier.refused": "Từ chối giải quyết",
    "dossier.stopped": "Dừng giải quyết theo đề nghị",
}
STAFF_LABELS = {
    **HISTORY_LABELS,
    "dossier.supplement_requested_at_intake": "Yêu cầu bổ sung khi tiếp nhận (Mẫu 02)",
    "dossier.refused_at_intake": "Từ chối tiếp nhận (Mẫu 03)",
    "dossier.overdue": "Quá hạn giải quyết",
    "dossier.late_reason": "Ghi lý do quá hạn",
    "dossier.document_scanned": "Số hóa giấy tờ",
}
CODE = re.compile(r"^[0-9A-Z.]{1,35}-[0-9]{6}-[0-9]{4,8}$")
CHECK = re.compile(r"^[0-9A-Z]{4,12}$")  # the "mã tra cứu": ASCII only, compared in constant time


def mask_name(name: str) -> str:
    """'Nguyễn Thị Hồng Nhung' → 'Nguyễn T. H. N.': the family name and initials only."""
    if name == ERASED_NAME:
        return name  # retention ended: nothing left to mask
    parts = name.split()
    if len(parts) <= 1:
        return (parts[0][0] + ".") if parts else ""
    return " ".join([parts[0]] + [p[0] + "." for p in parts[1:]])


def normalised(code: str, check: str) -> tuple[str, str] | None:
    """(code, check) as receipts print them, or None when either cannot be one."""
    code, check = (code or "").strip().upper(), (check or "").strip().upper()
    # A check typed with Telex on ("Ắ") is no check: refused before the lookup, so a known code
    # and an unknown one get the same answer.
    if not CODE.fullmatch(code) or not CHECK.fullmatch(check):
        return None
    return code, check


def find_for_tracking(code: str, check: str) -> Dossier | None:
    """The dossier whose code AND check match; None otherwise (one answer for both cases)."""
    typed = normalised(code, check)
    if typed is None:
        return None
    code, check = typed
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).first()
    if dossier is None or not hmac.compare_digest(dossier.check, check):
        return None
    return dossier


def public_view(dossier: Dossier) -> dict:
    """Procedure, status, appointment and dated history; the applicant only as a masked name."""
    steps = db.session.scalars(
        select(DossierStep).where(DossierStep.dossier_id == dossier.id, DossierStep.type.in_(HISTORY_LABELS))
        .order_by(DossierStep.at, DossierStep.id))
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "applicant": mask_name(dossier.applicant_name),
        "status": STATUS_LABELS.get(dossier.status, dossier.status),
        "status_key": dossier.status,
        "received_at": dossier.received_at,  # what the receipt says, for good
        "clock_restarted_at": clock_restarted_at(dossier),
        "due_at": dossier.due_at,
        "rescheduled": dossier.rescheduled,
        "history": [(step.at, HISTORY_LABELS[step.type]) for step in steps],
    }


def clock_restarted_at(dossier: Dossier):
    """When the legal clock restarted after a supplement (Art. 19(4)), or None: shown beside the
    received time, never instead of it — that one is on the paper receipt for good."""
    if dossier.clock_started_at and dossier.received_at and dossier.clock_started_at != dossier.received_at:
        return dossier.clock_started_at
    return None


def staff_history(dossier: Dossier) -> list[tuple]:
    """Every step and scanned paper of a dossier, oldest first: (when, label, officer, detail)."""
    steps = db.session.execute(
        select(DossierStep, StaffUser.full_name).outerjoin(StaffUser, StaffUser.id == DossierStep.actor_id)
        .where(DossierStep.dossier_id == dossier.id)).all()
    scans = db.session.execute(
        select(Attachment, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == Attachment.uploaded_by_id)
        .where(Attachment.dossier_id == dossier.id)).all()
    rows = [(step.at, step.id, STAFF_LABELS.get(step.type, step.type), actor or "", _detail(dossier, step))
            for step, actor in steps]
    rows += [(item.created_at, item.id, STAFF_LABELS["dossier.document_scanned"], actor or "", item.document)
             for item, actor in scans]
    return [(at, label, actor, detail) for at, _, label, actor, detail in sorted(rows, key=lambda r: r[:2])]


def _detail(dossier: Dossier, step: DossierStep) -> str:
    if step.type == "dossier.result_ready":
        return dossier.result_note
    return step.reason or step.agency


def split_scanned_url(text: str) -> tuple[str, str]:
    """A receipt QR typed by a keyboard-wedge scanner: '…/T/<CODE>?K=<CHECK>' → (code, check)."""
    parts = split_url((text or "").strip())
    if parts is None:  # e.g. "http://[::1/T/…": a broken host is no receipt
        return "", ""
    path = parts.path.rstrip("/")
    code = path.rsplit("/", 1)[-1] if "/" in path else ""
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    return code.upper(), query.get("k", "").upper()


def intake_day(code: str) -> date | None:
    """The intake date a dossier code carries (its yymmdd part), or None if it names no real day."""
    try:
        return datetime.strptime(code.rsplit("-", 2)[1], "%y%m%d").date()
    except (IndexError, ValueError):
        return None


def may_still_arrive(code: str, last_push: datetime | None, now: datetime) -> bool:
    """Could central be missing this dossier only because its site has not sent it yet?

    Yes when the code's day is no earlier than the day before the site's last successful push (or
    the site never pushed) and no later than tomorrow; an older code would have arrived already.
    """
    day = intake_day(code)
    if day is None or day > business_date(now) + timedelta(days=1):
        return False
    return last_push is None or day >= business_date(last_push) - timedelta(days=1)
