"""Changing a reception point's configuration: its details, queues, counters, kiosks, priority
categories and calendar. Each operation records its event after the change, and none when
nothing changed."""

import re
import uuid

from sqlalchemy import select

from hardware.printers import PrinterError, parse_printer_url
from models import POINT_KINDS, CalendarOverride, Counter, Kiosk, PriorityCategory, Queue
from motcua.extensions import db

from . import DomainError
from .events import record

# The receiving agency's identifier (Decision 20/2020/QĐ-TTg, QCVN 102:2016), at most 35 characters:
# as dossier codes write it, lowest level first, "000.00.12.H56" (Circular 01/2018 Art. 19); or highest
# level first, "H55.242" (the form the provincial portals use). The level-1 code is a letter A–Y and
# two digits.
AGENCY_CODE = re.compile(r"^(?=.{3,35}$)(?:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Y][0-9]{2}"
                         r"|[A-Y][0-9]{2}(?:\.[0-9]{2,3})*)$")
AGENCY_CODE_EXAMPLE = "000.00.12.H56"


class ConfigError(DomainError):
    """A refused setting; `field` names the form field it is about (empty: the form as a whole)."""

    def __init__(self, message: str, field: str = "", **params):
        super().__init__(message, **params)
        self.field = field


def checked_agency_code(agency_code: str) -> str:
    """The agency code in capitals, or a ConfigError showing what a real one looks like."""
    code = "".join((agency_code or "").split()).upper()
    if not AGENCY_CODE.match(code):
        raise ConfigError("Mã định danh “{code}” không hợp lệ: mã định danh cơ quan (Quyết định "
                          "20/2020/QĐ-TTg) có dạng như {example} hoặc H55.242.", "agency_code",
                          code=(agency_code or "").strip(), example=AGENCY_CODE_EXAMPLE)
    return code


def _text(value: str, label: str, limit: int, field: str = "") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ConfigError("Hãy nhập {label}.", field, label=label)
    if len(value) > limit:
        raise ConfigError("{label} dài quá {n} ký tự.", field, label=label, n=limit)
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
            raise ConfigError(exc.message, "printer_url", **exc.params) from None
    return url


def _changed(row) -> bool:
    return db.session.is_modified(row)


def set_printer(site, actor, device: Counter | Kiosk, url: str) -> None:
    """Give a counter or kiosk another printer (or none)."""
    device.printer_url = checked_printer_url(url)
    if _changed(device):
        kind = "counter" if isinstance(device, Counter) else "kiosk"
        record(f"{kind}.updated", device, actor=actor, context={"change": "printer"})


def update_site(site, actor, name: str, parent_agency: str, kind: str, address: str, agency_code: str):
    """Change the reception point's details (the agency code goes into every dossier code)."""
    code = checked_agency_code(agency_code)
    if kind not in POINT_KINDS:
        raise ConfigError("Loại điểm tiếp nhận không hợp lệ.", "kind")
    site.name = _text(name, "tên điểm tiếp nhận", 200, "name")
    site.parent_agency = " ".join((parent_agency or "").split())[:200]
    site.address = " ".join((address or "").split())[:300]
    site.kind, site.agency_code = kind, code
    if _changed(site):
        record("site.updated", site, actor=actor)


def save_queue(site, actor, letter: str, name: str, name_en: str, fields: str, queue=None) -> Queue:
    """Add a queue, or rename one; its letter is fixed once tickets carry it."""
    name = _text(name, "tên hàng đợi", 120, "name")
    if queue is None:
        letter = (letter or "").strip().upper()
        if not re.fullmatch(r"[A-Z]", letter):
            raise ConfigError("Chữ cái của hàng đợi phải là một chữ in hoa A–Z.", "letter")
        taken = db.session.scalar(select(Queue.id).where(Queue.site_id == site.id, Queue.letter == letter))
        if taken is not None:
            raise ConfigError("Chữ {letter} đã được dùng cho hàng đợi khác.", "letter", letter=letter)
        queue = Queue(site_id=site.id, letter=letter, is_open=True, sort_order=ord(letter))
        db.session.add(queue)
    created = queue in db.session.new
    queue.name, queue.name_en, queue.fields = name, " ".join((name_en or "").split())[:120], _fields(fields)
    if created:
        record("queue.created", queue, actor=actor)
    elif _changed(queue):
        record("queue.updated", queue, actor=actor)
    return queue


def set_queue_open(queue: Queue, actor, is_open: bool) -> None:
    """Resume or pause the kiosk's tickets for `queue` (those already waiting are still called)."""
    if queue.is_open != is_open:
        queue.is_open = is_open
        record("queue.resumed" if is_open else "queue.paused", queue, actor=actor)


def save_counter(site, actor, number: str, queue_ids: list, printer_url: str, counter=None) -> Counter:
    """Add a counter or change which queues it calls from."""
    queues = [q for q in db.session.scalars(select(Queue).where(Queue.site_id == site.id))
              if str(q.id) in set(queue_ids)]
    if counter is None:
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise ConfigError("Số quầy phải là một số nguyên dương.", "number") from None
        if not 0 < value < 1000:
            raise ConfigError("Số quầy phải là một số nguyên dương.", "number")
        same = select(Counter.id).where(Counter.site_id == site.id, Counter.number == value)
        if db.session.scalar(same) is not None:
            raise ConfigError("Quầy số {n} đã có.", "number", n=value)
    if not queues:
        raise ConfigError("Hãy chọn ít nhất một hàng đợi cho quầy.", "queue_ids")
    url = checked_printer_url(printer_url)
    if counter is None:
        # officer_id given, not left unset: the event guard compares it once the page reloads the row
        counter = Counter(site_id=site.id, number=value, name=f"Quầy {value}", is_open=False,
                          officer_id=None)
        db.session.add(counter)
    created = counter in db.session.new
    change = [] if created else [name for name, same in (
        ("queues", {q.id for q in counter.queues} == {q.id for q in queues}),
        ("printer", counter.printer_url == url)) if not same]
    if created or "queues" in change:
        counter.queues = queues
    counter.printer_url = url
    if created:
        record("counter.created", counter, actor=actor)
    elif change:
        record("counter.updated", counter, actor=actor, context={"change": ", ".join(change)})
    return counter


def add_kiosk(site, actor, code: str, name: str, printer_url: str) -> Kiosk:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9-]{1,20}", code):
        raise ConfigError("Mã kiosk chỉ gồm chữ, số và dấu gạch ngang (tối đa 20 ký tự).", "code")
    if db.session.scalar(select(Kiosk.id).where(Kiosk.site_id == site.id, Kiosk.code == code)) is not None:
        raise ConfigError("Mã kiosk {code} đã có.", "code", code=code)
    kiosk = Kiosk(site_id=site.id, code=code, name=" ".join((name or "").split())[:120],
                  printer_url=checked_printer_url(printer_url))
    db.session.add(kiosk)
    record("kiosk.created", kiosk, actor=actor)
    return kiosk


def set_category_active(category: PriorityCategory, actor, active: bool) -> None:
    """Offer the priority category at the kiosk again, or stop offering it."""
    if category.active != active:
        category.active = active
        record("priority_category.enabled" if active else "priority_category.disabled", category,
               actor=actor)


def calendar_day_id(site_id, day) -> uuid.UUID:
    """One id per site and day, the same wherever and whenever it is made."""
    return uuid.uuid5(site_id, f"calendar:{day.isoformat()}")


def set_calendar_day(site, actor, day, working: bool, note: str) -> CalendarOverride:
    """Record an announced swap, make-up Saturday or local closure (replaces that day's entry)."""
    if day is None:
        raise ConfigError("Hãy nhập ngày (dd/mm/yyyy).", "day")
    row = db.session.scalars(select(CalendarOverride).where(CalendarOverride.site_id == site.id,
                                                            CalendarOverride.day == day)).first()
    if row is None:  # the day is the aggregate: set again after a removal, it is the same record
        row = CalendarOverride(id=calendar_day_id(site.id, day), site_id=site.id, day=day)
        db.session.add(row)
    row.working, row.note = working, " ".join((note or "").split())[:200]
    if row in db.session.new or _changed(row):
        record("calendar.set", row, actor=actor)
    return row


def remove_calendar_day(site, actor, row: CalendarOverride) -> None:
    """Drop a day's override: the statutory calendar applies to it again."""
    record("calendar.removed", row, actor=actor, deleted=True)
    db.session.delete(row)


def set_hours(site, actor, hours: dict) -> None:
    """Change the opening hours, the kiosk's cut-off and the collect note (checked by
    domain.opening_hours.checked_hours); central's tracking page shows them once synced."""
    site.hours = hours
    if _changed(site):
        record("site.updated", site, actor=actor, context={"change": "hours"})


PHONE = re.compile(r"^\+?[0-9 .()-]{6,40}$")


def set_phone(site, actor, phone: str) -> None:
    """Change the office's phone number that the tracking page gives citizens (may be empty)."""
    from .validation import InvalidInput

    phone = " ".join((phone or "").split())
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        raise InvalidInput("Số điện thoại “{phone}” không hợp lệ (chữ số, dấu cách, + . - ( )).",
                           field="phone", phone=phone[:40])
    site.phone = phone
    if _changed(site):
        record("site.updated", site, actor=actor, context={"change": "phone"})
