"""`make run`'s demo comes with its last working days worked: tickets served and rated, dossiers
received and returned, PAKN — all through the operations with their events, in time order, so the
kiosk still works afterwards and the log replays to the same tables."""

from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import func, select

from domain.calendar import calendar_for
from domain.clock import business_date
from domain.replay import compare, personal_keys, source_envelopes
from domain.site import current_site
from domain.tickets import issue_ticket
from models import Dossier, EventFlag, Queue, Rating, Ticket
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction

from .test_event_replay import rebuilt


def test_the_demo_history_fills_past_working_days_and_leaves_the_clock_as_it_was(tmp_path, empty_database):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "demo"), "EVENT_GUARD": "raise"})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--history", "3"])
    assert "3 ngày làm việc gần đây" in result.output, result.output
    with app.app_context():
        calendar = calendar_for(current_site())
        days = sorted(db.session.scalars(select(Ticket.business_date).distinct()))
        assert len(days) == 3 and days[-1] < business_date()
        assert all(calendar.is_working_day(day) for day in days)
        assert days[0] >= business_date() - timedelta(days=10)
        for model in (Dossier, Rating):
            assert db.session.scalar(select(func.count()).select_from(model)) > 0, model
        assert db.session.scalar(select(func.count()).select_from(EventFlag)) == 0
        with write_transaction():  # the clock guard did not take the history for a clock gone back
            ticket = issue_ticket(current_site(), db.session.scalars(select(Queue)).first()).ticket
        assert ticket.business_date == business_date()
        live = db.engine.url.render_as_string(hide_password=False)
        envelopes = [env for batch in source_envelopes() for env in batch]
        keys = personal_keys()
        db.engine.dispose()
    replayed = rebuilt(tmp_path, "replayed", empty_database, envelopes, keys, bulk=True)
    result = compare(live, replayed)
    assert result.equal, result.differences
    release_writer_lock_file()
