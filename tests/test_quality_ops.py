"""Ratings and PAKN as operations: one rating per service, the scale's sentiments, PAKN codes and
deadlines counted in working days, answers on time or late, and the events each writes."""

from datetime import datetime

import pytest
from sqlalchemy import select

from domain import DomainError, feedback, ratings
from domain.site import current_site
from domain.tickets import call_next, finish
from domain.tickets import issue_ticket as issue
from models import Counter, Event, Feedback, Queue, Rating, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction


def _officer(username="canbo1"):
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def _served_ticket(app):
    """A ticket issued, called at counter 1 and finished: the service a citizen may rate."""
    with app.app_context(), write_transaction():
        site = current_site()
        counter = db.session.scalar(select(Counter).where(Counter.number == 1))
        queue = counter.queues[0]
        issue(site, queue)
        ticket = call_next(counter, _officer())
        finish(ticket, counter, _officer())
        return ticket.id, counter.id


def test_a_finished_ticket_is_rated_once_and_the_level_keeps_its_sentiment(app):
    ticket_id, counter_id = _served_ticket(app)
    with app.app_context(), write_transaction():
        from models import Ticket
        ticket = db.session.get(Ticket, ticket_id)
        rating = ratings.record_rating(current_site(), level=1, channel="counter_screen", ticket=ticket,
                                       counter_id=counter_id, officer_id=_officer().id,
                                       reasons=["wait", "wait", "unknown", "attitude"], scale=5)
        assert (rating.sentiment, rating.reasons) == ("dissatisfied", ["wait", "attitude"])
    with app.app_context(), write_transaction(), pytest.raises(DomainError, match="đã được đánh giá"):
        ratings.record_rating(current_site(), level=3, channel="kiosk",
                              ticket=db.session.get(Ticket, ticket_id), scale=3)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Rating.id))) == 1
        assert db.session.scalar(select(db.func.count(Event.seq)).where(Event.type == "rating.recorded")) == 1


@pytest.mark.parametrize("scale,level,sentiment", [
    (3, 2, "satisfied"), (3, 1, "dissatisfied"), (4, 2, "neutral"), (5, 3, "neutral"),
    (5, 2, "dissatisfied")])
def test_each_scale_maps_its_levels_to_a_sentiment(scale, level, sentiment):
    assert ratings.sentiment_of(scale, level) == sentiment


def test_a_ticket_still_waiting_cannot_be_rated(app):
    with app.app_context(), write_transaction():
        site = current_site()
        queue = db.session.scalars(select(Queue)).first()
        from models import Ticket
        ticket = db.session.get(Ticket, issue(site, queue).ticket.id)
        with pytest.raises(DomainError, match="chưa được phục vụ xong"):
            ratings.record_rating(site, level=3, channel="kiosk", ticket=ticket, scale=3)


def test_a_pakn_gets_a_code_and_deadlines_in_working_days(app, monkeypatch):
    # Thursday 3/12/2026 09:00 in Hà Nội: reject by Monday 7/12, answer by Thursday 24/12, 17:00.
    monkeypatch.setattr(feedback, "utcnow", lambda: datetime(2026, 12, 3, 2, 0))
    with app.app_context(), write_transaction():
        site = current_site()
        first = feedback.submit_feedback(site, channel="kiosk", kind="phan_anh", topic="delay",
                                         content="  Chờ   quá lâu\n\nở quầy 2  ")
        second = feedback.submit_feedback(site, channel="counter", kind="kien_nghi", topic="suggestion",
                                          content="Thêm ghế chờ", officer=_officer())
        assert first.code == f"{site.agency_code}-PA-261203-0001"
        assert second.code.endswith("-PA-261203-0002")
        assert first.content == "Chờ quá lâu\n\nở quầy 2"
        assert first.reject_by == datetime(2026, 12, 7, 10, 0)
        assert first.due_at == datetime(2026, 12, 24, 10, 0)
        assert len(first.check) == 6


def test_a_pakn_answered_after_its_deadline_is_late_and_cannot_be_answered_twice(app, monkeypatch):
    monkeypatch.setattr(feedback, "utcnow", lambda: datetime(2026, 12, 3, 2, 0))
    with app.app_context(), write_transaction():
        site = current_site()
        item = feedback.submit_feedback(site, channel="kiosk", kind="phan_anh", topic="attitude",
                                        content="Cán bộ nói to")
        feedback.assign_feedback(site, item, _officer("giamsat"), _officer())
        item_id = item.id
    monkeypatch.setattr(feedback, "utcnow", lambda: datetime(2026, 12, 24, 10, 1))
    with app.app_context(), write_transaction():
        item = db.session.get(Feedback, item_id)
        feedback.answer_feedback(current_site(), item, _officer(), "Đã nhắc nhở cán bộ.")
        assert (item.status, item.on_time) == ("answered", False)
    with app.app_context(), write_transaction(), pytest.raises(DomainError, match="đã được xử lý xong"):
        feedback.reject_feedback(current_site(), db.session.get(Feedback, item_id), _officer(), "x")
    with app.app_context():
        kinds = db.session.scalars(select(Event.type).where(Event.aggregate_id == item_id)
                                   .order_by(Event.seq)).all()
        assert kinds == ["feedback.received", "feedback.assigned", "feedback.answered"]


@pytest.mark.parametrize("fields,message", [
    ({"kind": "x"}, "phản ánh hay kiến nghị"), ({"topic": "x"}, "nội dung phản ánh"),
    ({"content": "   "}, "Hãy ghi nội dung"), ({"content": "a" * 2001}, "dài quá"),
    ({"dossier_code": "000.00.12.H56-990101-0001"}, "Không tìm thấy hồ sơ")])
def test_a_pakn_with_a_bad_field_is_refused_with_a_reason(app, fields, message):
    values = {"channel": "kiosk", "kind": "phan_anh", "topic": "other", "content": "Góp ý", **fields}
    with app.app_context(), write_transaction(), pytest.raises(DomainError, match=message):
        feedback.submit_feedback(current_site(), **values)
