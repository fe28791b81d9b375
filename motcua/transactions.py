"""SQLite settings for a power-cut-prone edge, and the one commit per request.

Reads start deferred transactions; requests that change state start with
BEGIN IMMEDIATE so two writers never deadlock upgrading a read lock.
"""

import contextvars
import logging
import random
import threading
import time
from contextlib import contextmanager
from functools import wraps

from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .extensions import db

log = logging.getLogger(__name__)
_write_intent = contextvars.ContextVar("write_intent", default=False)
LOCK_RETRIES = 4
# Writers of this process queue here instead of in SQLite's busy handler, which sleeps and
# polls (up to 100 ms a turn) and lets some requests starve for seconds under load.
_process_writer = threading.RLock()


def configure_sqlite(engine: Engine) -> None:
    """Set WAL, synchronous=FULL, busy timeout and foreign keys on every connection."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a committed ticket survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def set_write_intent(value: bool) -> None:
    _write_intent.set(value)


@contextmanager
def write_transaction():
    """Run a block outside a request (CLI, worker) as one BEGIN IMMEDIATE transaction."""
    token = _write_intent.set(True)
    try:
        with _process_writer:
            try:
                yield db.session
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
    finally:
        _write_intent.reset(token)


def after_commit(callback) -> None:
    """Run callback once the request's transaction has committed (printing, wake-ups)."""
    g.setdefault("after_commit", []).append(callback)


def is_locked_error(exc: Exception) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


def transactional(view):
    """Wrap a view: commit once if it succeeded, roll back otherwise, retry when locked."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _write_intent.get():
            return _run(view, args, kwargs)
        with _process_writer:
            return _run(view, args, kwargs)

    return wrapper


def _run(view, args, kwargs):
    """Render, then commit (status < 400) or roll back; retry the whole view if SQLite was locked."""
    for attempt in range(LOCK_RETRIES):
        try:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                db.session.commit()
            else:
                db.session.rollback()
        except OperationalError as exc:
            db.session.rollback()
            g.pop("after_commit", None)
            if not is_locked_error(exc) or attempt == LOCK_RETRIES - 1:
                raise
            log.warning("database locked, retrying request (attempt %d)", attempt + 1)
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
            continue
        except BaseException:
            db.session.rollback()
            g.pop("after_commit", None)
            raise
        for callback in g.pop("after_commit", []):
            callback()
        return response
    raise RuntimeError("unreachable")
