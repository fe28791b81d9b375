"""The multi-process harness: a real central server (gunicorn, PostgreSQL) and a site server start,
answer, and kill() takes each of them down whole."""

import socket
import time

import psycopg
import pytest
import requests

from .support.central_server import (
    CentralServer,
    SiteServer,
    database_name,
    drop_database,
    fresh_database,
    postgres_unavailable,
)
from .support.live_server import prepare_instance

pytestmark = pytest.mark.slow


@pytest.fixture
def database():
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    url = fresh_database("motcua_harness")
    yield url
    drop_database(url)


def _refused(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
        return False


def _wait_processes(server, n: int) -> list[int]:
    """The server's processes once there are at least n of them (children start beside the first)."""
    deadline = time.monotonic() + 60
    while len(server.pids()) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.pids()


def test_a_central_server_starts_answers_and_dies_whole(tmp_path, database):
    assert database_name(database).startswith("motcua_harness_")
    central = CentralServer(tmp_path / "central", database, workers=2)
    central.prepare()
    with psycopg.connect(database.replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
    try:
        central.start(timeout=60)
        assert len(_wait_processes(central, 3)) == 3  # the master and its 2 workers
        with requests.get(central.url + "/api/v1/health", timeout=10) as response:
            assert response.status_code == 200
        with requests.get(central.url + "/T/XYZ?K=1", timeout=10) as response:
            assert response.status_code < 500
        assert central.log_path.exists()
        central.kill()
        assert central.pids() == []
        assert _refused(central.port)
        with pytest.raises(requests.ConnectionError):
            requests.get(central.url + "/api/v1/health", timeout=10)
    finally:
        central.kill()


def test_a_site_servers_kill_takes_its_worker_process_down_too(tmp_path):
    """kill() is a power cut: waitress and the site worker process it started end together."""
    instance = tmp_path / "site"
    prepare_instance(instance)  # migrated and seeded here: enrolment needs central's sync routes
    site = SiteServer(instance, "http://127.0.0.1:9", "not-used")
    try:
        site.start(timeout=60)
        assert len(_wait_processes(site, 2)) >= 2  # waitress and the site worker process
        site.kill()
        assert site.pids() == []
        assert _refused(site.port)
    finally:
        site.kill()
