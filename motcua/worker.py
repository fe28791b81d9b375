"""The background worker: a daemon thread per server process.

It sends print jobs (woken after each commit) and, once a minute, flags dossiers that
passed their date so none goes overdue silently.
"""

import logging
import threading
import time

from domain.lifecycle import flag_overdue
from domain.printing import process_due_jobs
from domain.site import current_site

from .transactions import write_transaction

log = logging.getLogger(__name__)
WATCH_SECONDS = 60


class PrintWorker:
    def __init__(self, app, interval: float = 1.0):
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._thread = None
        self._last_watch = 0.0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                with self.app.app_context():
                    while process_due_jobs():
                        pass
                    if time.monotonic() - self._last_watch > WATCH_SECONDS:
                        self._last_watch = time.monotonic()
                        with write_transaction():
                            flag_overdue(current_site())
            except Exception:  # keep working for the rest of the day whatever one round did
                log.exception("background worker round failed")


def wake_print_worker(app) -> None:
    worker = app.extensions.get("print_worker")
    if worker is not None:
        worker.wake()
