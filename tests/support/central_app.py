"""Central and site apps in one test process: central on a throwaway PostgreSQL database, sites on
SQLite files, joined by the sync API called in process (sync.inprocess)."""

import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade

from motcua import create_app
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction
from sync.inprocess import transport_factory

SERVER = "postgres@127.0.0.1:5432"


def _admin(statement: str) -> None:
    with psycopg.connect(f"postgresql://{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


@contextmanager
def central_app(folder: Path, **settings):
    """A migrated ROLE=central app on a new database (dropped afterwards); limits counted in Redis
    under a key prefix of its own."""
    try:
        _admin("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {SERVER}: {exc}")
    name = f"motcua_t_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    app = None
    try:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "central",
                          "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{SERVER}/{name}",
                          "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                          "RATELIMIT_KEY_PREFIX": name, "EVENT_GUARD": "raise", **settings})
        with app.app_context():
            upgrade()
        yield app
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_site(central, agency_code: str, name: str, kind: str = "commune_centre") -> tuple[uuid.UUID, str]:
    """A reception point at central, with its reference data (procedures, accounts): (id, credential)."""
    from domain.events import record
    from models import Procedure
    from motcua.demo import PROCEDURES
    from sync.demo import _account
    from sync.provision import add_site as provision

    with central.app_context(), write_transaction():
        site, credential = provision(agency_code, name, kind)
        for values in PROCEDURES:
            procedure = Procedure(site_id=site.id, **values)
            db.session.add(procedure)
            record("procedure.created", procedure, context={"source": "demo"})
        prefix = agency_code.replace(".", "")[-6:].lower()
        _account(f"s{prefix}.canbo1", "Nguyễn Văn Tiếp Nhận", "officer", [site])
        return site.id, credential


def site_app(folder: Path, central, credential: str | None = None, faults=None, **settings):
    """A site app on a new SQLite file in `folder`, enrolled with `central` when a credential is given."""
    from sync.site import enrol

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "site",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'motcua.sqlite3'}",
                      "RATELIMIT_STORAGE_URI": "memory://", "EVENT_GUARD": "raise",
                      "SYNC_TRANSPORT": transport_factory(central, faults), **settings})
    with app.app_context():
        upgrade()
        if credential:
            enrol("http://central.test", credential)
    return app


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    release_writer_lock_file()
