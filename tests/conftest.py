"""Fixtures: a migrated, seeded site per test; staff logins; a guard against real devices."""

import os
import re
import shutil
import socket
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from flask_migrate import upgrade

from motcua import create_app
from motcua.demo import seed_demo
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
# The kiosk gives tickets at any hour the suite runs, in every app a test builds and every server it
# starts (FLASK_* is read by create_app); a test of the opening hours turns them on explicitly.
os.environ.setdefault("FLASK_KIOSK_HOURS_ENFORCED", "false")


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Fail any test that would reach a device or host beyond 127.0.0.1."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise AssertionError(f"test tried to reach {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """Migrate and seed once; each test starts from a copy of this file."""
    instance = tmp_path_factory.mktemp("template")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "EVENT_GUARD": "raise"})
    with app.app_context():
        upgrade()
        with write_transaction():
            seed_demo()
        db.session.remove()
        db.engine.dispose()
    release_writer_lock_file()
    # Fold the WAL into the file on a connection of its own (the copies are of the file alone): on the
    # app's pooled connection a statement still open could refuse it ("database table is locked").
    with closing(sqlite3.connect(instance / "motcua.sqlite3")) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return instance / "motcua.sqlite3"


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory) -> Path:
    """A migrated database with no rows: what `flask events replay` and a new peer start from."""
    instance = tmp_path_factory.mktemp("empty")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    release_writer_lock_file()
    return instance / "motcua.sqlite3"


@pytest.fixture
def make_app(tmp_path, seeded_database):
    """make_app(**settings) → a site on its own copy of the seeded database, with these settings."""
    made = []

    def make(**settings):
        instance = tmp_path / f"instance{len(made) or ''}"
        instance.mkdir()
        shutil.copy(seeded_database, instance / "motcua.sqlite3")
        made.append(create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "EVENT_GUARD": "raise",
                                "PRINT_TIMEOUT_SECONDS": 2, "PRINT_RETRY_SECONDS": 0,
                                # tickets at any hour, unless a test checks the opening hours
                                "KIOSK_HOURS_ENFORCED": False, **settings}))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()
    release_writer_lock_file()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path="/kiosk") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


class Staff:
    """A logged-in staff browser: remembers its CSRF token, posts like htmx does."""

    def __init__(self, client, username, password="motcua-demo"):
        self.client = client
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": username, "password": password,
                                               "csrf_token": token})
        self.login_status = response.status_code
        self.token = csrf_token(client, "/login") if response.status_code == 303 else token

    def post(self, path, data=None, htmx=True):
        headers = {"X-CSRFToken": self.token}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data=data or {}, headers=headers)

    def get(self, path, htmx=False):
        return self.client.get(path, headers={"HX-Request": "true"} if htmx else {})


@pytest.fixture
def staff(app):
    """staff("canbo1") → a Staff logged in with its own cookie jar."""

    def login(username, password="motcua-demo"):
        return Staff(app.test_client(), username, password)

    return login
