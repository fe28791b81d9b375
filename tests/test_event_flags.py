"""An event that does not fit the state of its record (from another machine, later the central
server) is kept, not applied, and shown to the site's administrator to review."""

import copy

from sqlalchemy import select

from domain.apply import apply_event, envelope
from domain.ids import uuid7
from models import Event, EventFlag, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_apply import issue, later


def finished_while_waiting(app) -> str:
    """A `ticket.finished` arriving for a ticket that was never called; returns the ticket's code."""
    ticket_id = issue(app)
    with app.app_context():
        issued = db.session.scalars(select(Event).where(Event.aggregate_id == ticket_id)).one()
        forged = copy.deepcopy(envelope(issued))
        forged.update(id=str(uuid7()), tx_id=str(uuid7()), type="ticket.finished", hlc=later(forged["hlc"]))
        forged["payload"]["ticket"]["status"] = "done"
        forged["payload"].pop("context")
        with write_transaction():
            assert apply_event(forged).outcome == "flagged"
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "waiting"  # kept, not applied
        assert db.session.scalar(select(EventFlag.reason)).startswith("chuyển trạng thái không hợp lệ")
        return ticket.code


def test_the_admin_sees_an_event_kept_but_not_applied(app, staff):
    code = finished_while_waiting(app)
    page = staff("admin").get("/admin").get_data(as_text=True)
    assert "Sự kiện cần xem xét" in page and "ticket.finished" in page and code in page
    assert "chuyển trạng thái không hợp lệ: waiting → ticket.finished" in page


def test_the_review_list_reads_in_english(app, staff):
    finished_while_waiting(app)
    admin = staff("admin")
    admin.get("/lang/en")
    page = admin.get("/admin").get_data(as_text=True)
    assert "Events to review" in page and "illegal transition: waiting → ticket.finished" in page


def test_no_review_list_when_nothing_is_flagged(app, staff):
    assert "Sự kiện cần xem xét" not in staff("admin").get("/admin").get_data(as_text=True)
