"""Feedback and complaints (phản ánh, kiến nghị — PAKN): received with a code and a receipt,
assigned, answered by a deadline, followed by the citizen through the QR code on the receipt.

Deadlines (domain.md §4.1, indicator 5.2): not taken up within 2 working days, answered within 15.
A PAKN asks for no personal data: the code and check on the receipt are how the citizen follows it.
"""

import hmac
import re
import uuid
from datetime import UTC, datetime, time

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import case, or_, select

from models import COUNTER_ROLES, Dossier, Feedback, ReceptionPoint, StaffUser, staff_site
from motcua.extensions import db

from . import DomainError
from .calendar import calendar_for, local_date
from .clock import VN, fmt_date, fmt_datetime, utcnow
from .collation import vi_key as sort_key
from .dossiers import new_check
from .events import record
from .ids import uuid7
from .numbering import allocate_number
from .validation import BAD_TEXT, InvalidInput, bad_character

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
CODE = re.compile(r"^[0-9A-Z.]{1,35}-PA-[0-9]{6}-[0-9]{4,8}$")
CHECK = re.compile(r"^[0-9A-Z]{4,12}$")
REQUEST_SALT = "pakn-request"
REQUEST_MAX_AGE = 24 * 3600  # seconds a PAKN form's one-use key stays good


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
    code = code[:60]
    dossier = db.session.scalar(select(Dossier).where(Dossier.site_id == site.id, Dossier.code == code))
    if dossier is None:
        raise InvalidInput("Không tìm thấy hồ sơ có mã {code} tại đơn vị này.", "dossier_code", code=code)
    return dossier


def submit_feedback(site, *, channel: str, kind: str, topic: str, content: str, dossier_code: str = "",
                    ticket=None, officer=None, feedback_id: uuid.UUID | None = None) -> Feedback:
    """Receive a PAKN: its code, check and both deadlines, with its event.

    Each refusal is an InvalidInput naming its form field (kind, topic, content, dossier_code), so a
    form shows it beside that field. `feedback_id` is the row's id when the form's one-use key gave
    one (see request_key), so a repeated submit finds the PAKN the first one made (`submitted`).
    """
    if channel not in CHANNELS:
        raise DomainError("Kênh tiếp nhận không hợp lệ.")
    if kind not in KINDS:
        raise InvalidInput("Hãy chọn phản ánh hay kiến nghị.", "kind")
    if topic not in TOPICS:
        raise InvalidInput("Hãy chọn nội dung phản ánh, kiến nghị.", "topic")
    text = _text(content, CONTENT_LIMIT + 1)
    if not text:
        raise InvalidInput("Hãy ghi nội dung phản ánh, kiến nghị.", "content")
    if len(text) > CONTENT_LIMIT:
        raise InvalidInput("Nội dung dài quá {n} ký tự.", "content", n=CONTENT_LIMIT)
    if bad_character(text, multiline=True) is not None:
        raise InvalidInput(BAD_TEXT, "content", label="Nội dung")
    dossier = _dossier_by_code(site, dossier_code)
    now = utcnow()
    day = local_date(now)
    number = allocate_number(site.id, day, f"feedback:{site.agency_code}")
    config = current_app.config
    feedback = Feedback(
        id=feedback_id or uuid7(), site_id=site.id, code=f"{site.agency_code}-PA-{day:%y%m%d}-{number:04d}",
        check=new_check(),
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
    _close(feedback, actor, answer, "answered", feedback.due_at, "answer")


def reject_feedback(site, feedback: Feedback, actor, reason: str) -> None:
    """Say a PAKN is not taken up, with the reason; on time within 2 working days."""
    _close(feedback, actor, reason, "rejected", feedback.reject_by, "reject")


MISSING = {"answer": "Hãy ghi nội dung trả lời.", "reject": "Hãy ghi lý do không tiếp nhận xử lý."}


def check_answer(feedback: Feedback, text: str, action: str) -> str:
    """The answer (or the rejection's reason) as it will be kept; refused, naming the form field
    `action`, when the PAKN is already closed or the text is empty, too long or not real text."""
    _require_open(feedback)
    text = _text(text, CONTENT_LIMIT + 1)
    if not text:
        raise InvalidInput(MISSING[action], action)
    if len(text) > CONTENT_LIMIT:
        raise InvalidInput("Nội dung dài quá {n} ký tự.", action, n=CONTENT_LIMIT)
    if bad_character(text, multiline=True) is not None:
        raise InvalidInput(BAD_TEXT, action, label="Nội dung")
    return text


def _close(feedback: Feedback, actor, text: str, status: str, deadline: datetime, action: str) -> None:
    text = check_answer(feedback, text, action)
    now = utcnow()
    feedback.status, feedback.answer, feedback.answered_at = status, text, now
    feedback.answered_by_id, feedback.on_time = actor.id, now <= deadline
    record(f"feedback.{status}", feedback, actor=actor)


def find_for_tracking(code: str, check: str) -> Feedback | None:
    """The PAKN a receipt's code and check name, or None (one answer for both mistakes, and for a
    code or check that cannot be one; the check compared in constant time)."""
    code, check = (code or "").strip().upper(), (check or "").strip().upper()
    if not CODE.fullmatch(code) or not CHECK.fullmatch(check):
        return None
    feedback = db.session.scalar(select(Feedback).where(Feedback.code == code))
    if feedback is None or not hmac.compare_digest(feedback.check, check):
        return None
    return feedback


# ---- The one-use key of a PAKN form --------------------------------------------------------
# A double tap or a retry after a lost answer must not make two PAKN. The form carries the id the
# new row will have (a UUIDv7 made when the form was shown), signed with the app's secret so no one
# can choose an id; the POST runs in the site's one write transaction at a time, so "is there a row
# with this id?" then "insert it" cannot interleave. No column is needed: the key is the row's id.

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=REQUEST_SALT)


def request_key() -> str:
    """A signed new row id for a PAKN form."""
    return _signer().dumps(str(uuid7()))


def id_from_request_key(key: str | None) -> uuid.UUID | None:
    """The row id a form's key names, or None when it is missing, forged or older than a day."""
    if not key or len(key) > 200:
        return None
    try:
        return uuid.UUID(_signer().loads(key, max_age=REQUEST_MAX_AGE))
    except (BadData, ValueError, TypeError):
        return None


def submitted(site, feedback_id: uuid.UUID | None) -> Feedback | None:
    """The PAKN a key already made at this site (a repeated submit), or None."""
    if feedback_id is None:
        return None
    feedback = db.session.get(Feedback, feedback_id)
    return feedback if feedback is not None and feedback.site_id == site.id else None


# ---- Lists, deadlines and what the receipt says ------------------------------------------

def is_late(feedback: Feedback, now: datetime | None = None) -> bool:
    """Answered after its deadline, or still open past it (a rejection counts against reject_by)."""
    if feedback.status in OPEN:
        return (now or utcnow()) > feedback.due_at
    return feedback.on_time is False


STATUS_FILTERS = ("open", "received", "assigned", "answered", "rejected", "all")


def listing(site, status: str = "open", officer_id: uuid.UUID | None = None,
            limit: int = 500) -> list[Feedback]:
    """A site's PAKN, open ones first, then by deadline (the most pressing on top)."""
    query = select(Feedback).where(Feedback.site_id == site.id)
    if status == "open":
        query = query.where(Feedback.status.in_(OPEN))
    elif status in KNOWN_STATUSES:
        query = query.where(Feedback.status == status)
    if officer_id is not None:
        query = query.where(Feedback.assigned_to_id == officer_id)
    still_open = case((Feedback.status.in_(OPEN), 0), else_=1)
    return list(db.session.scalars(query.order_by(still_open, Feedback.due_at, Feedback.code).limit(limit)))


KNOWN_STATUSES = tuple(STATUS_LABELS)


def assignable_officers(site) -> list[StaffUser]:
    """Active counter staff who work at this site (assigned to it, or at home here with no list)."""
    assigned = select(staff_site.c.staff_id).where(staff_site.c.site_id == site.id)
    listed = select(staff_site.c.staff_id)
    users = db.session.scalars(select(StaffUser).where(
        StaffUser.active.is_(True), StaffUser.role.in_(COUNTER_ROLES),
        or_(StaffUser.id.in_(assigned), (StaffUser.site_id == site.id) & StaffUser.id.not_in(listed))))
    return sorted(users, key=lambda user: sort_key(user.full_name))


def tracking_url(base_url: str, feedback: Feedback) -> str:
    """The URL in the receipt's QR code: upper case, so it encodes in QR alphanumeric mode."""
    return f"{base_url.rstrip('/').upper()}/P/{feedback.code}?K={feedback.check}"


def office_name(feedback: Feedback) -> str:
    site = db.session.get(ReceptionPoint, feedback.site_id)
    return site.name if site is not None else ""


def slip_payload(site, feedback: Feedback, base_url: str) -> dict:
    """What the thermal receipt says (hardware.feedback_slip): no personal data, none was asked."""
    host = base_url.rstrip("/").split("://", 1)[-1]
    return {"parent_agency": site.parent_agency, "unit_name": site.name, "code": feedback.code,
            "check": feedback.check, "kind": KINDS[feedback.kind], "topic": TOPICS[feedback.topic],
            "channel": CHANNELS[feedback.channel], "received_at": fmt_datetime(feedback.received_at),
            "due_at": fmt_date(feedback.due_at), "reject_by": fmt_date(feedback.reject_by),
            "tracking_url": tracking_url(base_url, feedback), "tracking_host": host}
