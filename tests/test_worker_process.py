"""The print lines run in a process of their own beside the web server, and end with it."""

import os
import time
from pathlib import Path

import pytest

from .support.fake_printer import FakePrinter
from .support.live_server import KioskClient, LiveServer
from .support.mixed_load import set_printers

pytestmark = pytest.mark.slow
DEADLINE = 30


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def wait_until(condition, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("how", ["kill", "stop"])
def test_tickets_print_from_the_worker_process_which_ends_with_the_server(tmp_path, how):
    printer = FakePrinter("online")
    server = LiveServer(tmp_path / "site")
    set_printers(server.database, printer.url, printer.url)
    worker = None
    try:
        server.start()
        wait_until(lambda: children(server.pid), "the worker process to start")
        (worker,) = children(server.pid)
        kiosk = KioskClient(server.url)
        codes = [kiosk.take(letter)[1] for letter in "ABC"]
        assert None not in codes
        assert len(printer.wait_for_jobs(3, timeout=DEADLINE)) == 3  # woken after the commit
        kiosk.http.close()
        server.kill() if how == "kill" else server.stop()
        wait_until(lambda: not alive(worker), "the worker process to end with the server")
    finally:
        server.stop()
        printer.close()
        if worker is not None and alive(worker):
            os.kill(worker, 9)
