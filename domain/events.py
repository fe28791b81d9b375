"""Append-only events written into the outbox in the caller's transaction."""

import time
import uuid

from flask import current_app

from models import ClockState, Event
from motcua.extensions import db

from . import DomainError

CLOCK_BEHIND = ("Đồng hồ máy chủ đang chậm hơn thời điểm đã ghi nhận. "
                "Vui lòng báo quản trị kiểm tra và xác nhận lại giờ.")


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def check_clock(site_id: uuid.UUID) -> None:
    """Refuse dated work if the wall clock reads earlier than a time this site already used.

    After a power cut a dead RTC battery can reset the clock to years ago; tickets
    numbered for the wrong day would then collide with real ones.
    """
    state = db.session.get(ClockState, site_id)
    if state is not None and clock_is_behind(state.last_ms):
        raise DomainError(CLOCK_BEHIND)


def clock_is_behind(last_ms: int) -> bool:
    """True when the wall clock reads earlier than `last_ms` (a time this site used), beyond tolerance."""
    tolerance = current_app.config["CLOCK_SKEW_TOLERANCE"].total_seconds() * 1000
    return _wall_ms() < last_ms - tolerance


def confirm_clock(site_id: uuid.UUID) -> None:
    """Accept the current wall time as right (after staff checked it)."""
    state = db.session.get(ClockState, site_id)
    if state is not None:
        state.last_ms, state.counter = _wall_ms(), 0


def next_hlc(site_id: uuid.UUID) -> str:
    """Advance the site's hybrid logical clock and return it as a sortable string."""
    now = _wall_ms()
    state = db.session.get(ClockState, site_id)
    if state is None:
        state = ClockState(site_id=site_id, last_ms=now, counter=0)
        db.session.add(state)
    elif now > state.last_ms:
        state.last_ms, state.counter = now, 0
    else:
        state.counter += 1
    return f"{state.last_ms:013d}-{state.counter:05d}"


def record_event(site_id, kind: str, aggregate_id, payload: dict, actor_id=None) -> Event:
    """Append one event to the outbox; it commits or rolls back with the change it describes."""
    event = Event(
        site_id=site_id,
        kind=kind,
        aggregate_id=aggregate_id,
        payload=payload,
        hlc=next_hlc(site_id),
        actor_id=actor_id,
    )
    db.session.add(event)
    return event
