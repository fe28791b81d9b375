"""Feedback and complaints (phản ánh, kiến nghị — PAKN): received with a code and a receipt,
assigned, answered by a deadline, followed by the citizen through the QR code on the receipt.

Deadlines (domain.md §4.1, indicator 5.2): not taken up within 2 working days, answered within 15.
A PAKN asks for no personal data: the code and check on the receipt are how the citizen follows it.
"""

from datetime import UTC, datetime, time

from flask import current_app
from sqlalchemy import select

from models import Dossier, Feedback, StaffUser
from motcua.extensions import db

from . import DomainError
from .calendar import calendar_for, local_date
from .clock import VN, utcnow
from .dossiers import new_check
from .events import record
from .numbering import allocate_number

KINDS = {"phan_anh": "Phản ánh", "kien_nghi": "Kiến nghị"}
TOPICS = {
    "attitude": "Thái độ, tác phong cán bộ",
    "delay": "Chậm trễ, trễ hẹn",
    "procedure": "Thủ tục, giấy tờ",
    "fees": "Phí, lệ phí, chi phí",
    "facilities": "Cơ sở vật chất, máy móc",
    "suggestion": "Đề xuất, góp ý cải tiến",
    "other": "Nội dung khác",
}
CHANNELS = {"kiosk": "Ki-ốt tự phục vụ", "counter": "Tại quầy"}
STATUS_LABELS = {"received": "Đã tiếp nhận", "assigned": "Đang xử lý", "answered": "Đã trả lời",
                 "rejected": "Không tiếp nhận xử lý"}
OPEN = ("received", "assigned")
CONTENT_LIMIT = 2000
END_OF_DAY = time(17, 0)  # the deadline is the close of its working day


def _text(value, limit: int) -> str:
    """The citizen's lines, each with its spaces tidied; the line breaks kept."""
    lines = [" ".join(line.split()) for line in str(value or "").splitlines()]
    return "\n".join(lines).strip()[:limit]


def _deadline(site, received: datetime, days: int) -> datetime:
    day = calendar_for(site).add_working_days(local_date(received), days)
    return datetime.combine(day, END_OF_DAY, tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


def _dossier_by_code(site, code: str) -> Dossier | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    dossier = db.session.scalar(select(Dossier).where(Dossier.site_id == site.id, Dossier.code == code))
    if dossier is None:
        raise DomainError("Không tìm thấy hồ sơ có mã {code} tại đơn vị này.", code=code)
    return dossier


def submit_feedback(site, *, channel: str, kind: str, topic: str, content: str, dossier_code: str = "",
                    ticket=None, officer=None) -> Feedback:
    """Receive a PAKN: its code, check and both deadlines, with its event."""
    if channel not in CHANNELS:
        raise DomainError("Kênh tiếp nhận không hợp lệ.")
    if kind not in KINDS:
        raise DomainError("Hãy chọn phản ánh hay kiến nghị.")
    if topic not in TOPICS:
        raise DomainError("Hãy chọn nội dung phản ánh, kiến nghị.")
    text = _text(content, CONTENT_LIMIT + 1)
    if not text:
        raise DomainError("Hãy ghi nội dung phản ánh, kiến nghị.")
    if len(text) > CONTENT_LIMIT:
        raise DomainError("Nội dung dài quá {n} ký tự.", n=CONTENT_LIMIT)
    dossier = _dossier_by_code(site, dossier_code)
    now = utcnow()
    day = local_date(now)
    number = allocate_number(site.id, day, f"feedback:{site.agency_code}")
    config = current_app.config
    feedback = Feedback(
        site_id=site.id, code=f"{site.agency_code}-PA-{day:%y%m%d}-{number:04d}", check=new_check(),
        channel=channel, kind=kind, topic=topic, content=text,
        dossier_id=dossier.id if dossier is not None else None,
        ticket_id=ticket.id if ticket is not None else None,
        recorded_by_id=officer.id if officer is not None else None, status="received", received_at=now,
        due_at=_deadline(site, now, config["FEEDBACK_ANSWER_DAYS"]),
        reject_by=_deadline(site, now, config["FEEDBACK_REJECT_DAYS"]),
        assigned_to_id=None, assigned_at=None, answer="", answered_at=None, answered_by_id=None,
        on_time=None)
    db.session.add(feedback)
    record("feedback.received", feedback, actor=officer)
    return feedback


def _require_open(feedback: Feedback) -> None:
    if feedback.status not in OPEN:
        raise DomainError("Phản ánh, kiến nghị {code} đã được xử lý xong.", code=feedback.code)


def assign_feedback(site, feedback: Feedback, actor, officer: StaffUser) -> None:
    """Give a PAKN to an officer of this site to answer."""
    _require_open(feedback)
    if officer is None or not officer.active:
        raise DomainError("Hãy chọn cán bộ xử lý.")
    feedback.status, feedback.assigned_to_id, feedback.assigned_at = "assigned", officer.id, utcnow()
    record("feedback.assigned", feedback, actor=actor)


def answer_feedback(site, feedback: Feedback, actor, answer: str) -> None:
    """Answer a PAKN; on time when answered by the end of its 15th working day."""
    _close(feedback, actor, answer, "answered", feedback.due_at, "Hãy ghi nội dung trả lời.")


def reject_feedback(site, feedback: Feedback, actor, reason: str) -> None:
    """Say a PAKN is not taken up, with the reason; on time within 2 working days."""
    _close(feedback, actor, reason, "rejected", feedback.reject_by, "Hãy ghi lý do không tiếp nhận xử lý.")


def _close(feedback: Feedback, actor, text: str, status: str, deadline: datetime, missing: str) -> None:
    _require_open(feedback)
    text = _text(text, CONTENT_LIMIT + 1)
    if not text:
        raise DomainError(missing)
    if len(text) > CONTENT_LIMIT:
        raise DomainError("Nội dung dài quá {n} ký tự.", n=CONTENT_LIMIT)
    now = utcnow()
    feedback.status, feedback.answer, feedback.answered_at = status, text, now
    feedback.answered_by_id, feedback.on_time = actor.id, now <= deadline
    record(f"feedback.{status}", feedback, actor=actor)


def find_for_tracking(code: str, check: str) -> Feedback | None:
    """The PAKN a receipt's code and check name, or None (one answer for both mistakes)."""
    code, check = (code or "").strip().upper(), (check or "").strip().upper()
    if not code or not check:
        return None
    feedback = db.session.scalar(select(Feedback).where(Feedback.code == code))
    if feedback is None or feedback.check != check:
        return None
    return feedback
