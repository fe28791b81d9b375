"""Ticket figures of one day, worked out by hand: waits, service times, a transfer between queues,
a no-show, per queue, counter and officer (who served is read from the event log)."""

from datetime import date

import pytest
from sqlalchemy import select

from domain import tickets
from domain.counters import open_counter
from domain.figures import Scope, ticket_figures
from domain.site import current_site
from models import Counter, Queue, StaffUser, Ticket
from motcua.extensions import db

from .test_figures_dossiers import Site


def named(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


class Counters(Site):
    def issue(self, when, letter):
        queue = lambda: named(Queue, letter=letter)  # noqa: E731
        return self.do(when, lambda site, _: tickets.issue_ticket(site, queue()).ticket.code)

    def sit(self, when, number, username):
        self.do(when, lambda site, _: open_counter(named(Counter, number=number),
                                                   named(StaffUser, username=username)))

    def at_counter(self, when, number, username, action, code=None, **targets):
        def operation(site, _):
            counter, officer = named(Counter, number=number), named(StaffUser, username=username)
            if action == "call_next":
                return tickets.call_next(counter, officer)
            ticket = named(Ticket, code=code)
            extra = {key: named(Queue, letter=letter) for key, letter in targets.items()}
            getattr(tickets, action)(ticket, counter, officer, **extra)
        self.do(when, operation)


@pytest.fixture
def day(app, monkeypatch):
    site = Counters(app, monkeypatch)
    site.issue("2027-02-01 07:50", "A")  # A001
    site.sit("2027-02-01 07:55", 1, "canbo1")  # counter 1 serves A and B
    site.sit("2027-02-01 07:56", 3, "giamsat")  # counter 3 serves C and D
    site.at_counter("2027-02-01 08:00", 1, "canbo1", "call_next")  # A001: waited 10 min
    site.issue("2027-02-01 08:10", "A")  # A002
    site.at_counter("2027-02-01 08:15", 1, "canbo1", "call_next")  # A001 served 15 min; A002 waited 5
    site.issue("2027-02-01 08:20", "B")  # B001
    site.at_counter("2027-02-01 08:25", 1, "canbo1", "transfer", "A002", to_queue="C")
    site.at_counter("2027-02-01 08:30", 3, "giamsat", "call_next")  # A002 again, in queue C
    site.at_counter("2027-02-01 08:40", 1, "canbo1", "call_next")  # B001: waited 20 min
    site.at_counter("2027-02-01 08:50", 3, "giamsat", "finish", "A002")  # served 08:30–08:50: 20 min
    site.at_counter("2027-02-01 08:55", 1, "canbo1", "mark_no_show", "B001")
    site.issue("2027-02-01 09:05", "A")  # A003
    site.at_counter("2027-02-01 09:10", 1, "canbo1", "call_next")  # A003: waited 5 min
    site.at_counter("2027-02-01 09:22", 1, "canbo1", "call_next")  # A003 served 12 min; none left
    site.issue("2027-02-01 16:30", "A")  # A004, still waiting
    site.do("2027-02-01 16:45", lambda site, _: None)
    return site


def test_a_day_of_tickets(app, day):
    with app.app_context():
        figures = ticket_figures(Scope((current_site().id,), date(2027, 2, 1), date(2027, 2, 1)))
    assert (figures.issued, figures.served, figures.no_shows, figures.transferred, figures.waiting_now) == \
        (5, 3, 1, 1, 1)
    assert figures.hours == list(range(7, 18))
    # Issued per series and hour: A002 counts in A, where it was issued, though served in C.
    by_queue = {row.letter: (row.name, row.total, dict(zip(figures.hours, row.counts, strict=True)))
                for row in figures.by_queue_hour}
    assert {letter: (name, total) for letter, (name, total, _) in by_queue.items()} == \
        {"A": ("Hộ tịch", 4), "B": ("Chứng thực", 1)}
    assert {hour: n for hour, n in by_queue["A"][2].items() if n} == {7: 1, 8: 1, 9: 1, 16: 1}
    # Waits of the served: 10, 5 (A002 to its first call), 5 → median 5, p90 5 + 0.8 × 5 = 9.
    assert (figures.wait.count, figures.wait.median_minutes, figures.wait.p90_minutes) == (3, 5.0, 9.0)
    # Services: 15, 20, 12 → median 15, p90 15 + 0.8 × 5 = 19.
    assert (figures.service.median_minutes, figures.service.p90_minutes) == (15.0, 19.0)
    rows = {(row.kind, row.label): (row.served, row.no_shows, row.wait.median_minutes,
                                    row.service.median_minutes) for row in figures.rows}
    assert rows == {
        ("queue", "Hộ tịch"): (2, 0, 7.5, 13.5),  # A001 and A003
        ("queue", "Chứng thực"): (0, 1, None, None),  # B001 absent
        ("queue", "Đất đai – Xây dựng"): (1, 0, 5.0, 20.0),  # A002, served in C
        ("counter", "Quầy 1"): (2, 1, 7.5, 13.5),
        ("counter", "Quầy 3"): (1, 0, 5.0, 20.0),
        ("officer", "Nguyễn Văn Tiếp Nhận"): (2, 1, 7.5, 13.5),
        ("officer", "Trần Thị Giám Sát"): (1, 0, 5.0, 20.0),
    }
    [queue_a] = [row for row in figures.rows if row.kind == "queue" and row.key == "A"]
    assert (queue_a.wait.p90_minutes, queue_a.service.p90_minutes) == (9.5, 14.7)


def test_an_empty_day(app):
    with app.app_context():
        figures = ticket_figures(Scope((current_site().id,), date(2020, 1, 1), date(2020, 1, 1)))
    assert (figures.issued, figures.served, figures.no_shows, figures.transferred, figures.waiting_now) == \
        (0, 0, 0, 0, 0)
    assert (figures.wait.count, figures.wait.median_minutes, figures.service.p90_minutes) == (0, None, None)
    assert figures.rows == [] and figures.by_queue_hour == [] and figures.hours == list(range(7, 18))
