"""A closed dossier's personal data is erased when its retention period ends — in the tables, and
in the events that carried it (their key is destroyed) — while the log stays whole and replayable."""

import json
from datetime import timedelta

from sqlalchemy import select

from domain import lifecycle
from domain.clock import utcnow
from domain.personal_data import ERASED_NAME
from domain.replay import compare, personal_keys, source_envelopes
from domain.retention import erase_expired
from domain.site import current_site
from domain.snapshots import row_values
from models import Dossier, DossierStep, Event, PersonalKey
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_dossier_events import NAME, act, received
from .test_event_replay import rebuilt


def closed_and_open(app):
    """One dossier returned to a proxy (closed), one still being processed (open)."""
    closed = received(app)
    act(app, closed, lambda s, d, o: lifecycle.result_ready(s, d, o, "Trích lục số 12"))
    act(app, closed, lambda s, d, o: lifecycle.return_result(s, d, o, "proxy", True, "Lê Văn Bình",
                                                              "Giấy ủy quyền số 3/UQ"))
    return closed, received(app)


def erase(app, days_later: int) -> int:
    with app.app_context(), write_transaction():
        count, _files = erase_expired(current_site(), now=utcnow() + timedelta(days=days_later))
    return count


def test_nothing_is_erased_before_the_retention_period_ends(make_app):
    app = make_app(PERSONAL_DATA_RETENTION_DAYS=30)
    closed, _ = closed_and_open(app)
    assert erase(app, 29) == 0
    with app.app_context():
        assert db.session.get(Dossier, closed).applicant_name == NAME


def test_a_closed_dossier_is_blanked_and_its_events_can_no_longer_be_read(make_app):
    app = make_app(PERSONAL_DATA_RETENTION_DAYS=30)
    closed, still_open = closed_and_open(app)
    assert erase(app, 31) == 1
    assert erase(app, 31) == 0  # once
    with app.app_context():
        dossier = db.session.get(Dossier, closed)
        assert (dossier.applicant_name, dossier.applicant_id_number, dossier.proxy) == (ERASED_NAME, "", {})
        assert dossier.code and dossier.status == "returned"  # the record stays for the figures
        steps = db.session.scalars(select(DossierStep).where(DossierStep.dossier_id == closed)).all()
        assert steps and all(s.proxy_name == "" and s.authorisation == "" for s in steps)
        assert db.session.get(PersonalKey, closed) is None
        assert db.session.get(Dossier, still_open).applicant_name == NAME  # open: kept
        events = db.session.scalars(select(Event).where(Event.aggregate_id == closed)
                                    .order_by(Event.seq)).all()
        assert events[-1].type == "dossier.personal_data_erased"
        received_event = events[0]
        assert NAME not in json.dumps(received_event.payload, ensure_ascii=False)  # sealed when written
        # the first event is still there, but its personal part reads blank without the key
        values, _ = row_values("dossier", received_event.payload["dossier"])
        assert values["applicant_name"] == ERASED_NAME and values["code"] == dossier.code


def test_the_log_still_replays_to_the_live_tables_after_erasure(make_app, empty_database, tmp_path):
    app = make_app(PERSONAL_DATA_RETENTION_DAYS=30)
    closed_and_open(app)
    erase(app, 31)
    with app.app_context():
        live = db.engine.url.render_as_string(hide_password=False)
        envelopes = [env for batch in source_envelopes() for env in batch]
        keys = personal_keys()
    result = compare(live, rebuilt(tmp_path, "replayed", empty_database, envelopes, keys))
    assert result.equal, result.differences
