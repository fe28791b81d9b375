"""What citizens say reaches central like everything else a site does: a rating of a ticket, a rating
of a returned dossier, and a PAKN with its answer, pushed by the real sync (in process), arrive in
central's tables as the site holds them — so the province's figures count them."""

from sqlalchemy import select

from domain import feedback, lifecycle, ratings
from domain.clock import business_date
from domain.counters import open_counter
from domain.dossiers import receive_dossier, validate_intake
from domain.figures import Scope, dashboard
from domain.site import current_site
from domain.tickets import call_next, finish, issue_ticket
from models import Counter, Feedback, Procedure, Rating, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction
from sync.site import sync_round

from .support.central_app import add_site, central_app, close, site_app

COLUMNS = ("id", "site_id", "ticket_id", "dossier_id", "officer_id", "counter_id", "channel", "scale",
           "level", "sentiment", "reasons", "rated_at")
FEEDBACK = ("id", "code", "check", "kind", "topic", "content", "dossier_id", "status", "received_at",
            "due_at", "answer", "answered_at", "on_time")


def _rows(model, columns):
    return sorted((tuple(getattr(row, c) for c in columns) for row in db.session.scalars(select(model))),
                  key=lambda row: str(row[0]))


def _a_day_of_service(site_app_):
    """A ticket served and rated at the counter's screen, a dossier returned and rated at the kiosk,
    a complaint about the dossier received and answered."""
    with site_app_.app_context(), write_transaction():
        site = current_site()
        officer = db.session.scalar(select(StaffUser).where(StaffUser.role == "officer"))
        counter = db.session.scalar(select(Counter).where(Counter.number == 1))
        open_counter(counter, officer)
        issue_ticket(site, counter.queues[0])
        ticket = call_next(counter, officer)
        finish(ticket, counter, officer)
        ratings.record_rating(site, level=1, channel="counter_screen", ticket=ticket, officer_id=officer.id,
                              counter_id=counter.id, reasons=["wait"], scale=3)
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004873"))
        intake = validate_intake(procedure, {"applicant_name": "Vũ Thị Ánh",
                                             "applicant_id_number": "019192007788"},
                                 set(range(len(procedure.documents))))
        dossier = receive_dossier(site, officer, intake)
        lifecycle.result_ready(site, dossier, officer, "Đã ký")
        lifecycle.return_result(site, dossier, officer, "applicant", True)
        ratings.record_rating(site, level=3, channel="kiosk", dossier=dossier, scale=3)
        item = feedback.submit_feedback(site, channel="kiosk", kind="phan_anh", topic="delay",
                                        content="Phải chờ 40 phút", dossier_code=dossier.code)
        feedback.answer_feedback(site, item, officer, "Đã bổ sung một quầy vào giờ cao điểm.")


def _figures(scope) -> dict:
    board = dashboard(scope)
    return {"issued": board.tickets.issued, "served": board.tickets.served,
            "received": board.dossiers.received, "finished": board.dossiers.finished,
            "early": board.dossiers.early, "on_time": board.dossiers.on_time,
            "ratings": board.satisfaction.ratings, "sentiments": board.satisfaction.by_sentiment,
            "pakn": board.satisfaction.feedback.received,
            "indicators": [(i.key, i.numerator, i.denominator) for g in board.indicators.groups
                           for i in g.indicators]}


def test_ratings_and_pakn_reach_central_as_the_site_holds_them(tmp_path):
    with central_app(tmp_path / "central") as central:
        _site_id, credential = add_site(central, "000.00.12.H56", "Trung tâm PVHCC xã Tân Cương")
        site = site_app(tmp_path / "site", central, credential)
        try:
            _a_day_of_service(site)
            with site.app_context():
                assert sync_round().pushed > 0
                here = (_rows(Rating, COLUMNS), _rows(Feedback, FEEDBACK))
            with central.app_context():
                there = (_rows(Rating, COLUMNS), _rows(Feedback, FEEDBACK))
            assert len(here[0]) == 2 and len(here[1]) == 1
            assert there == here
            # The same figures on PostgreSQL, province-wide, as on the site's SQLite for itself.
            with site.app_context():
                today = business_date()
                mine = _figures(Scope(site_ids=(current_site().id,), start=today, end=today))
            with central.app_context():
                province = _figures(Scope(site_ids=None, start=business_date(), end=business_date()))
            assert mine == province
            assert mine["issued"] == 1 and mine["received"] == 1 and mine["ratings"] == 2
        finally:
            close(site)
