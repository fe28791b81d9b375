"""The background work of a server process: one print line per printer, and a periodic watch.

A dispatcher thread, woken after each commit that queued a job, starts (or wakes) a line thread
for every printer with jobs waiting, so a printer that hangs holds only its own jobs. A line sends
its printer's jobs once each, in order, and ends after a minute with nothing to do. The watch
runs on its own schedule: it flags dossiers that passed their date, so none goes overdue
silently, and erases personal data from print jobs past their reprint window.
"""

import logging
import threading
import time

from domain.lifecycle import flag_overdue
from domain.print_line import pending_printers, process_printer, release_stale_claims
from domain.print_retention import purge_personal_data
from domain.site import current_site

from .transactions import write_transaction

log = logging.getLogger(__name__)
WATCH_SECONDS = 60
PURGE_SECONDS = 600
LINE_IDLE_SECONDS = 60


class PrintLine:
    """A thread that serves one printer URL."""

    def __init__(self, worker: "PrintWorker", printer_url: str):
        self.worker, self.printer_url = worker, printer_url
        self.wakeup = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"print-line {printer_url}", daemon=True)

    def _run(self) -> None:
        idle_since = time.monotonic()
        while not self.worker.stopping.is_set():
            self.wakeup.wait(self.worker.interval)
            self.wakeup.clear()
            try:
                with self.worker.app.app_context():
                    # a full batch may have more behind it
                    while not self.worker.stopping.is_set() and process_printer(self.printer_url):
                        idle_since = time.monotonic()
            except Exception:  # keep the line for the rest of the day whatever one round did
                log.exception("print line %s: round failed", self.printer_url)
            if time.monotonic() - idle_since > LINE_IDLE_SECONDS and self.worker.retire(self):
                return


class PrintWorker:
    def __init__(self, app, interval: float = 1.0):
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._lines: dict[str, PrintLine] = {}
        self._lines_lock = threading.Lock()
        self._threads = []
        self.stopping = threading.Event()

    def start(self) -> None:
        if not self._threads:
            self._threads = [threading.Thread(target=self._dispatch, name="print-worker", daemon=True),
                             threading.Thread(target=self._watch, name="watch", daemon=True)]
            for thread in self._threads:
                thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        """End every thread after its current round (tests; a server simply exits)."""
        self.stopping.set()
        self._wake.set()
        with self._lines_lock:
            lines = list(self._lines.values())
        for line in lines:
            line.wakeup.set()
        for thread in [*self._threads, *(line.thread for line in lines)]:
            thread.join(timeout)

    def lines(self) -> list[str]:
        """Printer URLs that have a line thread now (for tests and figures)."""
        with self._lines_lock:
            return list(self._lines)

    def retire(self, line: PrintLine) -> bool:
        """Let an idle line end, unless it was woken meanwhile (then it stays)."""
        with self._lines_lock:
            if line.wakeup.is_set():
                return False
            self._lines.pop(line.printer_url, None)
            return True

    def _serve(self, printer_url: str) -> None:
        """Wake the printer's line, starting it if it has none."""
        with self._lines_lock:
            line = self._lines.get(printer_url)
            if line is None:
                if self.stopping.is_set():
                    return
                line = self._lines[printer_url] = PrintLine(self, printer_url)
                line.thread.start()
            line.wakeup.set()

    def _dispatch(self) -> None:
        while not self.stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self.stopping.is_set():
                return
            try:
                with self.app.app_context():
                    release_stale_claims()
                    for printer_url in pending_printers():
                        self._serve(printer_url)
            except Exception:
                log.exception("print dispatcher round failed")

    def _watch(self) -> None:
        last_purge = float("-inf")
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    with write_transaction():
                        flag_overdue(current_site())
                    if time.monotonic() - last_purge > PURGE_SECONDS:
                        last_purge = time.monotonic()
                        purge_personal_data()
            except Exception:  # keep watching for the rest of the day whatever one round did
                log.exception("watch round failed")
            self.stopping.wait(WATCH_SECONDS)


def wake_print_worker(app) -> None:
    worker = app.extensions.get("print_worker")
    if worker is not None:
        worker.wake()
