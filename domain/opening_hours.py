"""When the kiosk gives tickets: the reception point's opening hours, lunch break, the cut-off
before each break, and its working days (holidays, announced days off, make-up Saturdays from
domain.calendar).

`reception_point.hours` (JSON) holds, all keys optional:
    {"weekday": [["07:30", "11:30"], ["13:30", "17:00"]],  # Monday to Friday, and worked days off
     "saturday": [],                                        # ordinary Saturdays ([] = closed)
     "cutoff_minutes": 30,                                  # no tickets this long before each break
     "collect_note": "…"}                                   # what else to bring to collect a result
Times are Vietnamese wall-clock time. A missing or malformed key takes the default below: the
civil servants' day most provinces set (7:30–11:30, 13:30–17:00; domain.workdays counts the 17:00
close when it promises results at 16:00), closed on Saturdays.
"""

import re
import threading
import time as monotonic
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import CalendarOverride, ReceptionPoint
from motcua.extensions import db
from motcua.i18n import current_language, gettext

from . import clock
from .calendar import calendar_for
from .validation import InvalidInput
from .workdays import SATURDAY, WorkCalendar

DEFAULT_HOURS = {"weekday": [["07:30", "11:30"], ["13:30", "17:00"]], "saturday": [],
                 "cutoff_minutes": 30, "collect_note": ""}
MAX_CUTOFF = 240
LOOK_AHEAD_DAYS = 45  # Tết and an announced bridge are shorter than this
CACHE_SECONDS = 30.0  # other processes' changes (the CLI, a sync pull) show within this
_SPAN = re.compile(r"^\s*(\d{1,2})[:hg.](\d{2})\s*[-–—]\s*(\d{1,2})[:hg.](\d{2})\s*$")
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class Hours:
    weekday: tuple[tuple[time, time], ...]
    saturday: tuple[tuple[time, time], ...]
    cutoff_minutes: int
    collect_note: str


@dataclass(frozen=True)
class KioskState:
    """Whether the kiosk gives tickets at a moment; if not, why and when it gives them again."""

    open: bool
    # before_opening | break | cutoff | after_closing | holiday | day_off | closed_day
    reason: str | None = None
    holiday: str | None = None
    reopens_at: datetime | None = None  # Vietnamese wall-clock time


def _spans(raw) -> tuple[tuple[time, time], ...]:
    spans = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw)
    if any(a >= b for a, b in spans) or any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1)):
        raise ValueError("spans overlap or run backwards")
    return spans


def parse_hours(raw: dict | None) -> Hours:
    """A site's stored hours, each key falling back to its default when missing or malformed."""
    raw = raw if isinstance(raw, dict) else {}

    def spans(key):
        try:
            return _spans(raw[key])
        except (KeyError, TypeError, ValueError):
            return _spans(DEFAULT_HOURS[key])

    cutoff = raw.get("cutoff_minutes")
    if not isinstance(cutoff, int) or not 0 <= cutoff <= MAX_CUTOFF:
        cutoff = DEFAULT_HOURS["cutoff_minutes"]
    note = raw.get("collect_note")
    return Hours(spans("weekday"), spans("saturday"), cutoff, note if isinstance(note, str) else "")


@dataclass
class Schedule:
    """A site's hours on its working calendar."""

    hours: Hours
    calendar: WorkCalendar

    def sessions_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The day's opening spans: none on a holiday or day off, weekday hours on a worked day off."""
        override = self.calendar.overrides.get(day)
        if override is False or (override is None and self.calendar.holiday_name(day)):
            return ()
        if override or day.weekday() < SATURDAY:
            return self.hours.weekday
        return self.hours.saturday if day.weekday() == SATURDAY else ()

    def _windows(self, day: date):
        """The day's ticket windows: each span less the cut-off before its end."""
        cut = timedelta(minutes=self.hours.cutoff_minutes)
        for start, end in self.sessions_on(day):
            opens, stops = datetime.combine(day, start), datetime.combine(day, end) - cut
            if stops > opens:
                yield opens, stops, datetime.combine(day, end)

    def state_at(self, now: datetime) -> KioskState:
        """The kiosk's state at `now` (naive Vietnamese wall-clock time)."""
        windows = list(self._windows(now.date()))
        if any(opens <= now < stops for opens, stops, _ in windows):
            return KioskState(open=True)
        reopens = self.next_opening(now)
        if not self.sessions_on(now.date()):
            return KioskState(False, self._closed_reason(now.date()), self.calendar.holiday_name(now.date()),
                              reopens)
        spans = self.sessions_on(now.date())
        if now < datetime.combine(now.date(), spans[0][0]):
            reason = "before_opening"
        elif now >= datetime.combine(now.date(), spans[-1][1]):
            reason = "after_closing"
        elif any(stops <= now < end for _, stops, end in windows):
            reason = "cutoff"
        else:
            reason = "break"
        return KioskState(False, reason, None, reopens)

    def _closed_reason(self, day: date) -> str:
        if self.calendar.overrides.get(day) is False:
            return "day_off"
        return "holiday" if self.calendar.holiday_name(day) else "closed_day"

    def next_opening(self, now: datetime) -> datetime | None:
        """When the kiosk next starts giving tickets after `now` (None: not within LOOK_AHEAD_DAYS)."""
        for offset in range(LOOK_AHEAD_DAYS):
            for opens, _stops, _end in self._windows(now.date() + timedelta(days=offset)):
                if opens > now:
                    return opens
        return None


# ---- What the kiosk and the tracking page say ----------------------------------------------

REASONS = {
    "before_opening": "Chưa đến giờ phát số.",
    "break": "Đang giờ nghỉ trưa, kiosk tạm ngừng phát số.",
    "cutoff": "Đã ngừng phát số trước giờ nghỉ.",
    "after_closing": "Đã hết giờ làm việc hôm nay.",
    "holiday": "Hôm nay là ngày nghỉ lễ: {name}.",
    "day_off": "Hôm nay cơ quan nghỉ theo lịch đã thông báo.",
    "closed_day": "Hôm nay không phải ngày làm việc.",
}


@dataclass(frozen=True)
class ClosedNotice:
    """The kiosk's "no tickets now" screen, in the visitor's language."""

    reason: str
    reopens: str
    hours: str
    state: KioskState


def spans_text(spans) -> str:
    """'Sáng 07:30–11:30, Chiều 13:30–17:00'."""
    return ", ".join(gettext("Sáng {start}–{end}" if start < time(12) else "Chiều {start}–{end}",
                             start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))
                     for start, end in spans)


def hours_text(hours: Hours) -> str:
    """The office hours in one paragraph, as the kiosk and the tracking page show them."""
    parts = [gettext("Giờ làm việc: {spans}, thứ Hai đến thứ Sáu.", spans=spans_text(hours.weekday))]
    if hours.saturday:
        parts.append(gettext("Thứ Bảy: {spans}.", spans=spans_text(hours.saturday)))
    if hours.cutoff_minutes:
        parts.append(gettext("Ngừng phát số trước giờ nghỉ {n} phút.", n=hours.cutoff_minutes))
    return " ".join(parts)


def reopens_text(reopens: datetime | None, now: datetime) -> str:
    if reopens is None:
        return gettext("Vui lòng hỏi nhân viên về ngày làm việc tiếp theo.")
    at = reopens.strftime("%H:%M")
    if reopens.date() == now.date():
        return gettext("Kiosk phát số trở lại lúc {time} hôm nay.", time=at)
    day = f"{gettext(WEEKDAYS[reopens.weekday()])} {clock.fmt_date(reopens.date())}"
    if reopens.date() == now.date() + timedelta(days=1):
        return gettext("Kiosk phát số trở lại lúc {time} ngày mai, {day}.", time=at, day=day)
    return gettext("Kiosk phát số trở lại lúc {time}, {day}.", time=at, day=day)


def _holiday_name(day: date, vietnamese: str | None) -> str:
    """The holiday's name in the visitor's language (the holidays package names them in both)."""
    if not vietnamese or current_language() != "en":
        return vietnamese or ""
    return _english_holidays(day.year).get(day) or vietnamese


@lru_cache(maxsize=8)
def _english_holidays(year: int):
    import holidays

    return holidays.country_holidays("VN", years=year, language="en_US")


def local_now() -> datetime:
    """Now as Vietnamese wall-clock time (naive), on the app's clock (domain.clock: test offset)."""
    return clock.to_local(clock.utcnow()).replace(tzinfo=None)


def closed_notice(schedule: Schedule, now: datetime) -> ClosedNotice | None:
    """None while the kiosk gives tickets; otherwise why not, when again, and the hours."""
    state = schedule.state_at(now)
    if state.open:
        return None
    reason = gettext(REASONS[state.reason], name=_holiday_name(now.date(), state.holiday))
    return ClosedNotice(reason, reopens_text(state.reopens_at, now), hours_text(schedule.hours), state)


def kiosk_closed(site_id) -> ClosedNotice | None:
    """The kiosk's notice now, or None when it gives tickets (or KIOSK_HOURS_ENFORCED is off).

    Cheap enough to run before every ticket: the schedule is kept per process (schedule_for)."""
    from flask import current_app

    if not current_app.config["KIOSK_HOURS_ENFORCED"]:
        return None
    return closed_notice(schedule_for(site_id), local_now())


# ---- The schedule, kept per app process -----------------------------------------------------

_generation = [0]  # bumped by any flush that changes a reception point or a calendar day
_cache_lock = threading.Lock()


def schedule_for(site_id) -> Schedule:
    """The site's schedule, read again after a change in this process or CACHE_SECONDS."""
    from flask import current_app

    with _cache_lock:
        cache = current_app.extensions.setdefault("motcua.opening_hours", {})
        kept = cache.get(site_id)
    if kept and kept[0] == _generation[0] and monotonic.monotonic() < kept[1]:
        return kept[2]
    generation = _generation[0]
    site = db.session.get(ReceptionPoint, site_id)
    schedule = Schedule(parse_hours(site.hours), calendar_for(site))
    with _cache_lock:
        cache[site_id] = (generation, monotonic.monotonic() + CACHE_SECONDS, schedule)
    return schedule


@event.listens_for(Session, "after_flush")
def _schedule_changed(session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, ReceptionPoint | CalendarOverride) for row in changed):
        _generation[0] += 1


# ---- The admin's form ---------------------------------------------------------------------------

def _checked_spans(text: str, field: str) -> list[list[str]]:
    spans = []
    for part in filter(None, (p.strip() for p in (text or "").replace(";", ",").split(","))):
        match = _SPAN.match(part)
        try:
            a, b = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
        except (TypeError, ValueError):  # no match, or 25:00
            match = None
        if not match:
            raise InvalidInput("“{text}” không phải khoảng giờ (ví dụ 07:30–11:30).", field=field, text=part)
        spans.append([a.strftime("%H:%M"), b.strftime("%H:%M")])
    try:
        _spans(spans)
    except ValueError:
        raise InvalidInput("Các khoảng giờ phải theo thứ tự, giờ bắt đầu trước giờ kết thúc "
                           "và không chồng nhau.", field=field) from None
    return spans


def checked_hours(weekday: str, saturday: str, cutoff: str, collect_note: str) -> dict:
    """The admin's hours form → the stored JSON; InvalidInput names the field at fault."""
    days = _checked_spans(weekday, "weekday")
    if not days:
        raise InvalidInput("Hãy nhập giờ làm việc từ thứ Hai đến thứ Sáu.", field="weekday")
    try:
        minutes = int((cutoff or "0").strip())
    except ValueError:
        minutes = -1
    if not 0 <= minutes <= MAX_CUTOFF:
        raise InvalidInput("Số phút ngừng phát số phải từ 0 đến {n}.", field="cutoff_minutes", n=MAX_CUTOFF)
    note = " ".join((collect_note or "").split())
    if len(note) > 300:
        raise InvalidInput("{label} dài quá {n} ký tự.", field="collect_note",
                           label="Ghi chú khi nhận kết quả", n=300)
    return {"weekday": days, "saturday": _checked_spans(saturday, "saturday"), "cutoff_minutes": minutes,
            "collect_note": note}


def form_values(hours: Hours) -> dict:
    """The stored hours as the admin's form shows them."""
    def text(spans):
        return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in spans)

    return {"weekday": text(hours.weekday), "saturday": text(hours.saturday),
            "cutoff_minutes": str(hours.cutoff_minutes), "collect_note": hours.collect_note}


# ---- The office on the tracking page ------------------------------------------------------------

def office_card(site_id) -> dict | None:
    """Where a dossier's result is collected: the reception point's name, address, phone, hours and
    what to bring — at a site, or at central from the row its events synced."""
    site = db.session.get(ReceptionPoint, site_id)
    if site is None:
        return None
    hours = parse_hours(site.hours)
    return {"name": site.name, "parent_agency": site.parent_agency, "address": site.address,
            "phone": site.phone, "phone_link": "".join(c for c in site.phone if c.isdigit() or c == "+"),
            "hours": hours_text(hours), "collect_note": hours.collect_note}
