"""Tickets issued in groups: many taps, one transaction; numbers, events and jobs stay exact."""

import re
import threading
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site_id
from models import Event, PrintJob, PriorityCategory, Queue, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .conftest import csrf_token

TICKET = re.compile(r'id="ticket-number">([A-Z])(\d+)<')
AHEAD = re.compile(r'id="ticket-ahead">(\d+) ')
THREADS, PER_THREAD = 8, 15


def queues(app) -> dict[str, str]:
    with app.app_context():
        return {q.letter: str(q.id) for q in db.session.scalars(select(Queue))}


def test_eight_kiosks_at_once_get_gap_free_numbers_each_with_its_event_and_print_job(app):
    app.config["TICKET_LIMIT_PER_KIOSK"] = app.config["TICKET_LIMIT_PER_ADDRESS"] = "10000 per minute"
    ids = queues(app)
    shown: list[tuple[str, int]] = []
    failures: list[int] = []

    def kiosk(slot: int) -> None:
        client = app.test_client()
        token = csrf_token(client)
        for i in range(PER_THREAD):
            letter = "ABCD"[(slot + i) % 4]
            response = client.post("/kiosk/tickets", data={"queue_id": ids[letter], "csrf_token": token},
                                   headers={"HX-Request": "true"})
            match = TICKET.search(response.get_data(as_text=True))
            if response.status_code != 200 or not match:
                failures.append(response.status_code)
                continue
            shown.append((match.group(1), int(match.group(2))))

    threads = [threading.Thread(target=kiosk, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    per_letter = defaultdict(list)
    for letter, number in shown:
        per_letter[letter].append(number)
    for letter, numbers in per_letter.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), letter  # no gap, no duplicate
    with app.app_context():
        stored = db.session.execute(select(Ticket.queue_letter, Ticket.number)).all()
        assert sorted(stored) == sorted(shown)  # what each citizen saw is what was kept
        issued = db.session.scalar(select(func.count()).where(Event.type == "ticket.issued"))
        jobs = db.session.scalar(select(func.count()).where(PrintJob.document == "ticket"))
        assert issued == jobs == THREADS * PER_THREAD
        hlcs = db.session.scalars(select(Event.hlc)).all()
        assert len(set(hlcs)) == len(hlcs)  # every event has its own clock value


def test_a_refused_request_does_not_spoil_the_rest_of_its_group(app):
    ids = queues(app)
    with app.test_request_context():
        with write_transaction():
            db.session.scalars(select(Queue).where(Queue.letter == "C")).one().is_open = False
        with write_transaction():
            elderly = db.session.scalars(select(PriorityCategory)).first().code
            outcomes = issue_tickets(current_site_id(), [
                TicketRequest(ids["A"], kiosk_code=""),
                TicketRequest(ids["C"], kiosk_code=""),  # paused while the citizen chose
                TicketRequest(ids["A"], priority_code="không-có", kiosk_code=""),
                TicketRequest("not-a-queue", kiosk_code=""),
                TicketRequest(ids["A"], priority_code=elderly, kiosk_code=""),
                TicketRequest(ids["A"], kiosk_code=""),
            ])
        codes = [o.ticket.code if o.ticket else None for o in outcomes]
        assert codes == ["A001", None, None, None, "A002", "A003"]
        assert [o.error.status for o in outcomes if o.error] == [409, 409, 404]
        assert "tạm dừng" in outcomes[1].error.message
        # people ahead: a priority ticket counts only priority tickets ahead of it
        assert [o.ahead for o in outcomes if o.ticket] == [0, 0, 2]
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 3
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 3


def test_two_taps_with_one_key_in_the_same_group_give_one_ticket(app):
    ids = queues(app)
    with app.test_request_context(), write_transaction():
        first, second = issue_tickets(current_site_id(), [
            TicketRequest(ids["B"], kiosk_code="", request_key="tap-7"),
            TicketRequest(ids["B"], kiosk_code="", request_key="tap-7"),
        ])
    assert first.created and first.ticket.code == "B001"
    assert not second.created and second.existing_id == first.ticket.id
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


@pytest.mark.parametrize("setting", ["TICKET_LIMIT_PER_KIOSK", "TICKET_LIMIT_PER_ADDRESS"])
def test_a_kiosk_pouring_out_tickets_is_stopped_with_a_message_and_nothing_issued(app, setting):
    app.config[setting] = "3 per minute"
    ids = queues(app)
    client = app.test_client()
    token = csrf_token(client, "/kiosk?k=K1")
    answers = [client.post("/kiosk/tickets", data={"queue_id": ids["A"], "csrf_token": token},
                           headers={"HX-Request": "true"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert "Vui lòng chờ khoảng một phút" in answers[3].get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 3


def test_the_default_limits_let_a_busy_morning_through(app):
    """A kiosk in a rush hour gives a ticket every few seconds: 30 in a row are never refused."""
    ids = queues(app)
    client = app.test_client()
    token = csrf_token(client, "/kiosk?k=K1")
    statuses = {client.post("/kiosk/tickets", data={"queue_id": ids["ABCD"[i % 4]], "csrf_token": token},
                            headers={"HX-Request": "true"}).status_code for i in range(30)}
    assert statuses == {200}
