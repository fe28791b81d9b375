"""A real site server for tests and benchmarks: migrated, seeded, served by waitress."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_instance(instance: Path, env: dict | None = None) -> dict:
    """Migrate and seed a site in `instance`; return the environment to run it with."""
    instance.mkdir(parents=True, exist_ok=True)
    # Tickets at any hour (opening hours off) unless `env` turns them on: tests and benchmarks run at night.
    full_env = {**os.environ, "MOTCUA_INSTANCE_PATH": str(instance), "FLASK_EVENT_GUARD": "raise",
                "FLASK_KIOSK_HOURS_ENFORCED": "false", **(env or {})}
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "motcua", *args], cwd=ROOT, env=full_env,
                       check=True, capture_output=True, timeout=60)
    return full_env


class LiveServer:
    """waitress-serve wsgi:app on 127.0.0.1, started and killed like the real thing."""

    def __init__(self, instance: Path, env: dict | None = None, threads: int = 8):
        self.instance = instance
        self.env = prepare_instance(instance, env)
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = instance / "server.log"

    def start(self, timeout: float = 90) -> "LiveServer":  # a loaded 2-core machine took over 20 s
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [str(BIN / "waitress-serve"), "--host=127.0.0.1", f"--port={self.port}",
                 f"--threads={self.threads}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/kiosk", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, like a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def database(self) -> Path:
        return self.instance / "motcua.sqlite3"


CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
QUEUE = re.compile(r'hx-get="/kiosk/queues/([0-9a-f-]+)"[^>]*data-queue="([A-Z])"')
TICKET = re.compile(r'id="ticket-number">([A-Z]\d+)<')


class KioskClient:
    """What a kiosk browser does, over HTTP: load the page, then take tickets."""

    def __init__(self, base_url: str, timeout: float = 10):
        self.base = base_url
        self.http = requests.Session()
        self.timeout = timeout
        page = self.http.get(base_url + "/kiosk", timeout=timeout)
        self.token = CSRF.search(page.text).group(1)
        self.queues = {letter: qid for qid, letter in QUEUE.findall(page.text)}

    def take(self, letter: str, priority: str = "", request_key: str | None = None):
        """Return (status, ticket code or None, response)."""
        response = self.http.post(
            self.base + "/kiosk/tickets",
            data={"queue_id": self.queues[letter], "priority": priority,
                  "request_key": request_key or os.urandom(9).hex()},
            headers={"HX-Request": "true", "X-CSRFToken": self.token},
            timeout=self.timeout,
        )
        match = TICKET.search(response.text)
        return response.status_code, match.group(1) if match else None, response


def staff_session(base_url: str, username: str, password: str = "motcua-demo") -> tuple:
    """Log a staff member in over HTTP; return (session, csrf token)."""
    http = requests.Session()
    page = http.get(base_url + "/login", timeout=10)
    token = CSRF.search(page.text).group(1)
    page = http.post(base_url + "/login", data={"username": username, "password": password,
                                                "csrf_token": token}, timeout=10)
    return http, CSRF.search(page.text).group(1)
