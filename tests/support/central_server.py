"""A real central server (gunicorn, several workers, PostgreSQL) and enrolled site servers (waitress
and their worker process), run as processes for the multi-process sync tests.

Each server runs in a process group of its own (start_new_session), so kill() is a power cut: the
whole group gets SIGKILL — gunicorn's master and workers, waitress and the site worker process —
and kill() returns only once none of them is left running.
"""

import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import requests
from psycopg import sql

from tests.support.live_server import BIN, ROOT, free_port

POSTGRES = "postgres@127.0.0.1:5432"
ADMIN_DSN = f"postgresql://{POSTGRES}/postgres"
HEALTH_PATH = "/api/v1/health"
CREDENTIAL = re.compile(r"^credential: (\S+)$", re.MULTILINE)
REDIS_URI = "redis://127.0.0.1:6379/0"


# -- PostgreSQL ---------------------------------------------------------------------------------

def postgres_unavailable() -> str | None:
    """Why PostgreSQL on 127.0.0.1:5432 cannot be used, or None if it can."""
    try:
        with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL at {POSTGRES}: {exc}"
    return None


def _admin(statement, params=None) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=10) as conn:
        conn.execute(statement, params)


def fresh_database(name_prefix: str) -> str:
    """Create an empty database `<prefix>_<pid>_<random hex>`; return its SQLAlchemy URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", name_prefix):
        raise ValueError(f"database name prefix must be a short lower-case identifier: {name_prefix!r}")
    name = f"{name_prefix}_{os.getpid()}_{secrets.token_hex(6)}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql+psycopg://{POSTGRES}/{name}"


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def drop_database(url: str) -> None:
    """Drop the database of `url`, ending whatever is still connected to it first."""
    name = database_name(url)
    _admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _no_control_socket() -> list[str]:
    """gunicorn 24+ opens a control socket at one fixed path in $HOME: several centrals at once would
    take it from each other, so it is turned off where the option exists."""
    from gunicorn.config import KNOWN_SETTINGS

    flags = [setting.cli for setting in KNOWN_SETTINGS if setting.name == "control_socket_disable"]
    return list(flags[0][:1]) if flags and flags[0] else []


_NO_CONTROL_SOCKET = _no_control_socket()


# -- processes ----------------------------------------------------------------------------------

class CommandFailed(RuntimeError):
    def __init__(self, result: subprocess.CompletedProcess):
        self.result = result
        super().__init__(f"{' '.join(map(str, result.args))} exited {result.returncode}\n"
                         f"stdout: {result.stdout[-3000:]}\nstderr: {result.stderr[-3000:]}")


def _group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


class _ServerProcess:
    """A server started in a session of its own, polled until ready, killed as a group."""

    log_name = "server.log"

    def __init__(self, instance: Path, env: dict):
        self.instance = Path(instance)
        self.instance.mkdir(parents=True, exist_ok=True)
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.instance / self.log_name

    @property
    def pid(self) -> int:
        return self.process.pid

    def pids(self) -> list[int]:
        """Every live process of the server (e.g. gunicorn's master and workers)."""
        if self.process is None:
            return []
        return _group_members(self.process.pid)  # the group outlives its leader: look at all of it

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def flask(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run `flask --app motcua ARGS` with this server's environment; output as text."""
        result = subprocess.run([str(BIN / "flask"), "--app", "motcua", *map(str, args)], cwd=ROOT,
                                env=self.env, capture_output=True, encoding="utf-8", errors="replace",
                                timeout=timeout)
        if check and result.returncode != 0:
            raise CommandFailed(result)
        return result

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _ready(self) -> bool:
        raise NotImplementedError

    def start(self, timeout: float = 30):
        if self.running():
            raise RuntimeError("server already running")
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(self._command(), cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.log_name}: server exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if self._ready():
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _wait_group_gone(self, pgid: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while _group_members(pgid):
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of group {pgid} still alive: {_group_members(pgid)}")
            time.sleep(0.02)

    def kill(self, timeout: float = 10) -> None:
        """SIGKILL the whole process group — a power cut — and wait until none of it runs."""
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the leader's pid is the group id
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._wait_group_gone(pgid, timeout)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the server and let it end on its own; kill() whatever is left after `timeout`."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        pgid = self.process.pid
        deadline = time.monotonic() + timeout
        while _group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.kill()


class CentralServer(_ServerProcess):
    """gunicorn with `workers` processes serving the central role on `database_url`."""

    log_name = "central.log"

    def __init__(self, instance: Path, database_url: str, workers: int = 3, env: dict | None = None):
        self.database_url = database_url
        self.workers = workers
        super().__init__(instance, {
            **os.environ,
            "MOTCUA_INSTANCE_PATH": str(Path(instance)),
            "FLASK_ROLE": "central",
            "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
            "FLASK_EVENT_GUARD": "raise",
            "FLASK_RATELIMIT_STORAGE_URI": REDIS_URI,
            "FLASK_RATELIMIT_KEY_PREFIX": f"motcua-test-{os.getpid()}-{secrets.token_hex(6)}",
            **(env or {}),
        })

    def prepare(self) -> "CentralServer":
        """Migrate the database (`flask db upgrade`)."""
        self.flask("db", "upgrade", timeout=120)
        return self

    def add_site(self, agency_code: str, name: str, kind: str) -> str:
        """Register a site (`flask central add-site`); return the enrolment credential it prints."""
        result = self.flask("central", "add-site", agency_code, name, kind)
        match = CREDENTIAL.search(result.stdout)
        if not match:
            raise RuntimeError(f"no 'credential: ...' line in add-site's output:\n{result.stdout}")
        return match.group(1)

    def _command(self) -> list[str]:
        return [str(BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "60", "--graceful-timeout", "10", *_NO_CONTROL_SOCKET, "wsgi:app"]

    def _ready(self) -> bool:
        with requests.get(self.url + HEALTH_PATH, timeout=2) as response:
            return response.status_code == 200

    def start(self, timeout: float = 30) -> "CentralServer":
        return super().start(timeout)


class SiteServer(_ServerProcess):
    """A site enrolled with central: waitress serving wsgi:app, which starts the site worker
    process (print lines, the watch and the sync loop)."""

    log_name = "server.log"

    def __init__(self, instance: Path, central_url: str, credential: str, env: dict | None = None,
                 threads: int = 8):
        self.central_url = central_url
        self.credential = credential
        self.threads = threads
        super().__init__(instance, {
            **os.environ,
            "MOTCUA_INSTANCE_PATH": str(Path(instance)),
            "FLASK_EVENT_GUARD": "raise",
            "FLASK_SYNC_INTERVAL_SECONDS": "0.5",
            "FLASK_SYNC_BACKOFF_MAX_SECONDS": "2",
            "FLASK_KIOSK_HOURS_ENFORCED": "false",  # its kiosk gives tickets at any hour the test runs
            **(env or {}),
        })

    def prepare(self) -> "SiteServer":
        """Migrate the site's database, then enrol it with central (`flask sync enrol`)."""
        self.flask("db", "upgrade", timeout=120)
        self.flask("sync", "enrol", self.central_url, "--credential", self.credential, timeout=120)
        return self

    def _command(self) -> list[str]:
        return [str(BIN / "waitress-serve"), "--host=127.0.0.1", f"--port={self.port}",
                f"--threads={self.threads}", "wsgi:app"]

    def _ready(self) -> bool:
        with requests.get(self.url + "/kiosk", timeout=2) as response:
            return response.status_code == 200

    def start(self, timeout: float = 30) -> "SiteServer":
        return super().start(timeout)

    @property
    def database(self) -> Path:
        return self.instance / "motcua.sqlite3"
