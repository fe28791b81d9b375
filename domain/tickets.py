"""The queue ticket lifecycle: issue, call, recall, hold, resume, transfer, no-show, finish."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from models import Counter, Queue, Ticket, TicketCall
from motcua.extensions import db

from . import DomainError
from .clock import business_date, utcnow
from .events import record
from .issuance import TicketRequest, issue_tickets
from .waiting import queue_outlook


@dataclass
class IssuedTicket:
    ticket: Ticket
    ahead: int
    wait_minutes: int
    created: bool  # False when a repeated tap returned the ticket already issued


def ticket_code(letter: str, number: int) -> str:
    return f"{letter}{number:03d}"


def issue_ticket(site, queue: Queue, priority=None, kiosk=None, request_key=None) -> IssuedTicket:
    """Give the next number of `queue` today; the same request_key returns the same ticket.

    One ticket through the group path (domain.issuance), for callers that want the row.
    """
    request = TicketRequest(queue_id=str(queue.id), priority_code=priority.code if priority else "",
                            kiosk_code=kiosk.code if kiosk else None, request_key=request_key)
    outcome = issue_tickets(site.id, [request])[0]
    if outcome.error is not None:
        raise outcome.error
    if not outcome.created:
        existing = db.session.get(Ticket, outcome.existing_id)
        ahead, minutes = queue_outlook(existing.queue, existing.is_priority, before=existing)
        return IssuedTicket(existing, ahead, minutes, created=False)
    ticket = db.session.get(Ticket, outcome.ticket.id)
    return IssuedTicket(ticket, outcome.ahead, outcome.wait_minutes, created=True)


def _event(ticket: Ticket, kind: str, officer, context: dict | None = None) -> None:
    record(kind, ticket, actor=officer, context=context)


def _announce(ticket: Ticket, kind: str, counter: Counter, officer) -> None:
    """A call or recall: the ticket as it now stands, and the call the board shows and speaks."""
    call = TicketCall(site_id=ticket.site_id, ticket_id=ticket.id, code=ticket.code,
                      counter_number=counter.number, called_at=utcnow())
    db.session.add(call)
    record(kind, ticket, call, actor=officer)


def current_ticket(counter: Counter) -> Ticket | None:
    """The ticket being served at `counter`, if any."""
    return db.session.scalars(
        select(Ticket).where(Ticket.counter_id == counter.id, Ticket.status == "called")
    ).first()


def _next_waiting(counter: Counter, cap: int) -> Ticket | None:
    day = business_date()
    queue_ids = [q.id for q in counter.queues]
    mine = (Ticket.target_counter_id == counter.id) | (
        Ticket.queue_id.in_(queue_ids) & Ticket.target_counter_id.is_(None)
    )
    waiting = (
        select(Ticket)
        .where(Ticket.site_id == counter.site_id, Ticket.business_date == day)
        .where(Ticket.status == "waiting", mine)
        .order_by(Ticket.issued_at, Ticket.number)
        .limit(1)
    )
    first_priority = db.session.scalars(
        waiting.where(Ticket.priority_category_id.is_not(None))
    ).first()
    first_normal = db.session.scalars(waiting.where(Ticket.priority_category_id.is_(None))).first()
    if first_priority is None or first_normal is None:
        return first_priority or first_normal
    recent = db.session.scalars(
        select(Ticket.priority_category_id)
        .where(Ticket.site_id == counter.site_id, Ticket.business_date == day)
        .where(Ticket.queue_id.in_(queue_ids), Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc())
        .limit(cap)
    ).all()
    starving = len(recent) >= cap and all(pid is not None for pid in recent)
    return first_normal if starving else first_priority


@dataclass
class NextCall:
    """What "next" did: the ticket it finished (if one was being served) and the one it called."""

    finished: Ticket | None
    called: Ticket | None


def finish_and_call_next(counter: Counter, officer) -> NextCall:
    """Finish the ticket at the counter, then call the next one (priority first, capped).

    The served ticket is finished even when nobody waits: the officer said "done".
    """
    serving = current_ticket(counter)
    if serving is not None:
        finish(serving, counter, officer)
    return NextCall(serving, _call_next_waiting(counter, officer))


def call_next(counter: Counter, officer) -> Ticket | None:
    """Finish the ticket at the counter, then call the next one; the ticket called, if any."""
    return finish_and_call_next(counter, officer).called


def _call_next_waiting(counter: Counter, officer) -> Ticket | None:
    ticket = _next_waiting(counter, current_app.config["PRIORITY_MAX_CONSECUTIVE"])
    if ticket is None:
        return None
    now = utcnow()
    ticket.status = "called"
    ticket.counter = counter
    ticket.target_counter_id = None
    ticket.called_at = ticket.service_started_at = now
    ticket.call_count += 1
    _announce(ticket, "ticket.called", counter, officer)
    return ticket


def _require(ticket: Ticket, counter: Counter, *statuses: str) -> None:
    if ticket.counter_id != counter.id and ticket.status != "waiting":
        raise DomainError("Số {code} không thuộc quầy của bạn.", code=ticket.code)
    if ticket.status not in statuses:
        labels = {
            "waiting": "đang chờ",
            "called": "đang được phục vụ",
            "held": "đang tạm giữ",
            "done": "đã kết thúc",
            "no_show": "đã đánh dấu vắng mặt",
        }
        raise DomainError(
            "Số {code} {state}, không thể thực hiện thao tác này.",
            code=ticket.code,
            state=labels.get(ticket.status, ticket.status),
        )


def recall(ticket: Ticket, counter: Counter, officer) -> None:
    """Announce the ticket again on the display."""
    _require(ticket, counter, "called")
    ticket.call_count += 1
    _announce(ticket, "ticket.recalled", counter, officer)


def mark_no_show(ticket: Ticket, counter: Counter, officer) -> None:
    _require(ticket, counter, "called")
    ticket.status = "no_show"
    ticket.finished_at = utcnow()
    _event(ticket, "ticket.no_show", officer)


def hold(ticket: Ticket, counter: Counter, officer) -> None:
    """Set the citizen aside (e.g. gone to make a copy); the counter may call others."""
    _require(ticket, counter, "called")
    ticket.status = "held"
    _event(ticket, "ticket.held", officer)


def resume(ticket: Ticket, counter: Counter, officer) -> None:
    _require(ticket, counter, "held")
    serving = current_ticket(counter)
    if serving is not None:
        raise DomainError(
            "Quầy đang phục vụ số {code}. Hãy kết thúc hoặc tạm giữ số đó trước.", code=serving.code
        )
    ticket.status = "called"
    _event(ticket, "ticket.resumed", officer)


def transfer(ticket: Ticket, counter: Counter, officer, to_queue=None, to_counter=None) -> None:
    """Send the ticket to another queue or counter; it keeps its original issue time."""
    _require(ticket, counter, "called", "held")
    if to_queue is None and to_counter is None:
        raise DomainError("Hãy chọn hàng đợi hoặc quầy để chuyển đến.")
    if to_counter is not None and to_counter.id == counter.id:
        raise DomainError("Không thể chuyển số về chính quầy đang phục vụ.")
    if to_queue is not None and not to_queue.is_open:
        raise DomainError("Hàng đợi “{name}” đang tạm dừng.", name=to_queue.name)
    ticket.status = "waiting"
    if to_queue is not None:
        ticket.queue = to_queue
    ticket.target_counter_id = to_counter.id if to_counter is not None else None
    ticket.counter = None
    _event(ticket, "ticket.transferred", officer, {"from_counter": counter.number})


def finish(ticket: Ticket, counter: Counter, officer) -> None:
    _require(ticket, counter, "called", "held")
    ticket.status = "done"
    ticket.finished_at = utcnow()
    _event(ticket, "ticket.finished", officer)


# The counter's finding on a priority declared at the kiosk (ticket.priority_checked) → its event.
PRIORITY_FINDINGS = {"confirmed": "ticket.priority_confirmed", "rejected": "ticket.priority_rejected"}


def check_priority(ticket: Ticket, counter: Counter, officer, finding: str) -> None:
    """Record whether the citizen belongs to the priority category declared at the kiosk.

    The kiosk takes the citizen's word and says the counter will check; a rejection does not
    undo the call (the citizen is served all the same), it is only recorded.
    """
    _require(ticket, counter, "called", "held")
    if ticket.priority_category_id is None:
        raise DomainError("Số {code} không đăng ký ưu tiên.", code=ticket.code)
    if ticket.priority_checked is not None:
        raise DomainError("Ưu tiên của số {code} đã được ghi nhận trước đó.", code=ticket.code)
    ticket.priority_checked = finding
    _event(ticket, PRIORITY_FINDINGS[finding], officer)


def confirm_priority(ticket: Ticket, counter: Counter, officer) -> None:
    """The citizen is in the declared priority category."""
    check_priority(ticket, counter, officer, "confirmed")


def reject_priority(ticket: Ticket, counter: Counter, officer) -> None:
    """The citizen is not in the declared priority category."""
    check_priority(ticket, counter, officer, "rejected")


# A ticket that left the counters without being served: the board stops showing its call.
OFF_THE_BOARD = ("no_show", "waiting")  # absent, or transferred back to a queue


def board_calls(site_id, shown: int) -> list[TicketCall]:
    """The display board's rows, newest first: today's latest call of each ticket, once.

    A recall replaces the ticket's earlier call; a ticket marked no-show or sent back to a queue
    leaves the board (it is shown again when a counter calls it).
    """
    calls = db.session.scalars(
        select(TicketCall).join(Ticket, Ticket.id == TicketCall.ticket_id)
        .where(TicketCall.site_id == site_id, Ticket.business_date == business_date(),
               Ticket.status.not_in(OFF_THE_BOARD))
        .order_by(TicketCall.called_at.desc(), TicketCall.id.desc())
        .limit(shown * 4))  # room for recalls, which are dropped below
    rows, seen = [], set()
    for call in calls:
        if call.ticket_id not in seen:
            seen.add(call.ticket_id)
            rows.append(call)
    return rows[:shown]


def count_waiting(site, day=None) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.site_id == site.id, Ticket.business_date == (day or business_date()))
        .where(Ticket.status == "waiting")
    )
