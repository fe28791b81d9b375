"""The migrations build central's schema on PostgreSQL: the models agree with it, payloads are
jsonb, and the whole chain goes down to nothing and up again. Each run has a database of its own."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from motcua import create_app
from motcua.extensions import db

from .support.central_app import SERVER, _admin


@pytest.fixture
def central(tmp_path):
    """A central server's app on a new, empty PostgreSQL database (dropped afterwards)."""
    try:
        _admin("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {SERVER}: {exc}")
    name = f"motcua_mig_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    app = None
    try:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "ROLE": "central",
                          "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{SERVER}/{name}",
                          "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": name})
        yield app
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _differences() -> list:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), db.metadata)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_build_the_models_schema_on_postgresql(central):
    with central.app_context():
        upgrade()
        assert _differences() == []
        kind = db.session.execute(text(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'event' AND column_name = 'payload'")).scalar_one()
        assert kind == "jsonb"
        db.session.rollback()


def test_migrations_go_down_to_base_and_up_again_on_postgresql(central):
    with central.app_context():
        upgrade()
        tables = _tables()
        downgrade(revision="base")
        assert _tables() == set()
        upgrade()
        assert _tables() == tables
        assert _differences() == []


def test_a_sites_log_replays_into_postgresql_and_gives_its_tables(central, app):
    """What central will do with a site's events: the bulk loader on PostgreSQL (SQLAlchemy Core,
    jsonb payloads), rows equal to the site's own, table by table."""
    from domain import lifecycle, tickets
    from domain.dossiers import receive_dossier, validate_intake
    from domain.replay import compare, load, personal_keys, source_envelopes
    from domain.site import current_site
    from models import Procedure, Queue, StaffUser
    from motcua.transactions import write_transaction

    with app.app_context():
        with write_transaction():
            site = current_site()
            queue = db.session.scalars(db.select(Queue).where(Queue.letter == "A")).one()
            tickets.issue_ticket(site, queue)
            officer = db.session.scalars(db.select(StaffUser).where(StaffUser.username == "canbo1")).one()
            procedure = db.session.scalars(db.select(Procedure).where(Procedure.code == "1.004859")).one()
            values = {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001090123456"}
            dossier = receive_dossier(site, officer, validate_intake(procedure, values,
                                                                     set(range(len(procedure.documents)))))
        with write_transaction():
            lifecycle.transfer(current_site(), db.session.get(type(dossier), dossier.id), officer,
                               "Phòng Tư pháp")
        envelopes = [env for batch in source_envelopes() for env in batch]
        keys = personal_keys()
        live = db.engine.url.render_as_string(hide_password=False)
    with central.app_context():
        upgrade()
        with write_transaction():
            load(envelopes, keys, bulk=True)
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.remove()
    result = compare(live, url)
    assert result.equal, result.differences
