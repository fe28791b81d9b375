"""Changing a reception point's configuration: its details, queues, counters and kiosks."""

import re

from sqlalchemy import select

from hardware.printers import PrinterError, parse_printer_url
from models import POINT_KINDS, CalendarOverride, Counter, Kiosk, Queue
from motcua.extensions import db

from . import DomainError
from .events import record_event

AGENCY_CODE = re.compile(r"^[0-9A-Z.]{1,35}$")  # Decision 20/2020/QĐ-TTg identifier


def _text(value: str, label: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError("Hãy nhập {label}.", label=label)
    if len(value) > limit:
        raise DomainError("{label} dài quá {n} ký tự.", label=label, n=limit)
    return value


def _fields(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def checked_printer_url(url: str) -> str:
    """An empty URL (no printer) or one that parses; otherwise say what is wrong with it."""
    url = (url or "").strip()
    if url:
        try:
            parse_printer_url(url)
        except PrinterError as exc:
            raise DomainError(exc.message, **exc.params) from None
    return url


def set_printer(site, actor, device, url: str) -> None:
    device.printer_url = checked_printer_url(url)
    record_event(site.id, "site.printer_set", device.id, {"printer_url": device.printer_url}, actor.id)


def update_site(site, actor, name: str, parent_agency: str, kind: str, address: str, agency_code: str):
    """Change the reception point's details (the agency code goes into every dossier code)."""
    code = (agency_code or "").strip().upper()
    if not AGENCY_CODE.match(code):
        raise DomainError(
            "Mã định danh cơ quan “{code}” không hợp lệ (chữ số, A–Z và dấu chấm, tối đa 35 ký tự).",
            code=code,
        )
    if kind not in POINT_KINDS:
        raise DomainError("Loại điểm tiếp nhận không hợp lệ.")
    site.name = _text(name, "tên điểm tiếp nhận", 200)
    site.parent_agency = " ".join((parent_agency or "").split())[:200]
    site.address = " ".join((address or "").split())[:300]
    site.kind, site.agency_code = kind, code
    record_event(site.id, "site.updated", site.id, {"name": site.name, "agency_code": code}, actor.id)


def save_queue(site, actor, letter: str, name: str, name_en: str, fields: str, queue=None) -> Queue:
    """Add a queue, or rename one; its letter is fixed once tickets carry it."""
    name = _text(name, "tên hàng đợi", 120)
    if queue is None:
        letter = (letter or "").strip().upper()
        if not re.fullmatch(r"[A-Z]", letter):
            raise DomainError("Chữ cái của hàng đợi phải là một chữ in hoa A–Z.")
        taken = db.session.scalar(select(Queue.id).where(Queue.site_id == site.id, Queue.letter == letter))
        if taken is not None:
            raise DomainError("Chữ {letter} đã được dùng cho hàng đợi khác.", letter=letter)
        queue = Queue(site_id=site.id, letter=letter, is_open=True, sort_order=ord(letter))
        db.session.add(queue)
    queue.name, queue.name_en, queue.fields = name, " ".join((name_en or "").split())[:120], _fields(fields)
    db.session.flush()
    record_event(site.id, "site.queue_saved", queue.id, {"letter": queue.letter, "name": name}, actor.id)
    return queue


def save_counter(site, actor, number: str, queue_ids: list, printer_url: str, counter=None) -> Counter:
    """Add a counter or change which queues it calls from."""
    queues = [q for q in db.session.scalars(select(Queue).where(Queue.site_id == site.id))
              if str(q.id) in set(queue_ids)]
    if not queues:
        raise DomainError("Hãy chọn ít nhất một hàng đợi cho quầy.")
    if counter is None:
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise DomainError("Số quầy phải là một số nguyên dương.") from None
        if not 0 < value < 1000:
            raise DomainError("Số quầy phải là một số nguyên dương.")
        same = select(Counter.id).where(Counter.site_id == site.id, Counter.number == value)
        if db.session.scalar(same) is not None:
            raise DomainError("Quầy số {n} đã có.", n=value)
        counter = Counter(site_id=site.id, number=value, name=f"Quầy {value}", is_open=False)
        db.session.add(counter)
    counter.queues = queues
    counter.printer_url = checked_printer_url(printer_url)
    db.session.flush()
    record_event(site.id, "site.counter_saved", counter.id,
                 {"number": counter.number, "queues": [q.letter for q in queues]}, actor.id)
    return counter


def add_kiosk(site, actor, code: str, name: str, printer_url: str) -> Kiosk:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9-]{1,20}", code):
        raise DomainError("Mã kiosk chỉ gồm chữ, số và dấu gạch ngang (tối đa 20 ký tự).")
    if db.session.scalar(select(Kiosk.id).where(Kiosk.site_id == site.id, Kiosk.code == code)) is not None:
        raise DomainError("Mã kiosk {code} đã có.", code=code)
    kiosk = Kiosk(site_id=site.id, code=code, name=" ".join((name or "").split())[:120],
                  printer_url=checked_printer_url(printer_url))
    db.session.add(kiosk)
    db.session.flush()
    record_event(site.id, "site.kiosk_added", kiosk.id, {"code": code}, actor.id)
    return kiosk


def set_calendar_day(site, actor, day, working: bool, note: str) -> CalendarOverride:
    """Record an announced swap, make-up Saturday or local closure (replaces that day's entry)."""
    if day is None:
        raise DomainError("Hãy nhập ngày (dd/mm/yyyy).")
    row = db.session.scalars(select(CalendarOverride).where(CalendarOverride.site_id == site.id,
                                                            CalendarOverride.day == day)).first()
    if row is None:
        row = CalendarOverride(site_id=site.id, day=day)
        db.session.add(row)
    row.working, row.note = working, " ".join((note or "").split())[:200]
    db.session.flush()
    record_event(site.id, "site.calendar_set", row.id,
                 {"day": day.isoformat(), "working": working, "note": row.note}, actor.id if actor else None)
    return row


def remove_calendar_day(site, actor, row: CalendarOverride) -> None:
    record_event(site.id, "site.calendar_removed", row.id, {"day": row.day.isoformat()},
                 actor.id if actor else None)
    db.session.delete(row)
