"""Ticket issuance in groups: many kiosk taps, one transaction, one fsync.

A committed ticket must survive a power cut, so every commit waits for the disk (about 5 ms
here): one commit per ticket caps a site near 200 tickets a second whatever the CPU does.
`issue_tickets` writes any number of tickets with their events and print jobs in a handful of
Core statements; `IssueLine` lets concurrent requests share one transaction — the first to
reach the writer queue writes everyone's tickets waiting at that moment (group commit).
"""

import threading
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from models import (
    ClockState,
    Event,
    Kiosk,
    PrinterState,
    PrintJob,
    PriorityCategory,
    Queue,
    ReceptionPoint,
    Ticket,
    TicketSequence,
)
from models.site import Counter as CounterRow
from models.site import counter_queue
from motcua.extensions import db
from motcua.transactions import write_transaction, writer_queue

from . import DomainError, NotFound
from .clock import business_date, fmt_datetime, utcnow
from .events import CLOCK_BEHIND, clock_is_behind
from .ids import uuid7
from .waiting import RECENT_SERVICES

QUEUE_GONE = "Hàng đợi bạn chọn không còn tồn tại. Vui lòng chọn lại."
QUEUE_PAUSED = "Hàng đợi “{name}” đang tạm dừng phát số."
UNKNOWN_PRIORITY = "Diện ưu tiên “{code}” không có trong danh sách. Vui lòng chọn lại."


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
    id: uuid.UUID
    printer_url: str
    status: str = "pending"
    attempts: int = 0


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
class _Batch:
    """Reference rows read once for a whole group."""

    site: object
    queues: dict
    priorities: dict
    kiosks: dict
    default_kiosk: object
    day: object
    now: datetime
    ahead_all: Tally = field(default_factory=Tally)
    ahead_priority: Tally = field(default_factory=Tally)
    per_person: dict = field(default_factory=dict)  # seconds of service, by queue
    open_counters: dict = field(default_factory=dict)


def issue_tickets(site_id: uuid.UUID, requests: list[TicketRequest]) -> list[IssueOutcome]:
    """Issue one ticket per request in the caller's transaction; each outcome is a ticket,
    a repeated tap's earlier ticket, or the reason this one was refused."""
    outcomes = [IssueOutcome() for _ in requests]
    batch = _read_batch(site_id, requests)
    seen = _existing_keys(site_id, requests)
    fresh = []
    for request, outcome in zip(requests, outcomes, strict=True):
        outcome.site = batch.site
        if request.request_key and request.request_key in seen:
            outcome.created, outcome.existing_id = False, seen[request.request_key]
            continue
        outcome.error = _refusal(batch, request)
        if outcome.error is None:
            fresh.append((request, outcome))
            if request.request_key:
                seen[request.request_key] = None  # a second tap in the same group waits for this one
    if not fresh:
        return outcomes
    clock = _advance_clock(site_id, len(fresh), batch.now)
    _count_waiting(batch, {r.queue_id for r, _ in fresh})
    numbers = _allocate(site_id, batch, [batch.queues[r.queue_id].letter for r, _ in fresh])
    rows = _build_rows(batch, fresh, numbers, clock)
    _finish_duplicates(requests, outcomes, fresh)
    _write(rows)
    return outcomes


def _read_batch(site_id, requests) -> _Batch:
    site = db.session.execute(select(ReceptionPoint.id, ReceptionPoint.name, ReceptionPoint.parent_agency)
                              .where(ReceptionPoint.id == site_id)).one()
    queue_ids = {_uuid(r.queue_id) for r in requests} - {None}
    queues = {str(q.id): q for q in db.session.execute(
        select(Queue.id, Queue.letter, Queue.name, Queue.name_en, Queue.is_open)
        .where(Queue.site_id == site_id, Queue.id.in_(queue_ids)))} if queue_ids else {}
    priorities = {p.code: p for p in db.session.execute(
        select(PriorityCategory.id, PriorityCategory.code, PriorityCategory.name, PriorityCategory.name_en)
        .where(PriorityCategory.site_id == site_id, PriorityCategory.active.is_(True)))}
    kiosks = list(db.session.execute(select(Kiosk.id, Kiosk.code, Kiosk.printer_url)
                                     .where(Kiosk.site_id == site_id).order_by(Kiosk.code)))
    now = utcnow()
    return _Batch(site=site, queues=queues, priorities=priorities, kiosks={k.code: k for k in kiosks},
                  default_kiosk=kiosks[0] if kiosks else None, day=business_date(now), now=now)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _existing_keys(site_id, requests) -> dict:
    keys = {r.request_key for r in requests if r.request_key}
    if not keys:
        return {}
    rows = db.session.execute(select(Ticket.request_key, Ticket.id)
                              .where(Ticket.site_id == site_id, Ticket.request_key.in_(keys)))
    return {key: ticket_id for key, ticket_id in rows}


def _refusal(batch: _Batch, request: TicketRequest) -> DomainError | None:
    queue = batch.queues.get(str(_uuid(request.queue_id)))
    if queue is None:
        return NotFound(QUEUE_GONE)
    if not queue.is_open:
        return DomainError(QUEUE_PAUSED, name=queue.name)
    if request.priority_code and request.priority_code not in batch.priorities:
        return DomainError(UNKNOWN_PRIORITY, code=request.priority_code)
    return None


def _advance_clock(site_id, count: int, now: datetime) -> list[str]:
    """The clock guard and `count` hybrid logical clock values, with one locked read and one write
    (the row lock orders concurrent writers on PostgreSQL; SQLite's write lock already does)."""
    wall = _epoch_ms(now)
    table = ClockState.__table__
    db.session.execute(_insert()(table).values(site_id=site_id, last_ms=wall, counter=-1)
                       .on_conflict_do_nothing(index_elements=["site_id"]))
    state = db.session.get(ClockState, site_id, with_for_update=True, populate_existing=True)
    if clock_is_behind(state):
        raise DomainError(CLOCK_BEHIND)
    if wall > state.last_ms:
        state.last_ms, state.counter = wall, -1
    values = []
    for _ in range(count):
        state.counter += 1
        values.append(f"{state.last_ms:013d}-{state.counter:05d}")
    return values


def _insert():
    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert


def _epoch_ms(naive_utc: datetime) -> int:
    return int((naive_utc - datetime(1970, 1, 1)).total_seconds() * 1000)


def _count_waiting(batch: _Batch, queue_keys: set[str]) -> None:
    ids = [batch.queues[k].id for k in queue_keys]
    rows = db.session.execute(
        select(Ticket.queue_id, Ticket.priority_category_id.is_not(None), func.count())
        .where(Ticket.queue_id.in_(ids), Ticket.business_date == batch.day, Ticket.status == "waiting")
        .group_by(Ticket.queue_id, Ticket.priority_category_id.is_not(None)))
    for queue_id, is_priority, count in rows:
        batch.ahead_all[str(queue_id)] += count
        if is_priority:
            batch.ahead_priority[str(queue_id)] += count
    batch.per_person = {k: _service_seconds(batch.queues[k].id, batch.day) for k in queue_keys}
    open_rows = db.session.execute(
        select(counter_queue.c.queue_id, func.count())
        .join(CounterRow, and_(CounterRow.id == counter_queue.c.counter_id, CounterRow.is_open.is_(True)))
        .where(counter_queue.c.queue_id.in_(ids)).group_by(counter_queue.c.queue_id))
    batch.open_counters = {str(queue_id): count for queue_id, count in open_rows}


def _service_seconds(queue_id, day) -> float:
    """Mean service time of the queue's last finished tickets today, or the configured default."""
    rows = db.session.execute(
        select(Ticket.service_started_at, Ticket.finished_at)
        .where(Ticket.queue_id == queue_id, Ticket.business_date == day, Ticket.status == "done",
               Ticket.service_started_at.is_not(None))
        .order_by(Ticket.finished_at.desc()).limit(RECENT_SERVICES)).all()
    spans = [(end - start).total_seconds() for start, end in rows if end and end > start]
    if not spans:
        return current_app.config["DEFAULT_SERVICE_MINUTES"] * 60.0
    return sum(spans) / len(spans)


def _allocate(site_id, batch: _Batch, letters: list[str]) -> dict[str, int]:
    """Bump each series once by how many tickets it gives now; return each series' first number."""
    insert_ = _insert()
    table = TicketSequence.__table__
    first = {}
    for letter, count in sorted(Tally(letters).items()):
        stmt = (insert_(table).values(site_id=site_id, business_date=batch.day, series=letter, last=count)
                .on_conflict_do_update(index_elements=["site_id", "business_date", "series"],
                                       set_={"last": table.c.last + count})
                .returning(table.c.last))
        first[letter] = db.session.execute(stmt).scalar_one() - count + 1
    return first


def _build_rows(batch: _Batch, fresh, numbers: dict, clock: list[str]) -> dict:
    tickets, events, jobs = [], [], []
    downs = _printers_down(batch)
    for (request, outcome), hlc in zip(fresh, clock, strict=True):
        queue = batch.queues[str(_uuid(request.queue_id))]
        priority = batch.priorities.get(request.priority_code) if request.priority_code else None
        kiosk = None if request.kiosk_code is None else (
            batch.kiosks.get(request.kiosk_code) or batch.default_kiosk)
        number = numbers[queue.letter]
        numbers[queue.letter] += 1
        key = str(queue.id)
        ahead = batch.ahead_priority[key] if priority else batch.ahead_all[key]
        batch.ahead_all[key] += 1
        if priority:
            batch.ahead_priority[key] += 1
        minutes = round(ahead * batch.per_person[key] / 60 / max(1, batch.open_counters.get(key, 0)))
        card = TicketCard(id=uuid7(), code=f"{queue.letter}{number:03d}",
                          queue=Named(queue.name, queue.name_en),
                          priority=Named(priority.name, priority.name_en) if priority else None,
                          issued_at=batch.now)
        outcome.ticket, outcome.ahead, outcome.wait_minutes = card, ahead, minutes
        tickets.append(_ticket_row(batch, card, queue, priority, kiosk, number, request.request_key))
        events.append(_event_row(batch, card, queue, priority, kiosk, number, hlc))
        if kiosk is not None and (kiosk.printer_url or "").strip():
            outcome.job = JobCard(id=uuid7(), printer_url=kiosk.printer_url.strip())
            outcome.printer_down = kiosk.printer_url.strip() in downs
            jobs.append(_job_row(batch, card, kiosk, outcome, ahead, minutes))
    return {"tickets": tickets, "events": events, "jobs": jobs}


def _printers_down(batch: _Batch) -> set[str]:
    urls = {(k.printer_url or "").strip() for k in batch.kiosks.values()} - {""}
    states = db.session.scalars(select(PrinterState).where(PrinterState.site_id == batch.site.id,
                                                           PrinterState.printer_url.in_(urls)))
    return {s.printer_url for s in states if s.down}


def _ticket_row(batch, card, queue, priority, kiosk, number, request_key) -> dict:
    return {"id": card.id, "site_id": batch.site.id, "created_at": batch.now, "queue_id": queue.id,
            "queue_letter": queue.letter, "business_date": batch.day, "number": number,
            "code": card.code, "priority_category_id": priority.id if priority else None,
            "status": "waiting", "kiosk_id": kiosk.id if kiosk else None, "request_key": request_key,
            "issued_at": batch.now, "call_count": 0}


def _event_row(batch, card, queue, priority, kiosk, number, hlc) -> dict:
    payload = {"code": card.code, "queue": queue.letter, "business_date": batch.day.isoformat(),
               "number": number, "priority": priority.code if priority else None,
               "kiosk": kiosk.code if kiosk else None}
    return {"id": uuid7(), "site_id": batch.site.id, "kind": "ticket.issued", "aggregate_id": card.id,
            "payload": payload, "hlc": hlc, "occurred_at": batch.now, "actor_id": None}


def _job_row(batch, card, kiosk, outcome, ahead, minutes) -> dict:
    payload = {"parent_agency": batch.site.parent_agency, "site_name": batch.site.name,
               "queue_name": card.queue.name, "code": card.code,
               "priority": card.priority.name if card.priority else None,
               "ahead": ahead, "wait_minutes": minutes, "issued_at": fmt_datetime(batch.now)}
    return {"id": outcome.job.id, "site_id": batch.site.id, "created_at": batch.now,
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
    for model, key in ((Ticket, "tickets"), (Event, "events"), (PrintJob, "jobs")):
        if rows[key]:
            db.session.execute(insert(model.__table__), rows[key])


class IssueLine:
    """Requests of this process that want a ticket share transactions (group commit).

    Each request adds itself to the line, then queues for the writer lock; whoever gets it
    first writes every ticket in the line at that moment and commits once. The others find
    their ticket done when their turn comes, and only take and give back the lock.
    """

    def __init__(self):
        self._mutex = threading.Lock()
        self._line: list[_Waiting] = []

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
                outcomes = issue_tickets(site_id, [w.request for w in group])
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


def issue_line(app) -> IssueLine:
    """The app's one line of ticket requests (one per server process)."""
    with _lines_lock:
        return app.extensions.setdefault("motcua.issue_line", IssueLine())
