"""Sitting at a counter and leaving it: every opening, closing and takeover is an event.

A counter is open while an officer sits at it (`officer_id`); its queues' estimates count it.
An officer sits at one counter at a time.
"""

import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from models import Counter, Event, StaffSession, StaffUser
from motcua.extensions import db

from .events import record

# Why a counter closed (the `why` of counter.closed).
CLOSED_BY_OFFICER = "officer"
LOGOUT = "logout"
IDLE = "idle"  # the session expired: idle too long, or past its lifetime
LOGIN_ELSEWHERE = "login_elsewhere"  # the account logged in again
OPENED_ELSEWHERE = "opened_elsewhere"  # the officer sat at another counter
ACCOUNT_DISABLED = "account_disabled"
PASSWORD_CHANGED = "password_changed"  # every session of the account ended
# last_seen trails a session's last write by up to this much (counter.access.SEEN_EVERY)
SEEN_LAG = timedelta(minutes=1)


def held_by(officer) -> list[Counter]:
    """The counters `officer` sits at (one, unless older data says otherwise)."""
    return list(db.session.scalars(select(Counter).where(Counter.officer_id == officer.id)
                                   .order_by(Counter.number)))


def open_counter(counter: Counter, officer, confirmed_by=None, reason: str = "") -> None:
    """Sit `officer` at `counter`; the counter they held before closes.

    A counter another officer holds is taken over: the caller asked first and, unless `officer`
    is a supervisor, had a supervisor (`confirmed_by`) confirm it; the event says who and why.
    """
    for other in held_by(officer):
        if other.id != counter.id:
            close_counter(other, officer, OPENED_ELSEWHERE)
    if counter.is_open and counter.officer_id == officer.id:
        return
    previous = counter.officer_id
    counter.is_open, counter.officer_id = True, officer.id
    if previous is not None and previous != officer.id:
        context = {"from_officer_id": previous}
        if confirmed_by is not None:
            context["confirmed_by_id"] = confirmed_by.id
        if reason:
            context["reason"] = reason
        record("counter.taken_over", counter, actor=officer, context=context)
    else:
        record("counter.opened", counter, actor=officer)


def last_takeover(counter: Counter) -> dict:
    """The latest takeover of `counter`: who confirmed it (a supervisor's name, or None when the
    one who took it needed nobody) and the reason given ("" when none)."""
    event = db.session.scalars(
        select(Event).where(Event.aggregate_type == "counter", Event.aggregate_id == counter.id,
                            Event.type == "counter.taken_over")
        .order_by(Event.hlc.desc()).limit(1)).first()
    context = (event.payload.get("context") or {}) if event is not None else {}
    confirmer = context.get("confirmed_by_id")
    user = db.session.get(StaffUser, uuid.UUID(confirmer)) if confirmer else None
    return {"supervisor": user.full_name if user is not None else None, "reason": context.get("reason", "")}


def close_counter(counter: Counter, actor, why: str) -> None:
    """Close `counter`: nobody sits at it and its queues' estimates stop counting it."""
    counter.is_open, counter.officer_id = False, None
    record("counter.closed", counter, actor=actor, context={"why": why})


def leave_counter(counter_id: str | uuid.UUID | None, officer, why: str) -> Counter | None:
    """Close the counter `officer` sat at in one browser, if they still hold it; return it."""
    try:
        counter = db.session.get(Counter, uuid.UUID(str(counter_id))) if counter_id else None
    except ValueError:
        return None
    if counter is None or counter.officer_id != officer.id:
        return None
    close_counter(counter, officer, why)
    return counter


def close_held(officer, actor, why: str) -> list[Counter]:
    """Close every counter `officer` sits at (a new login, a disabled account)."""
    counters = held_by(officer)
    for counter in counters:
        close_counter(counter, actor, why)
    return counters


def close_abandoned(site, now: datetime) -> list[Counter]:
    """Close every counter whose officer has no live session left; return them.

    A browser whose session expired closes its counter at its next request (counter.access); this
    closes the counter of one that never comes back. A session is live while it is not revoked,
    was seen within the idle timeout and is younger than its lifetime.
    """
    config = current_app.config
    live = select(StaffSession.user_id).where(
        StaffSession.revoked_at.is_(None),
        StaffSession.last_seen >= now - config["STAFF_IDLE_TIMEOUT"] - SEEN_LAG,
        StaffSession.created_at >= now - config["PERMANENT_SESSION_LIFETIME"])
    abandoned = list(db.session.scalars(
        select(Counter).where(Counter.site_id == site.id, Counter.officer_id.is_not(None),
                              Counter.officer_id.not_in(live)).order_by(Counter.number)))
    for counter in abandoned:  # the officer as actor, as when their browser finds it expired
        close_counter(counter, db.session.get(StaffUser, counter.officer_id), IDLE)
    return abandoned
