"""A counter whose officer's session expired closes even if that browser never comes back.

The watch runs domain.counters.close_abandoned; the tests move a session's times back through SQL
(staff_session is local: no event covers it) and check the counter.closed event it leaves.
"""

import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from counter.access import SEEN_EVERY
from domain.clock import utcnow
from domain.counters import SEEN_LAG, close_abandoned
from domain.site import current_site
from models import Counter, StaffSession
from motcua.extensions import db
from motcua.transactions import write_transaction
from motcua.worker import SiteWorker

from .test_config_events import assert_closed, events, the_event, user_id
from .test_counter import at_counter

SECOND = timedelta(seconds=1)


def age_sessions(app, username: str, **ago: timedelta) -> None:
    """Move `username`'s sessions back: last_seen=…, created_at=… that long before now."""
    with app.app_context(), write_transaction():
        db.session.execute(update(StaffSession).where(StaffSession.user_id == user_id(app, username))
                           .values({column: utcnow() - delta for column, delta in ago.items()}))


def sweep(app) -> list[int]:
    """Run the sweep once; the numbers of the counters it closed."""
    with app.app_context(), write_transaction():
        return [counter.number for counter in close_abandoned(current_site(), utcnow())]


def held(app) -> dict[int, uuid.UUID]:
    with app.app_context():
        rows = db.session.execute(select(Counter.number, Counter.officer_id)
                                  .where(Counter.officer_id.is_not(None))).all()
    return {number: officer_id for number, officer_id in rows}


def idle_past(app) -> timedelta:
    return app.config["STAFF_IDLE_TIMEOUT"] + SEEN_LAG + SECOND


@pytest.mark.parametrize("expired", ["idle", "past its lifetime"])
def test_a_counter_whose_session_expired_closes_as_idle(app, staff, expired):
    officer = at_counter(staff, app, 2)
    if expired == "idle":
        age_sessions(app, "canbo1", last_seen=idle_past(app))
    else:
        age_sessions(app, "canbo1", created_at=app.config["PERMANENT_SESSION_LIFETIME"] + SECOND)
    assert sweep(app) == [2]
    assert_closed(app, the_event(app, "counter.closed"), "idle", "canbo1", 2)
    assert held(app) == {} and sweep(app) == []
    with officer.client.session_transaction() as session:  # the browser comes back, expired
        session["last_action"] -= app.config["STAFF_IDLE_TIMEOUT"].total_seconds() + 60
    assert officer.get("/counter/waiting", htmx=True).status_code == 401
    assert len(events(app, "counter.closed")) == 1  # closed once


def test_a_live_session_keeps_its_counter(app, staff):
    at_counter(staff, app, 2)
    at_counter(staff, app, 3, username="buudien")
    age_sessions(app, "canbo1", last_seen=idle_past(app))
    age_sessions(app, "buudien", last_seen=app.config["STAFF_IDLE_TIMEOUT"] - SECOND)
    assert sweep(app) == [2]
    assert held(app) == {3: user_id(app, "buudien")}


def test_a_revoked_session_is_not_live(app, staff):
    at_counter(staff, app, 1)
    with app.app_context(), write_transaction():
        db.session.execute(update(StaffSession).values(revoked_at=utcnow()))
    assert sweep(app) == [1]


def test_the_lag_covers_how_often_last_seen_is_written():
    assert SEEN_LAG >= SEEN_EVERY


def test_the_watch_sweeps(app, staff):
    at_counter(staff, app, 2)
    age_sessions(app, "canbo1", last_seen=idle_past(app))
    worker = SiteWorker(app)
    worker.start()  # the watch's first round runs every chore
    try:
        deadline = time.monotonic() + 20
        while not events(app, "counter.closed") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert_closed(app, the_event(app, "counter.closed"), "idle", "canbo1", 2)
