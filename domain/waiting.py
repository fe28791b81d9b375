"""How long a citizen will wait: people ahead, and today's real service times."""

from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, select

from models import Counter, Queue, Ticket
from models.site import counter_queue
from motcua.extensions import db

from .clock import business_date, utcnow

RECENT_SERVICES = 20


def service_seconds(queue_ids: list, day=None) -> dict[str, float]:
    """Mean service time of each queue's last finished tickets today (one statement for all
    queues), or the configured default for a queue with none yet; keyed by str(queue id)."""
    recent = (select(Ticket.queue_id, Ticket.service_started_at, Ticket.finished_at,
                     func.row_number().over(partition_by=Ticket.queue_id,
                                            order_by=Ticket.finished_at.desc()).label("rank"))
              .where(Ticket.queue_id.in_(queue_ids), Ticket.business_date == (day or business_date()),
                     Ticket.status == "done", Ticket.service_started_at.is_not(None))).subquery()
    rows = db.session.execute(select(recent.c.queue_id, recent.c.service_started_at, recent.c.finished_at)
                              .where(recent.c.rank <= RECENT_SERVICES))
    spans: dict[str, list[float]] = {}
    for queue_id, start, end in rows:
        if end and end > start:
            spans.setdefault(str(queue_id), []).append((end - start).total_seconds())
    default = current_app.config["DEFAULT_SERVICE_MINUTES"] * 60.0
    return {str(q): sum(spans[str(q)]) / len(spans[str(q)]) if str(q) in spans else default
            for q in queue_ids}


def open_counters(queue_ids: list) -> dict[str, int]:
    """How many open counters serve each queue; keyed by str(queue id), absent when none."""
    rows = db.session.execute(
        select(counter_queue.c.queue_id, func.count())
        .join(Counter, and_(Counter.id == counter_queue.c.counter_id, Counter.is_open.is_(True)))
        .where(counter_queue.c.queue_id.in_(queue_ids)).group_by(counter_queue.c.queue_id))
    return {str(queue_id): count for queue_id, count in rows}


def minutes_to_wait(ahead: int, per_person: float, counters: int) -> int:
    return round(ahead * per_person / 60 / max(1, counters))


def queue_outlook(queue: Queue, priority: bool, before: Ticket | None = None) -> tuple[int, int]:
    """Return (people waiting ahead, estimated minutes) for a new or given ticket."""
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.queue_id == queue.id, Ticket.business_date == business_date())
        .where(Ticket.status == "waiting")
    )
    if priority:
        query = query.where(Ticket.priority_category_id.is_not(None))
    if before is not None:
        query = query.where(Ticket.issued_at < before.issued_at)
    ahead = db.session.scalar(query)
    key = str(queue.id)
    per_person, counters = service_seconds([queue.id])[key], open_counters([queue.id]).get(key, 0)
    return ahead, minutes_to_wait(ahead, per_person, counters)


def waiting_for_counter(counter: Counter) -> list[Ticket]:
    """Tickets this counter may call, in the order it would call them (priority shown first)."""
    queue_ids = [q.id for q in counter.queues]
    mine = (Ticket.target_counter_id == counter.id) | (
        Ticket.queue_id.in_(queue_ids) & Ticket.target_counter_id.is_(None)
    )
    return list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.site_id == counter.site_id, Ticket.business_date == business_date())
            .where(Ticket.status == "waiting", mine)
            .order_by(Ticket.priority_category_id.is_(None), Ticket.issued_at, Ticket.number)
        )
    )


def held_at_counter(counter: Counter) -> list[Ticket]:
    return list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.counter_id == counter.id, Ticket.status == "held")
            .order_by(Ticket.issued_at)
        )
    )


def minutes_since(moment: datetime) -> int:
    return max(0, int((utcnow() - moment).total_seconds() // 60))
