"""One lock order for every writer: the writer queue first, then SQLite's write lock."""

import re
import sqlite3
import threading
import time
import warnings

import pytest
from sqlalchemy import func, select

from models import StaffUser, Ticket
from motcua.extensions import db
from motcua.transactions import LockOrderWarning, write_transaction, writer_held, writer_queue

DEADLINE = 30  # seconds; generous, only reached if something is wrong


def wait_for(condition, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def sqlite_write_lock_is_free(app) -> bool:
    path = db.engine.url.database
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def test_a_staff_post_waits_for_the_queue_before_touching_the_database(app, staff):
    """The worker (or another request) holds the queue: a staff POST must not grab SQLite's
    write lock meanwhile, or the holder would wait out the busy timeout (seconds)."""
    officer = staff("canbo1")
    answers = []
    with app.app_context():
        with write_transaction():
            request = threading.Thread(
                target=lambda: answers.append(officer.post("/counter/close")), daemon=True)
            request.start()
            wait_for(lambda: writer_queue.waiting == 1, "the staff request to queue")
            assert sqlite_write_lock_is_free(app), "the waiting request took SQLite's lock first"
            db.session.get(StaffUser, officer_id(app))  # the holder can still write at once
        request.join(DEADLINE)
    assert answers and answers[0].status_code < 500


def officer_id(app):
    return db.session.scalars(select(StaffUser.id).where(StaffUser.username == "canbo1")).one()


def test_a_write_outside_the_queue_is_flagged(app):
    with app.app_context():
        user = db.session.scalars(db.select(StaffUser)).first()
        user.full_name = user.full_name + " "
        with pytest.warns(LockOrderWarning):
            db.session.flush()
        db.session.rollback()


def test_writes_inside_write_transaction_are_not_flagged(app):
    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("error", LockOrderWarning)
        with write_transaction():
            user = db.session.scalars(db.select(StaffUser)).first()
            user.full_name = user.full_name.strip()
            db.session.flush()


def test_error_page_answers_while_the_database_is_locked_by_another_program(make_app):
    """A foreign program (sqlite3 shell, a backup) holds the write lock: the kiosk gets a
    readable message, not a bare 500, and nothing half-written."""
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=50)
    client = app.test_client()
    page = client.get("/kiosk").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    queue_id = re.search(r"/kiosk/queues/([0-9a-f-]{36})", page).group(1)
    holder = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                             timeout=0, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/kiosk/tickets", data={"queue_id": queue_id, "csrf_token": token})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert "Hệ thống đang bận" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_write_requests_page_renders_after_its_commit_outside_the_queue(app, staff, client):
    """Other writers never wait while a staff page renders: the template runs once the queue is free."""
    from flask import template_rendered

    from .test_counter import at_counter

    officer = at_counter(staff, app, 1)
    client.post("/kiosk/tickets", data={"queue_id": queue_of(app, "A"), "csrf_token": kiosk_token(client)},
                headers={"HX-Request": "true"})
    held_while_rendering = []

    def record(_sender, template, **_extra):
        held_while_rendering.append((template.name, writer_held()))

    with template_rendered.connected_to(record, app):
        response = officer.post("/counter/call-next")
    assert response.status_code == 200 and "A001" in response.get_data(as_text=True)
    assert held_while_rendering and not any(held for _, held in held_while_rendering), held_while_rendering


def queue_of(app, letter):
    from models import Queue

    with app.app_context():
        return str(db.session.scalar(select(Queue.id).where(Queue.letter == letter)))


def kiosk_token(client):
    page = client.get("/kiosk").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
