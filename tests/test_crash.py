"""kill -9 the real server again and again while kiosks issue tickets: nothing acknowledged is lost."""

import random
import sqlite3
import threading
import time
from collections import defaultdict

import pytest
import requests

from .support.live_server import KioskClient, LiveServer

pytestmark = pytest.mark.slow
ROUNDS = 5
CLIENTS = 4
PER_ROUND = 12  # tickets acknowledged before each kill (however loaded the machine, a round waits for them)
ROUND_DEADLINE = 120.0


def issue_until_killed(server: LiveServer, acknowledged: list, stop: threading.Event) -> None:
    try:
        kiosk = KioskClient(server.url, timeout=30)  # a slow answer on a loaded machine is not a crash
    except requests.RequestException:
        return
    while not stop.is_set():
        try:
            status, code, _ = kiosk.take(random.choice("ABCD"))
        except requests.RequestException:
            return  # the server died under us: whatever was not answered was not acknowledged
        if status == 200 and code:
            acknowledged.append(code)


def test_every_acknowledged_ticket_survives_repeated_kill_9(tmp_path):
    server = LiveServer(tmp_path / "site", threads=8, env={"FLASK_RATELIMIT_ENABLED": "false"})
    acknowledged: list[str] = []
    for _ in range(ROUNDS):
        server.start()
        stop = threading.Event()
        clients = [threading.Thread(target=issue_until_killed, args=(server, acknowledged, stop))
                   for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        wanted, deadline = len(acknowledged) + PER_ROUND, time.monotonic() + ROUND_DEADLINE
        while len(acknowledged) < wanted and time.monotonic() < deadline \
                and any(client.is_alive() for client in clients):
            time.sleep(0.05)  # polling the condition, bounded by the deadline
        time.sleep(random.uniform(0, 0.3))  # then a kill at a varying point of the issuance
        server.kill()  # SIGKILL mid-issuance
        stop.set()
        for client in clients:
            client.join(10)
    assert len(acknowledged) > 50, "the test did not issue enough tickets to mean anything"

    with sqlite3.connect(server.database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT queue_letter, number, code FROM ticket").fetchall()
        events = conn.execute("SELECT count(*) FROM event WHERE type = 'ticket.issued'").fetchone()[0]
        jobs = conn.execute("SELECT count(*) FROM print_job").fetchone()[0]
    codes = [code for _, _, code in stored]
    assert len(codes) == len(set(codes)), "a number was given twice"
    assert set(acknowledged) <= set(codes), "an acknowledged ticket was lost"
    assert len(acknowledged) == len(set(acknowledged))
    series = defaultdict(list)
    for letter, number, _ in stored:
        series[letter].append(number)
    for letter, numbers in series.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap in series {letter}"
    print(f"crash test: {ROUNDS} x kill -9, {len(acknowledged)} acknowledged, {len(stored)} stored")
    assert events == len(stored) == jobs  # no ticket without its event and print job, none half-there
