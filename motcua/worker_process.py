"""The site worker (motcua.worker: print lines and the watch) in a process of its own.

Rendering tickets and talking to printers is CPU and waiting that has nothing to do with answering
a kiosk: in the web process it competed with the requests for Python's one interpreter lock. The
web server (wsgi.py) starts this process beside itself and wakes its print lines after each commit
that queued a print job, with a datagram on a UNIX socket in the instance folder; the print lines
also look for work every second by themselves, so a lost wake-up only delays a job by that much.
It ends with its parent (PR_SET_PDEATHSIG, and a check of the parent's pid), so a killed server
leaves nothing behind.

Run by hand: `python -m motcua.worker_process` (with MOTCUA_INSTANCE_PATH set like the server's).
"""

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)
SOCKET_NAME = "worker.sock"
PR_SET_PDEATHSIG = 1
NICENESS = 5


def socket_path(app) -> Path:
    return Path(app.instance_path) / SOCKET_NAME


class SiteWorkerProcess:
    """The web process's handle on its site worker: start it, wake its print lines."""

    def __init__(self, app):
        self.path = str(socket_path(app))
        self.process = None
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "motcua.worker_process"],
                                        env={**os.environ, "MOTCUA_WORKER_PARENT": str(os.getpid())})

    def wake_print_lines(self) -> None:
        try:
            self._sender.sendto(b"!", self.path)
        except OSError:  # not listening yet, or its buffer is full of wake-ups already: it will look
            pass


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        log.warning("prctl unavailable: the worker notices its parent's end within a second")
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(0)


def serve() -> None:
    """Run the site worker (print lines and the watch) until the parent web server ends."""
    from motcua import create_app

    from .worker import SiteWorker

    # Ctrl+C at `make run` is for the web server; this process ends with it (below).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = int(os.environ.get("MOTCUA_WORKER_PARENT", os.getppid()))
    _die_with_parent(parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.nice(NICENESS)  # printing is background work: a kiosk's answer goes first on a busy CPU
    app = create_app({"START_WORKERS": False})
    path = socket_path(app)
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.settimeout(1.0)
    worker = SiteWorker(app)
    app.extensions["site_worker"] = worker
    worker.start()
    log.info("site worker process %d serving %s", os.getpid(), app.instance_path)
    while os.getppid() == parent:  # the timeout only bounds how late a dead parent is noticed
        try:
            listener.recv(64)
        except TimeoutError:
            continue  # the print lines look by themselves every second anyway
        worker.wake_print_lines()


if __name__ == "__main__":
    serve()
