"""Business time: Asia/Ho_Chi_Minh dates, dd/mm/yyyy, and UTC storage."""

import os
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A drill (and the sync tests) can run a server whose clock is off by this many seconds, as a site
# with a drifting or reset clock would be: MOTCUA_CLOCK_OFFSET_SECONDS=-10800 reads three hours slow.
OFFSET_SECONDS = float(os.environ.get("MOTCUA_CLOCK_OFFSET_SECONDS") or 0)


def utcnow() -> datetime:
    """Now in UTC, naive (how rows store time)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now + timedelta(seconds=OFFSET_SECONDS) if OFFSET_SECONDS else now


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC time seen in Vietnam."""
    return moment.replace(tzinfo=UTC).astimezone(VN)


def business_date(moment: datetime | None = None) -> date:
    """The Vietnamese calendar date of a stored UTC moment (default now)."""
    return to_local(moment or utcnow()).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a Vietnamese calendar day, naive."""
    start = datetime(day.year, day.month, day.day, tzinfo=VN).astimezone(UTC)
    return start.replace(tzinfo=None), (start + timedelta(days=1)).replace(tzinfo=None)


def fmt_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def fmt_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def fmt_datetime(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M %d/%m/%Y")


# ---- The clock guard -----------------------------------------------------------------------
# Every event passes through it (domain.events.next_hlc, and the grouped ticket path), so no dated
# work — ticket numbers, dossier codes, appointment dates, log numbers — is done on a clock that
# jumped backwards (a dead RTC battery after a power cut resets it to years ago).

CLOCK_BEHIND = ("Đồng hồ máy chủ đang chậm hơn thời điểm đã ghi nhận. "
                "Vui lòng báo quản trị kiểm tra và xác nhận lại giờ.")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000 + int(OFFSET_SECONDS * 1000)


def clock_is_behind(last_ms: int) -> bool:
    """True when the wall clock reads earlier than `last_ms` (a time this site used), beyond tolerance."""
    from flask import current_app

    tolerance = current_app.config["CLOCK_SKEW_TOLERANCE"].total_seconds() * 1000
    return wall_ms() < last_ms - tolerance


def guard_clock(site_id) -> None:
    """Refuse dated work if the wall clock reads earlier than a time this site already used."""
    from models import ClockState
    from motcua.extensions import db

    from . import DomainError

    state = db.session.get(ClockState, site_id)
    if state is not None and clock_is_behind(state.wall_ms or state.last_ms):
        raise DomainError(CLOCK_BEHIND)


def confirm_clock(site_id) -> None:
    """Accept the current wall time as right (after staff checked it)."""
    from models import ClockState
    from motcua.extensions import db

    state = db.session.get(ClockState, site_id)
    if state is not None:  # the logical clock never goes back: values stay unique and ordered
        now = wall_ms()
        if now > state.last_ms:
            state.last_ms, state.counter = now, 0
        state.wall_ms = now
