"""A site's background work, beside its web server: the print lines, the watch and the sync loop.

`SiteWorker` runs three parts, each in threads of its own:

- the **print lines** (`PrintLines`): a dispatcher, woken after each commit that queued a print job,
  starts (or wakes) one line thread per printer with jobs waiting, so a printer that hangs holds
  only its own jobs. A line sends its printer's jobs once each, in order, and ends after a minute
  with nothing to do.
- the **watch** (`Watch`): chores on a schedule, each in short writes of its own: flag dossiers
  that passed their date, so none goes overdue silently; close counters whose officer's session
  expired without the browser coming back; erase personal data from print jobs past their
  reprint window, and from dossiers closed longer than their retention period (domain.retention).
- the **sync loop** (`SyncLoop`): while the site is enrolled with central, pushes its events and pulls
  central's (sync.site), backing off with jitter when central cannot be reached.

The server runs it in a process of its own (motcua.worker_process); only a site runs one.
"""

import logging
import random
import threading
import time

from domain.clock import utcnow
from domain.counters import close_abandoned
from domain.lifecycle import flag_overdue
from domain.print_line import pending_printers, process_printer, release_stale_claims
from domain.print_retention import purge_personal_data
from domain.retention import delete_scans, erase_expired
from domain.site import current_site

from .transactions import write_transaction

log = logging.getLogger(__name__)
LINE_IDLE_SECONDS = 60
WATCH_SECONDS = 30  # between the watch's rounds


def flag_overdue_dossiers() -> None:
    with write_transaction():
        flag_overdue(current_site())


def close_abandoned_counters() -> None:
    with write_transaction():
        close_abandoned(current_site(), utcnow())


def erase_expired_personal_data() -> None:
    """Dossiers closed longer ago than PERSONAL_DATA_RETENTION_DAYS lose their personal data."""
    with write_transaction():
        _count, files = erase_expired(current_site())
    delete_scans(files)


# The watch's chores and how often each runs, in seconds (every chore runs in the first round).
CHORES = ((flag_overdue_dossiers, 60), (close_abandoned_counters, 30), (purge_personal_data, 600),
          (erase_expired_personal_data, 3600))


class PrintLine:
    """A thread that serves one printer URL."""

    def __init__(self, lines: "PrintLines", printer_url: str):
        self.lines, self.printer_url = lines, printer_url
        self.wakeup = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"print-line {printer_url}", daemon=True)

    def _run(self) -> None:
        lines, idle_since = self.lines, time.monotonic()
        while not lines.stopping.is_set():
            self.wakeup.wait(lines.interval)
            self.wakeup.clear()
            try:
                with lines.app.app_context():
                    # a full batch may have more behind it
                    while not lines.stopping.is_set() and process_printer(self.printer_url):
                        idle_since = time.monotonic()
            except Exception:  # keep the line for the rest of the day whatever one round did
                log.exception("print line %s: round failed", self.printer_url)
            if time.monotonic() - idle_since > LINE_IDLE_SECONDS and lines.retire(self):
                return


class PrintLines:
    """The dispatcher thread and the line it keeps for each printer with jobs waiting."""

    def __init__(self, app, interval: float, stopping: threading.Event):
        self.app, self.interval, self.stopping = app, interval, stopping
        self._wake = threading.Event()
        self._lines: dict[str, PrintLine] = {}
        self._lines_lock = threading.Lock()
        self.thread = threading.Thread(target=self._dispatch, name="print-dispatcher", daemon=True)

    def wake(self) -> None:
        self._wake.set()

    def urls(self) -> list[str]:
        with self._lines_lock:
            return list(self._lines)

    def stop(self, timeout: float) -> None:
        """Wake the dispatcher and every line so they see `stopping`, and wait for them."""
        self._wake.set()
        with self._lines_lock:
            lines = list(self._lines.values())
        for line in lines:
            line.wakeup.set()
        for thread in [self.thread, *(line.thread for line in lines)]:
            thread.join(timeout)

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


class Watch:
    """The thread that runs each chore when it is due, whatever another chore did."""

    def __init__(self, app, stopping: threading.Event):
        self.app, self.stopping = app, stopping
        self.thread = threading.Thread(target=self._run, name="watch", daemon=True)

    def _run(self) -> None:
        round_number = 0
        while not self.stopping.is_set():
            for chore, seconds in CHORES:
                if round_number % max(1, round(seconds / WATCH_SECONDS)) == 0:
                    self._run_chore(chore)
            round_number += 1
            self.stopping.wait(WATCH_SECONDS)

    def _run_chore(self, chore) -> None:
        try:
            with self.app.app_context():
                chore()
        except Exception:  # keep watching for the rest of the day whatever one round did
            log.exception("watch: %s failed", chore.__name__)


class SyncLoop:
    """The thread that syncs with central while the site is enrolled: a round every
    SYNC_INTERVAL_SECONDS; after a failure it waits twice as long each time, up to
    SYNC_BACKOFF_MAX_SECONDS, with jitter (sites coming back after an outage do not all call at once).
    It never holds the writer queue while it waits on the network (sync.site)."""

    def __init__(self, app, stopping: threading.Event):
        self.app, self.stopping = app, stopping
        self.thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self.rounds = 0

    def delay_after(self, failures: int) -> float:
        interval = float(self.app.config["SYNC_INTERVAL_SECONDS"])
        if failures == 0:
            return interval
        ceiling = min(float(self.app.config["SYNC_BACKOFF_MAX_SECONDS"]), interval * 2 ** min(failures, 20))
        return random.uniform(interval, max(interval, ceiling))  # "full jitter" above the interval

    def _run(self) -> None:
        from sync.site import SyncFailed, enrolled, sync_round

        failures = 0
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    if enrolled():
                        sync_round()
                        failures = 0
            except SyncFailed as error:
                failures += 1
                log.info("sync: %s (attempt %d)", error, failures)
            except Exception:  # keep trying for the rest of the day whatever one round did
                failures += 1
                log.exception("sync: round failed")
            self.rounds += 1
            self.stopping.wait(self.delay_after(failures))


class SiteWorker:
    """A site's background work, run in threads: the print lines, the watch and the sync loop."""

    def __init__(self, app, interval: float = 1.0):
        self.stopping = threading.Event()
        self.print_lines = PrintLines(app, interval, self.stopping)
        self.watch = Watch(app, self.stopping)
        self.sync = SyncLoop(app, self.stopping)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.print_lines.thread.start()
            self.watch.thread.start()
            self.sync.thread.start()

    def wake_print_lines(self) -> None:
        """A job was queued: look for work now rather than at the next interval."""
        self.print_lines.wake()

    def stop(self, timeout: float = 30) -> None:
        """End every thread after its current round (tests; a server simply exits)."""
        self.stopping.set()
        if self._started:
            self.print_lines.stop(timeout)
            self.watch.thread.join(timeout)
            self.sync.thread.join(timeout)

    def lines(self) -> list[str]:
        """Printer URLs that have a line thread now (for tests and figures)."""
        return self.print_lines.urls()


def wake_print_lines(app) -> None:
    """Wake the site worker's print lines (after a commit that queued a print job)."""
    worker = app.extensions.get("site_worker")
    if worker is not None:
        worker.wake_print_lines()
