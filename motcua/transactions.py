"""SQLite settings for a power-cut-prone edge, and the one commit per request.

The lock order, for every writer (request, worker, CLI): first the writer queue (a lock per
process, then an flock'ed file per database), then SQLite's write lock (BEGIN IMMEDIATE).
A request that changes state takes the queue before its first statement — before the user
is loaded — and gives it back as soon as it has committed; reads start deferred
transactions and never wait for writers under WAL.
"""

import contextvars
import fcntl
import logging
import os
import random
import threading
import time
import warnings
from contextlib import contextmanager, nullcontext
from functools import wraps

from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)
_write_intent = contextvars.ContextVar("write_intent", default=False)
LOCK_RETRIES = 4
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WriterQueue:
    """Writers queue here — threads on a lock, processes on an flock'ed file — rather than in
    SQLite's busy handler, which sleeps and polls (up to 100 ms a turn) and lets some
    requests starve for seconds under load. The file lock is released by the kernel if a
    process dies, so a kill -9 never leaves it held.
    """

    def __init__(self):
        self._threads = threading.RLock()
        self._count_lock = threading.Lock()
        self.waiting = 0  # threads of this process queued right now (for tests and figures)
        self._depth = threading.local()
        self._file = None
        self._pid = None
        self.path = None

    def __enter__(self):
        with self._count_lock:
            self.waiting += 1
        try:
            self._threads.acquire()
        finally:
            with self._count_lock:
                self.waiting -= 1
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


writer_queue = WriterQueue()


def release_writer_lock_file() -> None:
    """Close the lock file (tests build many apps in one process)."""
    writer_queue.use(None)


def configure_sqlite(engine: Engine, lock_path: str, config) -> None:
    """Set WAL, synchronous=FULL, busy timeout and foreign keys on every connection."""
    from domain.collation import register_sqlite

    writer_queue.use(lock_path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        # only programs outside the writer queue (a backup, the sqlite3 shell) make us wait
        cur.execute(f"PRAGMA busy_timeout={int(config['SQLITE_BUSY_TIMEOUT_MS'])}")
        cur.execute(f"PRAGMA cache_size=-{int(config['SQLITE_CACHE_MB']) * 1024}")  # KiB when negative
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a committed ticket survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        register_sqlite(dbapi_conn)  # ORDER BY … COLLATE vi: Vietnamese order (domain/collation.py)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def configure_postgresql(engine: Engine) -> None:
    """Central: a transaction that means to write takes the event log's advisory lock first
    (domain.events.hold_log_lock), before any row lock — the same order as a site's writer queue,
    so a push and an admin's change to the same dossier never wait on each other in a cycle."""
    from domain.events import LOG_LOCK

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if _write_intent.get():
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOG_LOCK})")


class LockOrderWarning(RuntimeWarning):
    """A write reached SQLite without the writer queue: it could stall other writers."""


@event.listens_for(Session, "before_flush")
def _writes_hold_the_queue(session, _context, _instances):
    if writer_queue.path and not writer_held() and session.get_bind().dialect.name == "sqlite":
        warnings.warn("write outside the writer queue (use write_transaction or a POST)",
                      LockOrderWarning, stacklevel=2)


def writer_held() -> bool:
    """True while this thread holds the writer queue."""
    return getattr(writer_queue._depth, "n", 0) > 0


def _end_read_transaction() -> None:
    """A read transaction left open would have to be upgraded to write, and fails at once if
    another writer committed since it began; end it (nothing to lose: it wrote nothing)."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.rollback()


def serial_writes() -> bool:
    """SQLite (a site) has one writer at a time, queued here; PostgreSQL (central) writers run in
    parallel and rely on its row locks."""
    return current_app.config.get("SERIAL_WRITES", True)


@contextmanager
def write_transaction():
    """Run a block outside a request (CLI, worker) as one BEGIN IMMEDIATE transaction."""
    token = _write_intent.set(True)
    try:
        with writer_queue if serial_writes() else nullcontext():
            _end_read_transaction()
            try:
                yield db.session
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
    finally:
        _write_intent.reset(token)


def own_writes(view):
    """Mark a view that takes the writer queue itself (write_transaction) only around its short
    writes, instead of holding it for the whole request: ticket issuance in groups, and login,
    whose password check takes ~100 ms that no other writer should wait for."""
    view.own_writes = True
    return view


def begin_request(method: str, view) -> None:
    """before_request, registered first: a request that changes state queues for the writer
    lock now, before anything (loading the user) reads the database."""
    writing = method not in READ_METHODS and not getattr(view, "own_writes", False)
    _write_intent.set(writing)
    if writing and serial_writes():
        writer_queue.__enter__()
        g._holds_writer = True


def end_request_write() -> None:
    """Give the writer queue back (after the commit, or at teardown after a failure)."""
    if g.pop("_holds_writer", False):
        _write_intent.set(False)  # whatever runs after this reads in a deferred transaction
        writer_queue.__exit__(None, None, None)


def teardown_request(_exc=None) -> None:
    if g.get("_holds_writer"):
        db.session.rollback()  # nothing uncommitted outlives the lock
        end_request_write()


def after_commit(callback) -> None:
    """Run callback once the request's transaction has committed (printing, wake-ups)."""
    g.setdefault("after_commit", []).append(callback)


def is_locked_error(exc: Exception) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


def transactional(view):
    """Wrap a view: commit once if it succeeded, roll back otherwise, retry when locked."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return _run(view, args, kwargs)

    return wrapper


def _run(view, args, kwargs):
    """Run the view, commit (status < 400) or roll back, give the writer queue back, then render
    a LaterPage; retry the whole view if SQLite was locked by a program outside the queue."""
    for attempt in range(LOCK_RETRIES):
        try:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                db.session.commit()
            else:
                db.session.rollback()
            end_request_write()
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
        if hasattr(response, "finish"):  # motcua.web.LaterPage: rendered outside the write section
            response.finish()
        return response
    raise RuntimeError("unreachable")
