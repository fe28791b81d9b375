"""SQLite settings for a power-cut-prone edge, and the one commit per request.

Reads start deferred transactions; requests that change state start with
BEGIN IMMEDIATE so two writers never deadlock upgrading a read lock.
"""

import contextvars
import fcntl
import logging
import os
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


class WriterQueue:
    """Writers queue here — threads on a lock, processes on an flock'ed file — rather than in
    SQLite's busy handler, which sleeps and polls (up to 100 ms a turn) and lets some
    requests starve for seconds under load. The file lock is released by the kernel if a
    process dies, so a kill -9 never leaves it held.
    """

    def __init__(self):
        self._threads = threading.RLock()
        self._depth = threading.local()
        self._file = None
        self._pid = None
        self.path = None

    def __enter__(self):
        self._threads.acquire()
        depth = getattr(self._depth, "n", 0)
        if depth == 0 and self.path:
            fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
        self._depth.n = depth + 1
        return self

    def __exit__(self, *exc):
        self._depth.n -= 1
        if self._depth.n == 0 and self.path:
            fcntl.flock(self._lock_file(), fcntl.LOCK_UN)
        self._threads.release()

    def use(self, path: str | None) -> None:
        """Queue writers of the database beside `path` (one app per process in production)."""
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        self.path, self._file, self._pid = path, None, None

    def _lock_file(self):
        if self._pid != os.getpid():  # a forked worker opens its own description of the file
            self._file = open(self.path, "a+b")  # noqa: SIM115 - kept open for the process's life
            self._pid = os.getpid()
        return self._file


_process_writer = WriterQueue()


def release_writer_lock_file() -> None:
    """Close the lock file (tests build many apps in one process)."""
    _process_writer.use(None)


def configure_sqlite(engine: Engine, lock_path: str) -> None:
    """Set WAL, synchronous=FULL, busy timeout and foreign keys on every connection."""
    _process_writer.use(lock_path)

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
