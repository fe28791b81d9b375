"""An ordinary busy morning over HTTP: kiosks taking tickets while officers call, finish and reprint.

Used by the mixed-load test (assertions) and `make bench` (figures). Every loop is bounded in
rounds and in time, and talks to 127.0.0.1 only.
"""

import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .live_server import KioskClient, staff_session

COUNTER_IDS = re.compile(r'name="counter_id" value="([0-9a-f-]+)"')
SERVING = re.compile(r'/counter/tickets/([0-9a-f-]+)/finish')
STAFF = ("canbo1", "buudien", "giamsat")  # the demo's counter roles


@dataclass
class Record:
    """(kind, status, milliseconds) of every request, from every client thread."""

    samples: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status, ms: float) -> None:
        with self.lock:
            self.samples.append((kind, status, ms))

    def timed(self, kind: str, call):
        start = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
        self.add(kind, status, (time.perf_counter() - start) * 1000)
        return response


def set_printers(database: Path, kiosk_url: str, counter_url: str) -> None:
    """Point the demo kiosk and counters at loopback printers (before the server starts)."""
    with sqlite3.connect(database) as conn:
        conn.execute("update kiosk set printer_url = ?", (kiosk_url,))
        conn.execute("update counter set printer_url = ?", (counter_url,))


def kiosk_client(base: str, record: Record, rounds: int, deadline: float) -> None:
    kiosk = KioskClient(base)
    for i in range(rounds):
        if time.monotonic() > deadline:
            return
        record.timed("kiosk_ticket", lambda i=i: kiosk.take("ABCD"[i % 4])[2])
        if i % 5 == 0:
            record.timed("kiosk_home", lambda: kiosk.http.get(base + "/kiosk", timeout=30))
    kiosk.http.close()


def officer_client(base: str, username: str, slot: int, record: Record, rounds: int, deadline: float) -> None:
    """Sit at counter `slot`, then call, sometimes reprint, finish; look at the lists in between."""
    http, token = staff_session(base, username)
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    page = http.get(base + "/counter", timeout=30).text
    counter_id = COUNTER_IDS.findall(page)[slot]
    # not timed: a server's first dossier list loads the holidays calendar (0.2 s idle, more on a
    # busy machine) once per process; what is measured here is requests waiting on each other
    http.get(base + "/counter/dossiers", timeout=30)
    record.timed("staff_select", lambda: http.post(base + "/counter/select", headers=headers, timeout=30,
                                                   data={"counter_id": counter_id, "take_over": "1"}))
    for i in range(rounds):
        if time.monotonic() > deadline:
            break
        called = record.timed("staff_call_next", lambda: http.post(base + "/counter/call-next",
                                                                   headers=headers, timeout=30))
        serving = SERVING.search(called.text) if called is not None else None
        if serving and i % 3 == 0:
            record.timed("staff_reprint", lambda s=serving: http.post(
                f"{base}/counter/tickets/{s.group(1)}/reprint", headers=headers, timeout=30))
        if serving:
            record.timed("staff_finish", lambda s=serving: http.post(
                f"{base}/counter/tickets/{s.group(1)}/finish", headers=headers, timeout=30))
        record.timed("staff_waiting", lambda: http.get(base + "/counter/waiting", headers=headers,
                                                       timeout=30))
        if i % 4 == 0:
            record.timed("staff_page", lambda: http.get(base + "/counter", timeout=30))
            record.timed("staff_dossiers", lambda: http.get(base + "/counter/dossiers", timeout=30))
    http.close()


def admin_client(base: str, record: Record, rounds: int, deadline: float) -> None:
    """The administrator reads the settings and sends test pages to the kiosk's printer."""
    http, token = staff_session(base, "admin")
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    page = http.get(base + "/admin", timeout=30).text
    kiosk_test = re.search(r'/admin/printers/kiosk/[0-9a-f-]+/test', page).group(0)
    for i in range(rounds):
        if time.monotonic() > deadline:
            break
        record.timed("admin_page", lambda: http.get(base + "/admin", timeout=30))
        if i % 5 == 0:
            record.timed("admin_test_page", lambda: http.post(base + kiosk_test, headers=headers, timeout=30))
    http.close()


def run(base: str, kiosks: int = 4, kiosk_rounds: int = 60, staff_rounds: int = 25,
        seconds: float = 120) -> Record:
    """4 kiosks and 4 staff (three officers, one admin) at once; returns every request's record."""
    record = Record()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=kiosk_client, args=(base, record, kiosk_rounds, deadline))
               for _ in range(kiosks)]
    threads += [threading.Thread(target=officer_client,
                                 args=(base, name, slot, record, staff_rounds, deadline))
                for slot, name in enumerate(STAFF)]
    threads.append(threading.Thread(target=admin_client, args=(base, record, staff_rounds, deadline)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return record
