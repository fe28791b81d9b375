"""Ticket figures: issued, served, waits and service times per queue, counter and officer.

Counting rules (docs/figures.md §1):
- a ticket belongs to its business day; "issued per queue and hour" counts it in the queue it was
  issued in (Ticket.queue_letter, kept on transfer), at the local hour it was issued;
- its service counts in the queue and at the counter that finished it (Ticket.queue_id, counter_id),
  and for the officer who finished it (or marked it absent): actor_id of its ticket.finished /
  ticket.no_show event, read from the event log;
- wait = issue → first call (a transferred ticket's later calls are not waits); service = the last
  call → finished (the counter that finished it).
"""

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import String, and_, case, func, select, type_coerce

from domain.clock import business_date
from domain.collation import vi_key as sort_key
from models import Counter, Event, Queue, StaffUser, Ticket, TicketCall
from motcua.extensions import db
from motcua.i18n import current_language, gettext

from .sql import as_uuid, dialect, in_sites, local_hour, minutes_between, stat
from .types import QueueHours, Scope, ServiceRow, TicketFigures

DEFAULT_HOURS = range(7, 18)  # 07:00–17:59, widened when tickets fall outside
FEW_TICKETS = 5000  # below this, look each ticket's events up rather than walk the log by type
ENDED = ("ticket.finished", "ticket.no_show")
ENDED_STATUSES = ("done", "no_show")


def _in_scope(scope: Scope):
    return and_(in_sites(Ticket.site_id, scope), Ticket.business_date >= scope.start,
                Ticket.business_date <= scope.end)


def _waiting_today(scope: Scope, today) -> int:
    """Citizens in the queues now: today's tickets still waiting (an earlier day's never called are
    not in anyone's queue)."""
    return db.session.scalar(select(func.count()).select_from(Ticket).where(
        in_sites(Ticket.site_id, scope), Ticket.business_date == today, Ticket.status == "waiting"))


def _status_counts(scope: Scope) -> dict[str, int]:
    query = select(Ticket.status, func.count()).where(_in_scope(scope)).group_by(Ticket.status)
    return dict(db.session.execute(query).all())


def _raw(column):
    """A uuid column read as its stored text: tens of thousands of uuid.UUID objects cost more than
    the query (only the few distinct keys are turned into UUIDs)."""
    return type_coerce(column, String)


def _tickets(scope: Scope):
    """Per ticket: id, issue series and local hour, final queue letter, counter, status, wait, service."""
    first_call = (select(func.min(TicketCall.called_at)).where(TicketCall.ticket_id == Ticket.id)
                  .scalar_subquery())
    # Ticket.called_at is the last call: a recalled or transferred ticket's first call is in ticket_call.
    called = func.coalesce(case((Ticket.call_count > 1, first_call)), Ticket.called_at)
    query = (select(_raw(Ticket.id), Ticket.queue_letter, local_hour(Ticket.issued_at), Queue.letter,
                    _raw(Ticket.counter_id), Ticket.status, minutes_between(Ticket.issued_at, called),
                    minutes_between(Ticket.service_started_at, Ticket.finished_at))
             .join(Queue, Queue.id == Ticket.queue_id).where(_in_scope(scope)))
    return db.session.execute(query).all()


def _origin_in(scope: Scope):
    """The events' site, written so that SQLite reads the log through its (type, seq) index rather
    than walking a site's whole log through (origin_site_id, seq) (coalesce(x, x) hides the column
    from its planner). PostgreSQL plans for itself."""
    column = Event.origin_site_id
    return in_sites(func.coalesce(column, column) if dialect() == "sqlite" else column, scope)


def _officers(scope: Scope, tickets: int) -> dict[str, str]:
    """Ticket id → the officer who finished it or marked it absent (the event's actor), as text."""
    columns = (_raw(Event.aggregate_id), _raw(Event.actor_id))
    if tickets <= FEW_TICKETS:  # look each ticket's events up
        own = and_(Event.aggregate_type == "ticket", Event.aggregate_id == Ticket.id)
        query = select(*columns).join(Ticket, own).where(_in_scope(scope), Event.type.in_(ENDED))
    else:  # walk the period's ended-ticket events
        start, end = scope.bounds()
        query = select(*columns).where(
            Event.type.in_(ENDED), _origin_in(scope), Event.occurred_at >= start,
            Event.occurred_at < end + timedelta(days=1))
    return dict(db.session.execute(query.where(Event.actor_id.is_not(None))).all())


def _transferred(scope: Scope) -> int:
    """Tickets of the scope transferred at least once (to another queue or counter)."""
    start, end = scope.bounds()
    query = (select(func.count(Event.aggregate_id.distinct()))
             .where(Event.type == "ticket.transferred", _origin_in(scope),
                    Event.occurred_at >= start, Event.occurred_at < end + timedelta(days=1)))
    return db.session.scalar(query)


def _labels(scope: Scope, counter_ids: set, officer_ids: set) -> tuple[dict, dict, dict]:
    """Queue, counter and officer names in the reader's language: a queue's English name where the
    site gave one; a counter by its number, as every other screen names it ("Quầy 2", "Counter 2")."""
    english = current_language() == "en"
    queues = db.session.execute(select(Queue.letter, Queue.name, Queue.name_en)
                                .where(in_sites(Queue.site_id, scope))
                                .order_by(Queue.sort_order.desc(), Queue.letter)).all()
    counters = db.session.execute(select(Counter.id, Counter.number)
                                  .where(Counter.id.in_([as_uuid(c) for c in counter_ids]))).all()
    officers = db.session.execute(select(StaffUser.id, StaffUser.full_name)
                                  .where(StaffUser.id.in_([as_uuid(o) for o in officer_ids]))).all()
    return ({letter: (name_en if english and name_en else name) for letter, name, name_en in queues},
            {cid.hex: gettext("Quầy {n}", n=number) for cid, number in counters},
            {oid.hex: name for oid, name in officers})


class _Group:
    __slots__ = ("waits", "services", "served", "no_shows")

    def __init__(self):
        self.waits, self.services, self.served, self.no_shows = [], [], 0, 0

    def add(self, status: str, wait, service) -> None:
        if status != "done":
            self.no_shows += 1
            return
        self.served += 1
        if wait is not None:
            self.waits.append(wait)
        if service is not None:
            self.services.append(service)


def _rows(kind: str, groups: dict, label_of) -> list[ServiceRow]:
    rows = [ServiceRow(kind, str(key), label_of(key), group.served, group.no_shows, stat(group.waits),
                       stat(group.services)) for key, group in groups.items()]
    return sorted(rows, key=lambda row: row.key if kind == "queue" else sort_key(row.label))


def _key(text):
    """Stored uuid text → the 32-hex form (SQLite stores it so; PostgreSQL returns it dashed)."""
    return str(text).replace("-", "") if text else None


def ticket_figures(scope: Scope, now=None) -> TicketFigures:
    statuses = _status_counts(scope)
    rows = _tickets(scope) if statuses else []
    officer_of = {_key(t): _key(o) for t, o in _officers(scope, len(rows)).items()} if rows else {}
    issued = defaultdict(int)
    overall = _Group()
    groups = {kind: defaultdict(_Group) for kind in ("queue", "counter", "officer")}
    for ticket_id, series, hour, letter, counter_id, status, wait, service in rows:
        issued[series, hour] += 1
        if status not in ENDED_STATUSES:
            continue
        overall.add(status, wait, service)
        groups["queue"][letter].add(status, wait, service)
        if counter_id is not None:
            groups["counter"][_key(counter_id)].add(status, wait, service)
        officer = officer_of.get(_key(ticket_id))
        if officer is not None:
            groups["officer"][officer].add(status, wait, service)

    names, counter_of, officers = _labels(scope, set(groups["counter"]), set(groups["officer"]))
    service_rows = (_rows("queue", groups["queue"], lambda k: names.get(k, k))
                    + _rows("counter", groups["counter"], lambda k: counter_of.get(k, "—"))
                    + _rows("officer", groups["officer"], lambda k: officers.get(k, "—")))
    service_rows = [row if row.kind == "queue" else replace(row, key=str(as_uuid(row.key)))
                    for row in service_rows]

    used_hours = {hour for _series, hour in issued}
    first, last = min(used_hours | {DEFAULT_HOURS.start}), max(used_hours | {DEFAULT_HOURS.stop - 1})
    hours = list(range(first, last + 1))
    by_queue_hour = []
    for series in sorted({series for series, _hour in issued}):
        counts = [issued.get((series, hour), 0) for hour in hours]
        by_queue_hour.append(QueueHours(series, names.get(series, series), counts, sum(counts)))

    today = business_date(now)
    waiting_now = _waiting_today(scope, today) if scope.start <= today <= scope.end else 0
    return TicketFigures(
        issued=sum(statuses.values()), served=statuses.get("done", 0), no_shows=statuses.get("no_show", 0),
        transferred=_transferred(scope) if statuses else 0, waiting_now=waiting_now, hours=hours,
        by_queue_hour=by_queue_hour, rows=service_rows, wait=stat(overall.waits),
        service=stat(overall.services))
