"""Ticket issuance in groups: many kiosk taps, one transaction, one fsync.

A committed ticket must survive a power cut, so every commit waits for the disk (about 5 ms
here): one commit per ticket caps a site near 200 tickets a second whatever the CPU does.
`issue_tickets` writes any number of tickets with their events and print jobs in a handful of
Core statements; `IssueLine` lets concurrent requests share one transaction — the first to
reach the writer queue writes everyone's tickets waiting at that moment (group commit).
"""

import threading
import time
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, event, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import (
    ClockState,
    Event,
    Kiosk,
    NumberSeries,
    PrinterState,
    PrintJob,
    PriorityCategory,
    Queue,
    ReceptionPoint,
    Ticket,
)
from models.site import Counter as CounterRow
from motcua.extensions import db
from motcua.transactions import write_transaction, writer_queue

from . import DomainError, NotFound
from .clock import CLOCK_BEHIND, business_date, clock_is_behind, fmt_datetime, utcnow
from .event_catalogue import TYPES
from .events import format_hlc, transaction_id, validate_payload
from .ids import uuid7
from .printer_status import printers_down
from .snapshots import snapshot_values
from .waiting import minutes_to_wait, open_counters, service_seconds

QUEUE_GONE = "Hàng đợi bạn chọn không còn tồn tại. Vui lòng chọn lại."
QUEUE_PAUSED = "Hàng đợi “{name}” đang tạm dừng phát số."
UNKNOWN_PRIORITY = "Diện ưu tiên “{code}” không có trong danh sách. Vui lòng chọn lại."
REFERENCE_SECONDS = 2.0  # longest a group's reference is kept (changes elsewhere: the worker, the CLI)
_REFERENCE_MODELS = (ReceptionPoint, Queue, PriorityCategory, Kiosk, PrinterState, CounterRow)
_reference_generation = [0]  # bumped by any flush that touches one of those tables


@dataclass(frozen=True)
class TicketRequest:
    queue_id: str
    priority_code: str = ""
    kiosk_code: str | None = None  # "" or unknown: the site's first kiosk; None: not from a kiosk
    request_key: str | None = None


@dataclass(frozen=True)
class Named:
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class TicketCard:
    """What the ticket screen shows: the same attribute names as a Ticket row."""

    id: uuid.UUID
    code: str
    queue: Named
    priority: Named | None
    issued_at: datetime


@dataclass(frozen=True)
class JobCard:
    """The ticket's print job as the ticket screen shows it (a Job row's attribute names)."""

    id: uuid.UUID
    printer_url: str
    status: str = "pending"
    attempts: int = 0
    sent_at: datetime | None = None


@dataclass
class IssueOutcome:
    ticket: TicketCard | None = None
    ahead: int = 0
    wait_minutes: int = 0
    created: bool = True
    job: JobCard | None = None
    printer_down: bool = False
    site: object = None  # id, name and parent agency of the reception point
    existing_id: uuid.UUID | None = None  # a repeated tap: the ticket issued before
    error: DomainError | None = None


@dataclass
class Reference:
    """What the tickets of a group are issued against, read once for the group."""

    site: object
    queues: dict
    priorities: dict
    kiosks: dict
    default_kiosk: object
    per_person: dict  # seconds of service, by queue
    open_counters: dict  # by queue
    printers_down: set


@dataclass
class _Batch:
    """A group being written: its reference, its moment, and people waiting as it goes."""

    ref: Reference
    day: object
    now: datetime
    ahead_all: Tally = field(default_factory=Tally)
    ahead_priority: Tally = field(default_factory=Tally)


def issue_tickets(site_id: uuid.UUID, requests: list[TicketRequest],
                  reference: Reference | None = None) -> list[IssueOutcome]:
    """Issue one ticket per request in the caller's transaction; each outcome is a ticket,
    a repeated tap's earlier ticket, or the reason this one was refused."""
    db.session.flush()  # the statements below go straight to the connection
    ref = reference or read_reference(site_id)
    outcomes = [IssueOutcome(site=ref.site) for _ in requests]
    seen = _existing_keys(site_id, requests)
    fresh = []
    for request, outcome in zip(requests, outcomes, strict=True):
        if request.request_key and request.request_key in seen:
            outcome.created, outcome.existing_id = False, seen[request.request_key]
            continue
        outcome.error = _refusal(ref, request)
        if outcome.error is None:
            fresh.append((request, outcome))
            if request.request_key:
                seen[request.request_key] = None  # a second tap in the same group waits for this one
    if not fresh:
        return outcomes
    now = utcnow()
    batch = _Batch(ref=ref, day=business_date(now), now=now)
    clock = _advance_clock(site_id, len(fresh), now)
    _count_waiting(batch, {str(_uuid(r.queue_id)) for r, _ in fresh})
    numbers = _allocate(site_id, batch, [ref.queues[str(_uuid(r.queue_id))].letter for r, _ in fresh])
    rows = _build_rows(batch, fresh, numbers, clock)
    _finish_duplicates(requests, outcomes, fresh)
    _write(rows)
    return outcomes


def read_reference(site_id) -> Reference:
    """The site, its queues, priority categories, kiosks, printers known to be down, and each
    queue's service time and open counters."""
    site = _sql(select(ReceptionPoint.id, ReceptionPoint.name, ReceptionPoint.parent_agency)
                .where(ReceptionPoint.id == site_id)).one()
    queues = {str(q.id): q for q in _sql(
        select(Queue.id, Queue.letter, Queue.name, Queue.name_en, Queue.is_open)
        .where(Queue.site_id == site_id))}
    priorities = {p.code: p for p in _sql(
        select(PriorityCategory.id, PriorityCategory.code, PriorityCategory.name, PriorityCategory.name_en)
        .where(PriorityCategory.site_id == site_id, PriorityCategory.active.is_(True)))}
    kiosks = list(_sql(select(Kiosk.id, Kiosk.code, Kiosk.printer_url)
                       .where(Kiosk.site_id == site_id).order_by(Kiosk.code)))
    ids = [q.id for q in queues.values()]
    return Reference(site=site, queues=queues, priorities=priorities, kiosks={k.code: k for k in kiosks},
                     default_kiosk=kiosks[0] if kiosks else None,
                     per_person=service_seconds(ids) if ids else {},
                     open_counters=open_counters(ids) if ids else {},
                     printers_down=printers_down(site_id, {(k.printer_url or "").strip() for k in kiosks}))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _existing_keys(site_id, requests) -> dict:
    keys = {r.request_key for r in requests if r.request_key}
    if not keys:
        return {}
    rows = _sql(_statement("existing_keys"), {"site_id": site_id, "keys": list(keys)})
    return {key: ticket_id for key, ticket_id in rows}


def _refusal(ref: Reference, request: TicketRequest) -> DomainError | None:
    queue = ref.queues.get(str(_uuid(request.queue_id)))
    if queue is None:
        return NotFound(QUEUE_GONE)
    if not queue.is_open:
        return DomainError(QUEUE_PAUSED, name=queue.name)
    if request.priority_code and request.priority_code not in ref.priorities:
        return DomainError(UNKNOWN_PRIORITY, code=request.priority_code)
    return None


def _advance_clock(site_id, count: int, now: datetime) -> list[str]:
    """The clock guard and `count` hybrid logical clock values, in one UPSERT (its row lock orders
    concurrent writers on PostgreSQL; SQLite's write lock already does). A refusal rolls it back."""
    params = {"site_id": site_id, "wall": _epoch_ms(now), "count": count, "first": count - 1}
    last_ms, counter, latest_wall = _sql(_statement("advance_clock"), params).one()
    if clock_is_behind(latest_wall):
        raise DomainError(CLOCK_BEHIND)
    return [format_hlc(last_ms, n, site_id) for n in range(counter - count + 1, counter + 1)]


def _sql(statement, params=None):
    """Core execution on the session's connection: a group's statements skip the ORM's layer."""
    return db.session.connection().execute(statement, params)


def _insert():
    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert


def _epoch_ms(naive_utc: datetime) -> int:
    return int((naive_utc - datetime(1970, 1, 1)).total_seconds() * 1000)


def _count_waiting(batch: _Batch, queue_keys: set[str]) -> None:
    """People waiting now in each queue of the group, and the priority ones among them."""
    ids = [batch.ref.queues[k].id for k in queue_keys]
    rows = _sql(_statement("count_waiting"), {"ids": ids, "day": batch.day})
    for queue_id, is_priority, count in rows:
        batch.ahead_all[str(queue_id)] += count
        if is_priority:
            batch.ahead_priority[str(queue_id)] += count


def _allocate(site_id, batch: _Batch, letters: list[str]) -> dict[str, int]:
    """Bump every series of the group by its count in one UPSERT; return each series' first number."""
    counts = Tally(letters)
    table = NumberSeries.__table__
    stmt = _insert()(table).values([{"site_id": site_id, "business_date": batch.day, "series": letter,
                                     "last": count} for letter, count in sorted(counts.items())])
    stmt = stmt.on_conflict_do_update(index_elements=["site_id", "business_date", "series"],
                                      set_={"last": table.c.last + stmt.excluded.last})
    rows = _sql(stmt.returning(table.c.series, table.c.last))
    return {series: last - counts[series] + 1 for series, last in rows}


def _build_rows(batch: _Batch, fresh, numbers: dict, clock: list[str]) -> dict:
    tickets, events, jobs = [], [], []
    ref = batch.ref
    for (request, outcome), hlc in zip(fresh, clock, strict=True):
        queue = ref.queues[str(_uuid(request.queue_id))]
        priority = ref.priorities.get(request.priority_code) if request.priority_code else None
        kiosk = None if request.kiosk_code is None else (
            ref.kiosks.get(request.kiosk_code) or ref.default_kiosk)
        number = numbers[queue.letter]
        numbers[queue.letter] += 1
        key = str(queue.id)
        ahead = batch.ahead_priority[key] if priority else batch.ahead_all[key]
        batch.ahead_all[key] += 1
        if priority:
            batch.ahead_priority[key] += 1
        minutes = minutes_to_wait(ahead, ref.per_person[key], ref.open_counters.get(key, 0))
        card = TicketCard(id=uuid7(), code=f"{queue.letter}{number:03d}",
                          queue=Named(queue.name, queue.name_en),
                          priority=Named(priority.name, priority.name_en) if priority else None,
                          issued_at=batch.now)
        outcome.ticket, outcome.ahead, outcome.wait_minutes = card, ahead, minutes
        tickets.append(_ticket_row(batch, card, queue, priority, kiosk, number, request.request_key))
        events.append(_event_row(batch, card, tickets[-1], kiosk, hlc))
        if kiosk is not None and (kiosk.printer_url or "").strip():
            outcome.job = JobCard(id=uuid7(), printer_url=kiosk.printer_url.strip())
            outcome.printer_down = kiosk.printer_url.strip() in ref.printers_down
            jobs.append(_job_row(batch, card, kiosk, outcome, ahead, minutes))
    return {"tickets": tickets, "events": events, "jobs": jobs}


def _ticket_row(batch, card, queue, priority, kiosk, number, request_key) -> dict:
    return {"id": card.id, "site_id": batch.ref.site.id, "created_at": batch.now, "queue_id": queue.id,
            "queue_letter": queue.letter, "business_date": batch.day, "number": number,
            "code": card.code, "priority_category_id": priority.id if priority else None,
            "status": "waiting", "kiosk_id": kiosk.id if kiosk else None, "request_key": request_key,
            "issued_at": batch.now, "call_count": 0}


def _event_row(batch, card, ticket_row: dict, kiosk, hlc) -> dict:
    payload = {"ticket": snapshot_values("ticket", ticket_row),
               "context": {"kiosk": kiosk.code if kiosk else None}}
    validate_payload("ticket.issued", payload)
    return {"id": uuid7(), "type": "ticket.issued", "version": TYPES["ticket.issued"].version,
            "origin_site_id": batch.ref.site.id, "aggregate_type": "ticket", "aggregate_id": card.id,
            "payload": payload, "hlc": hlc, "occurred_at": batch.now, "actor_id": None,
            "tx_id": transaction_id()}


def _job_row(batch, card, kiosk, outcome, ahead, minutes) -> dict:
    site = batch.ref.site
    payload = {"parent_agency": site.parent_agency, "site_name": site.name,
               "queue_name": card.queue.name, "code": card.code,
               "priority": card.priority.name if card.priority else None,
               "ahead": ahead, "wait_minutes": minutes, "issued_at": fmt_datetime(batch.now)}
    return {"id": outcome.job.id, "site_id": site.id, "created_at": batch.now,
            "printer_url": outcome.job.printer_url, "device": f"Kiosk {kiosk.code}", "document": "ticket",
            "ticket_id": card.id, "payload": payload, "status": "pending", "attempts": 0,
            "last_error": "", "next_attempt_at": batch.now, "byte_count": 0}


def _finish_duplicates(requests, outcomes, fresh) -> None:
    """A second tap in the same group as the first gets the first one's ticket."""
    issued = {r.request_key: o for r, o in fresh if r.request_key}
    fresh_ids = {id(o) for _, o in fresh}
    for request, outcome in zip(requests, outcomes, strict=True):
        first = issued.get(request.request_key)
        if first is not None and id(outcome) not in fresh_ids and outcome.existing_id is None:
            outcome.created, outcome.existing_id = False, first.ticket.id


def _write(rows: dict) -> None:
    for key in ("tickets", "events", "jobs"):
        if rows[key]:
            _sql(_statement(f"insert_{key}"), rows[key])


# A group's statements are built once per dialect, with bound parameters: building them anew
# each time was a third of a group's Python.
_STATEMENTS: dict = {}


def _statement(name: str):
    key = (db.engine.dialect.name, name)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _BUILDERS[name]()
    return _STATEMENTS[key]


def _build_advance_clock():
    table = ClockState.__table__
    stmt = _insert()(table).values(site_id=bindparam("site_id"), last_ms=bindparam("wall"),
                                   counter=bindparam("first"), wall_ms=bindparam("wall"))
    ahead = stmt.excluded.last_ms > table.c.last_ms
    later = stmt.excluded.wall_ms > func.coalesce(table.c.wall_ms, 0)
    return stmt.on_conflict_do_update(index_elements=["site_id"], set_={
        "last_ms": case((ahead, stmt.excluded.last_ms), else_=table.c.last_ms),
        "counter": case((ahead, stmt.excluded.counter), else_=table.c.counter + bindparam("count")),
        "wall_ms": case((later, stmt.excluded.wall_ms), else_=table.c.wall_ms),
    }).returning(table.c.last_ms, table.c.counter, table.c.wall_ms)


_BUILDERS = {
    "existing_keys": lambda: select(Ticket.request_key, Ticket.id).where(
        Ticket.site_id == bindparam("site_id"), Ticket.request_key.in_(bindparam("keys", expanding=True))),
    "advance_clock": _build_advance_clock,
    "count_waiting": lambda: (
        select(Ticket.queue_id, Ticket.priority_category_id.is_not(None), func.count())
        .where(Ticket.queue_id.in_(bindparam("ids", expanding=True)),
               Ticket.business_date == bindparam("day"), Ticket.status == "waiting")
        .group_by(Ticket.queue_id, Ticket.priority_category_id.is_not(None))),
    "insert_tickets": lambda: insert(Ticket.__table__),
    "insert_events": lambda: insert(Event.__table__),
    "insert_jobs": lambda: insert(PrintJob.__table__),
}


class IssueLine:
    """Requests of this process that want a ticket share transactions (group commit).

    Each request adds itself to the line, then queues for the writer lock; whoever gets it
    first writes every ticket in the line at that moment and commits once. The others find
    their ticket done when their turn comes, and only take and give back the lock.

    (Reading each request's reference before queueing, outside the lock, was tried: the
    critical section shrank but every request paid the reads, and throughput fell from
    ~250 to ~150 tickets/s at 8 clients — the interpreter lock, not the disk, is the limit.)
    """

    def __init__(self):
        self._mutex = threading.Lock()
        self._line: list[_Waiting] = []
        self._reference = None  # (generation, expiry, Reference): read again after any change

    def _current_reference(self, site_id) -> Reference:
        """The site's reference, read again when a flush in this process changed what it holds,
        and at least every REFERENCE_SECONDS (other processes: the worker's printer states, the CLI).
        Reading it was half of a group's time in the writer queue."""
        generation, cached = _reference_generation[0], self._reference
        fresh = cached and cached[0] == generation and time.monotonic() < cached[1]
        if fresh and cached[2].site.id == site_id:
            return cached[2]
        reference = read_reference(site_id)
        self._reference = (generation, time.monotonic() + REFERENCE_SECONDS, reference)
        return reference

    def issue(self, site_id, request: TicketRequest, on_commit) -> IssueOutcome:
        """Issue the ticket of `request` and return once it is committed (or refused)."""
        item = _Waiting(request)
        with self._mutex:
            self._line.append(item)
        with writer_queue:
            if not item.done:
                self._write_line(site_id, on_commit)
        if item.failure is not None:
            raise item.failure
        return item.outcome

    def _write_line(self, site_id, on_commit) -> None:
        with self._mutex:
            group, self._line = self._line, []
        try:
            with write_transaction():
                outcomes = issue_tickets(site_id, [w.request for w in group],
                                         self._current_reference(site_id))
        except Exception as exc:  # the whole group rolled back: each request reports it
            for waiting in group:
                waiting.done, waiting.failure = True, exc
            return
        for waiting, outcome in zip(group, outcomes, strict=True):
            waiting.done, waiting.outcome = True, outcome
        on_commit()


class _Waiting:
    __slots__ = ("request", "done", "outcome", "failure")

    def __init__(self, request: TicketRequest):
        self.request, self.done, self.outcome, self.failure = request, False, None, None


_lines_lock = threading.Lock()


@event.listens_for(Session, "after_flush")
def _reference_changed(session, _context) -> None:
    """Any change to what a reference holds makes every cached one stale at once."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, _REFERENCE_MODELS) for row in changed):
        _reference_generation[0] += 1


def issue_line(app) -> IssueLine:
    """The app's one line of ticket requests (one per server process)."""
    with _lines_lock:
        return app.extensions.setdefault("motcua.issue_line", IssueLine())
