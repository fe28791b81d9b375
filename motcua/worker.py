"""The print worker: a daemon thread per server process, woken after each commit."""

import logging
import threading

from domain.printing import process_due_jobs

log = logging.getLogger(__name__)


class PrintWorker:
    def __init__(self, app, interval: float = 1.0):
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._thread = None

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
            except Exception:  # keep printing for the rest of the day whatever one job did
                log.exception("print worker round failed")


def wake_print_worker(app) -> None:
    worker = app.extensions.get("print_worker")
    if worker is not None:
        worker.wake()
