"""How long a citizen will wait: people ahead, and today's real service times."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from models import Counter, Queue, Ticket
from motcua.extensions import db

from .clock import business_date, utcnow

RECENT_SERVICES = 20


def average_service_seconds(queue: Queue, day=None) -> float:
    """Mean service time of the queue's last finished tickets today, or the configured default."""
    rows = db.session.execute(
        select(Ticket.service_started_at, Ticket.finished_at)
        .where(Ticket.queue_id == queue.id, Ticket.business_date == (day or business_date()))
        .where(Ticket.status == "done", Ticket.service_started_at.is_not(None))
        .order_by(Ticket.finished_at.desc())
        .limit(RECENT_SERVICES)
    ).all()
    spans = [(end - start).total_seconds() for start, end in rows if end and end > start]
    if not spans:
        return current_app.config["DEFAULT_SERVICE_MINUTES"] * 60.0
    return sum(spans) / len(spans)


def open_counters(queue: Queue) -> int:
    return sum(1 for counter in queue.counters if counter.is_open)


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
    per_person = average_service_seconds(queue)
    minutes = round(ahead * per_person / 60 / max(1, open_counters(queue)))
    return ahead, minutes


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
