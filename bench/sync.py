"""Sync figures for `make bench`: central taking events over HTTP, a site catching up after 30 days
offline, 200 sites syncing at once, and central's public tracking page.

Central is the real thing: gunicorn on a fresh PostgreSQL database (dropped at the end), rate limits
counted in Redis. One site is real too: a SQLite site enrolled with central over HTTP, which makes a
busy day with the domain operations (DAY_TICKETS tickets issued, called and finished; DAY_DOSSIERS
dossiers received, transferred, made ready and returned). That day's log is copied with fresh ids,
dates and clock values (bench.events._days) for the days before it:
  1. ingest: copied days pushed by one client in batches of PUSH_BATCH, the request bodies made
     beforehand (what is timed is central, not the client's JSON encoding);
  2. catch-up: the site offline for CATCHUP_DAYS days (its day, and copies loaded into its database
     as a replay loads them), then one `sync.site.sync_round()` over HTTP: every push, then the pulls;
  3. SITES more sites added at central, each pushing its own batches from a thread of its own, all
     at once, then pulling once (each sends the day's first tickets and dossiers rewritten as its
     own: its id, clock node and agency code, fresh ids);
  4. tracking: `/T/<code>?K=<check>` of dossiers central holds, 8 clients in 2 processes, rate
     limits off, gunicorn with 2 × cores + 1 workers.
Each figure's CPU split (central's processes, PostgreSQL, the client) is in *_cpu_cores: other
work on the machine shows up there as cores nobody here used.
`python -m bench.sync` runs this part alone and prints its figures (results.json holds whole runs);
BENCH_SYNC_CATCHUP_DAYS=5 makes the catch-up shorter while working on it.
"""

import base64
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

DAY_TICKETS = 1_500
DAY_DOSSIERS = 300
GROUP = 50  # tickets per issuance group, as the kiosk issues them
INGEST_EVENTS = 50_000  # at least, in whole copied days
PUSH_BATCH = 500  # sync.central.MAX_BATCH
CATCHUP_DAYS = int(os.environ.get("BENCH_SYNC_CATCHUP_DAYS", 30))
SITES = 200
SITE_BATCHES, SITE_BATCH = 5, 20  # a site that syncs every few seconds sends a few events
CENTRAL_WORKERS = 3
# The tracking page: gthread workers, measured against sync ones on this 2-core machine (5 workers,
# 8 clients, 02/12/2026, the machine shared with other work): 208 vs 69 requests/s, p50 20 vs
# 106 ms; one client alone: 117 vs 18 requests/s. With sync workers every request is a TCP
# connection of its own (connect, accept, close; each accept wakes every idle worker), and a
# worker sits idle through each of PostgreSQL's round trips; gthread keeps the clients'
# connections open and overlaps one thread's database wait with another's Python.
TRACKING_WORKERS = 2 * (os.cpu_count() or 1) + 1
TRACKING_THREADS_PER_WORKER = 4
TRACKING_PROCESSES, TRACKING_CLIENT_THREADS = 2, 4  # 8 clients
TRACKING_SECONDS = 6
TRACKING_CODES = 2_000
HTTP_TIMEOUT = 60  # seconds, any one request
# Production's SYNC_LIMIT_PER_SITE (600 a minute) would cap one site's catch-up at 5,000 events/s;
# the bench measures central, so it lifts the limit (still counted in Redis on every call).
SYNC_LIMIT = "1000000 per minute"
REAL_SITE, REAL_PREFIX = "000.00.12.H56", "tancuong"  # sync.demo's first site and its accounts
APPLICANT = {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001090123456",
             "applicant_phone": "0912345678", "applicant_address": "Số 5 ngõ 12, xóm Chè Đỗ"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# ---- Central -------------------------------------------------------------------------------

def central_server(folder: Path, database_url: str, workers: int, threads: int = 0, env: dict | None = None):
    """gunicorn serving central (tests.support.central_server), sync workers or gthread ones."""
    from tests.support.central_server import CentralServer

    class Central(CentralServer):
        def _command(self) -> list[str]:
            command = super()._command()
            extra = ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
            return command[:-1] + extra + command[-1:]

    env = {"FLASK_SYNC_LIMIT_PER_SITE": SYNC_LIMIT, **(env or {})}
    return Central(folder, database_url, workers=workers, env=env)


def central_app(database_url: str, folder: Path):
    """Central's app in this process: reference data, and reading what central holds."""
    from motcua import create_app
    from tests.support.central_server import REDIS_URI

    return create_app({"INSTANCE_PATH": str(folder), "ROLE": "central", "EVENT_GUARD": "raise",
                       "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": REDIS_URI})


def seed_central(app) -> tuple[str, list[tuple[str, str, str]]]:
    """The demo province (sites, procedures, accounts) and SITES more sites: the real site's
    credential, and each added site's (id, agency code, credential)."""
    from motcua.transactions import write_transaction
    from sync.demo import seed_reference
    from sync.provision import add_site

    with app.app_context():
        with write_transaction():
            credentials = seed_reference()
        with write_transaction():
            added = [add_site(f"000.{n // 100:02d}.{n % 100:02d}.B99", f"Điểm tiếp nhận mô phỏng {n + 1}",
                              "commune_centre") for n in range(SITES)]
            sites = [(str(site.id), site.agency_code, credential) for site, credential in added]
    return credentials[REAL_SITE], sites


def analyze(database_url: str) -> None:
    """Refresh the planner's statistics, as autovacuum would have by then. This machine's server
    runs with autovacuum off: a table that grew from empty keeps no statistics, and central's
    look-ups by aggregate then scan every event of the type (47 ms a batch at 100,000 events)."""
    import psycopg

    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("ANALYZE")


# ---- The real site --------------------------------------------------------------------------

def enrolled_site(folder: Path, central_url: str, credential: str):
    """A migrated site enrolled with central over HTTP (its layout pushed, the catalogue pulled)."""
    from flask_migrate import upgrade

    from motcua import create_app
    from sync.site import enrol

    app = create_app({"INSTANCE_PATH": str(folder), "ROLE": "site", "EVENT_GUARD": "raise",
                      "SQLITE_CACHE_MB": 256, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        enrol(central_url, credential)
    return app


def busy_day(app) -> None:
    """DAY_TICKETS tickets issued in groups, called and finished at counter 1; DAY_DOSSIERS dossiers
    received, transferred, made ready and returned. Not synced: the site is offline from now on."""
    from sqlalchemy import select

    from domain import lifecycle, tickets
    from domain.counters import open_counter
    from domain.issuance import TicketRequest, issue_tickets
    from domain.site import current_site
    from models import Counter, Dossier, Queue, StaffUser
    from motcua.extensions import db
    from motcua.transactions import write_transaction

    def officer():
        username = f"{REAL_PREFIX}.canbo1"
        return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()

    def counter():
        return db.session.scalars(select(Counter).where(Counter.number == 1)).one()

    with app.app_context():
        with write_transaction():
            queues = db.session.scalars(select(Queue.id).where(Queue.letter.in_(["A", "B"]))).all()
            group = [TicketRequest(queue_id=str(queues[n % 2])) for n in range(GROUP)]
            for _ in range(DAY_TICKETS // GROUP):
                issue_tickets(current_site().id, group)
            open_counter(counter(), officer())
        for start in range(0, DAY_TICKETS + 1, 500):  # the last call finishes the last ticket
            with write_transaction():
                at, by = counter(), officer()
                for _ in range(start, min(start + 500, DAY_TICKETS + 1)):
                    tickets.call_next(at, by)
        with write_transaction():
            received = _receive_dossiers(officer())
        with write_transaction():
            site, by = current_site(), officer()
            for dossier in map(lambda dossier_id: db.session.get(Dossier, dossier_id), received):
                lifecycle.transfer(site, dossier, by, "Phòng chuyên môn")
                lifecycle.result_ready(site, dossier, by, "Đã ký")
                lifecycle.return_result(site, dossier, by, "applicant", True)


def _receive_dossiers(officer) -> list:
    from sqlalchemy import select

    from domain.dossiers import receive_dossier, validate_intake
    from domain.site import current_site
    from models import Procedure
    from motcua.extensions import db

    procedures = db.session.scalars(select(Procedure).where(Procedure.active.is_(True))
                                    .order_by(Procedure.code)).all()
    received = []
    for n in range(DAY_DOSSIERS):
        procedure = procedures[n % len(procedures)]
        intake = validate_intake(procedure, APPLICANT, set(range(len(procedure.documents))))
        received.append(receive_dossier(current_site(), officer, intake).id)
    return received


def site_day(app) -> tuple[list, list]:
    """The site's day in wire form (its ticket and dossier events), and its dossiers' keys."""
    from bench.events import _one_day

    _seed, day, keys = _one_day(app)
    return day, keys


def copied_days(app, day: list, keys: list, days: int):
    """The day again for each of the `days` days before it, earliest first, with fresh ids, dates
    and clock values (bench.events._days): (envelopes, keys) per day."""
    from bench.events import _days
    from domain.clock import business_date

    with app.app_context():
        today = business_date()
    return _days(day, keys, today, days)


def push_bodies(envelopes: list, keys: list, size: int) -> list[tuple[bytes, int]]:
    """Push request bodies of `size` events, each with its dossiers' keys: (body, events)."""
    keys = {str(k["subject_id"]): base64.b64encode(k["key"]).decode() for k in keys}
    bodies = []
    for start in range(0, len(envelopes), size):
        batch = envelopes[start:start + size]
        subjects = {e["aggregate_id"] for e in batch if e["aggregate_type"] == "dossier"}
        batch_keys = [{"subject_id": s, "key": keys[s]} for s in sorted(subjects) if s in keys]
        bodies.append((json.dumps({"events": batch, "keys": batch_keys}).encode(), len(batch)))
    return bodies


# ---- HTTP and CPU ---------------------------------------------------------------------------

class SyncClient:
    """The sync API with a site's credential over one http.client connection (reopened by itself
    after gunicorn's sync workers close it)."""

    def __init__(self, url: str, credential: str):
        parts = urlsplit(url)
        self.connection = HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
        self.headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json"}

    def push(self, body: bytes, expected: int) -> float:
        """POST one batch; every event must be stored. Returns the seconds it took."""
        status, answer, seconds = self._call("POST", "/api/v1/sync/push", body)
        if status != 200 or len(answer.get("stored", ())) != expected:
            summary = {k: (v[:2] if isinstance(v, list) else v) for k, v in answer.items()}
            raise RuntimeError(f"push answered HTTP {status}: {summary}")
        return seconds

    def pull(self, after: int) -> None:
        status, answer, _seconds = self._call("GET", f"/api/v1/sync/pull?after={after}&limit={PUSH_BATCH}")
        if status != 200:
            raise RuntimeError(f"pull answered HTTP {status}: {answer}")

    def _call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, float]:
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - start
        try:
            return response.status, json.loads(data), seconds
        except ValueError:
            return response.status, {"error": data[:200].decode(errors="replace")}, seconds

    def close(self) -> None:
        self.connection.close()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    """PostgreSQL's processes (its backends do the database's share of the work)."""
    found = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and Path(entry.path, "comm").read_text().strip() == "postgres":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class CpuMeter:
    """Cores used by central's processes, PostgreSQL and this process from start() to cores()."""

    def __init__(self, central):
        self.central = central
        self.first = self._now()

    def _now(self) -> dict:
        times = os.times()
        return {"central": {p: _cpu_seconds(p) for p in self.central.pids()},
                "postgres": {p: _cpu_seconds(p) for p in _postgres_pids()},
                "client": times.user + times.system, "at": time.perf_counter()}

    def start(self) -> "CpuMeter":
        self.first = self._now()
        return self

    def cores(self, prefix: str, client: bool = True) -> dict:
        last, first = self._now(), self.first
        seconds = last["at"] - first["at"]
        used = {name: sum(cpu - first[name].get(pid, 0.0) for pid, cpu in last[name].items())
                for name in ("central", "postgres")}
        if client:
            used["client"] = last["client"] - first["client"]
        return {f"{prefix}_{name}_cpu_cores": round(value / seconds, 2) for name, value in used.items()}


# ---- 1. Ingest ------------------------------------------------------------------------------

def bench_ingest(results: dict, central, credential: str, bodies: list, log) -> None:
    """One client pushes the bodies one after another."""
    client, times, events = SyncClient(central.url, credential), [], 0
    meter = CpuMeter(central)
    try:
        for body, count in bodies:
            times.append(client.push(body, count))
            events += count
    finally:
        client.close()
    seconds = time.perf_counter() - meter.first["at"]
    results.update(meter.cores("central_ingest"))
    results["central_ingest_events"] = events
    results["central_ingest_s"] = round(seconds, 1)
    results["central_ingest_events_per_s"] = round(events / seconds)
    results["central_ingest_batch_p50_ms"] = _ms(pct(times, 50))
    results["central_ingest_batch_p99_ms"] = _ms(pct(times, 99))
    log(f"sync: central took {events} events in {seconds:.1f} s ({events / seconds:.0f}/s; target "
        f"≥ 10,000/s), a batch of {PUSH_BATCH} p50 {_ms(pct(times, 50))} ms, p99 {_ms(pct(times, 99))} ms")


# ---- 2. A site back after 30 days offline ---------------------------------------------------------

def offline_days(app, copies) -> int:
    """Load the copied days into the site's database as a replay loads them (BulkLoader, a day a
    transaction): the days the site worked while central could not be reached."""
    from domain import replay
    from domain.apply import BulkLoader
    from motcua.transactions import write_transaction

    count = 0
    with app.app_context():
        loader = BulkLoader(validate=False, incremental=True)  # the site's own day is there already
        for envelopes, keys in copies:
            with write_transaction():
                replay.load_keys(keys)
                for env in envelopes:
                    loader.add(env)
                loader.flush()
            count += len(envelopes)
    return count


def bench_catchup(results: dict, app, central, log) -> None:
    """One sync round of the site, over HTTP: every waiting event pushed, then the pulls."""
    from sqlalchemy import func, select

    from models import SyncProblem
    from motcua.extensions import db
    from sync.site import sync_round, sync_state, waiting_count

    with app.app_context():
        waiting = waiting_count(sync_state())
        db.session.rollback()
        meter = CpuMeter(central)
        done = sync_round()
        seconds = time.perf_counter() - meter.first["at"]
        results.update(meter.cores("sync_catchup_30d"))
        problems = db.session.scalar(select(func.count()).select_from(SyncProblem))
        db.session.rollback()
    if done.pushed != waiting or problems:
        raise RuntimeError(f"catch-up: {done.pushed} of {waiting} events answered, {problems} not taken")
    results["sync_catchup_30d_days"] = CATCHUP_DAYS
    results["sync_catchup_30d_events"] = done.pushed
    results["sync_catchup_30d_pull_pages"] = done.pulled_pages
    results["sync_catchup_30d_s"] = round(seconds, 1)
    results["sync_catchup_events_per_s"] = round(done.pushed / seconds)
    log(f"sync: {CATCHUP_DAYS} days offline ({done.pushed} events) caught up in {seconds:.1f} s "
        f"({done.pushed / seconds:.0f}/s; target ≤ 10 s)")


# ---- 3. Many sites at once ------------------------------------------------------------------

class SiteTemplate:
    """The real site's first tickets and dossiers (SITE_BATCHES × SITE_BATCH events, in log
    order), to be written again as another site's: its id and clock node, its agency code in the
    dossier codes, fresh ids for all the events made. What they refer to that central already holds
    (queues, counters, procedures, accounts) stays as it is: central checks whose rows an event
    writes (sync.central._refusal), and the references exist."""

    def __init__(self, day: list, keys: list, site_id: str, agency_code: str):
        events = _first_aggregates(day, SITE_BATCHES * SITE_BATCH)
        self.keys = {str(k["subject_id"]): k["key"] for k in keys}
        self.made = {e[name] for e in events for name in ("aggregate_id", "id", "tx_id")}
        self.made |= {row["id"] for e in events for name, row in e["payload"].items() if name != "context"}
        self.site_id, self.node, self.agency = site_id, uuid.UUID(site_id).hex, agency_code + "-"
        token = "|".join([_UUID.pattern, re.escape(self.node), re.escape(self.agency)])
        self.parts = re.split(f"({token})", json.dumps(events))  # literal, token, literal, …

    def bodies(self, site_id: str, agency_code: str) -> list[tuple[bytes, int]]:
        """The template as `site_id`'s events, in push bodies of SITE_BATCH events."""
        from domain.ids import uuid7

        fresh = {old: str(uuid7()) for old in self.made}
        fresh.update({self.site_id: site_id, self.node: uuid.UUID(site_id).hex,
                      self.agency: agency_code + "-"})
        text = "".join(fresh.get(part, part) if n % 2 else part for n, part in enumerate(self.parts))
        keys = [{"subject_id": fresh[old], "key": key} for old, key in self.keys.items() if old in fresh]
        return push_bodies(json.loads(text), keys, SITE_BATCH)


def _first_aggregates(day: list, count: int) -> list:
    """The day's events of its first tickets and dossiers (two tickets to a dossier) up to `count`."""
    by_kind: dict = {"ticket": {}, "dossier": {}}
    for env in day:
        by_kind[env["aggregate_type"]].setdefault(env["aggregate_id"], []).append(env)
    tickets, dossiers = list(by_kind["ticket"].values()), list(by_kind["dossier"].values())
    chosen, total = set(), 0
    for n in range(min(len(dossiers), len(tickets) // 2)):
        for events in (tickets[2 * n], tickets[2 * n + 1], dossiers[n]):
            if total + len(events) <= count:
                chosen.add(events[0]["aggregate_id"])
                total += len(events)
        if total >= count - 2:
            break
    return [env for env in day if env["aggregate_id"] in chosen]


def bench_many_sites(results: dict, central, template: SiteTemplate, sites: list, head: int, log) -> None:
    """Every site pushes its batches from a thread of its own, all at once, then pulls once (after
    `head`, central's feed position before they started: an up-to-date site's pull)."""
    work = [(credential, template.bodies(site_id, agency)) for site_id, agency, credential in sites]
    lock, times, failures = threading.Lock(), [], []
    barrier = threading.Barrier(len(work) + 1)

    def site(credential: str, bodies: list) -> None:
        client = SyncClient(central.url, credential)
        try:
            barrier.wait(timeout=120)
            mine = [client.push(body, count) for body, count in bodies]
            client.pull(head)
            with lock:
                times.extend(mine)
        except Exception as error:  # noqa: BLE001 - counted, and the first one raised below
            with lock:
                failures.append(f"{type(error).__name__}: {str(error)[:200]}")
        finally:
            client.close()

    threads = [threading.Thread(target=site, args=item, daemon=True) for item in work]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    meter = CpuMeter(central)
    for thread in threads:
        thread.join(timeout=max(1.0, meter.first["at"] + 10 * HTTP_TIMEOUT - time.perf_counter()))
    seconds = time.perf_counter() - meter.first["at"]
    results.update(meter.cores("sync_200_sites"))
    if failures or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"{len(failures)} of {len(work)} sites failed, e.g. {failures[:1]}")
    events = sum(count for _credential, bodies in work for _body, count in bodies)
    results["sync_200_sites_events"] = events
    results["sync_200_sites_batch_events"] = SITE_BATCH
    results["sync_200_sites_s"] = round(seconds, 1)
    results["sync_200_sites_events_per_s"] = round(events / seconds)
    results["sync_200_sites_batch_p50_ms"] = _ms(pct(times, 50))
    results["sync_200_sites_batch_p99_ms"] = _ms(pct(times, 99))
    log(f"sync: {len(work)} sites at once pushed {events} events in {seconds:.1f} s "
        f"({events / seconds:.0f}/s) and pulled; a batch of {SITE_BATCH} p50 {_ms(pct(times, 50))} ms, "
        f"p99 {_ms(pct(times, 99))} ms")


# ---- 4. The public tracking page --------------------------------------------------------------

def tracking_paths(app) -> list[str]:
    """`/T/<code>?K=<check>` of dossiers central holds, as their receipts' QR codes print them."""
    from sqlalchemy import func, select

    from models import Dossier
    from motcua.extensions import db

    with app.app_context():
        rows = db.session.execute(select(Dossier.code, Dossier.check).where(Dossier.code.is_not(None))
                                  .order_by(func.random()).limit(TRACKING_CODES)).all()
        db.session.rollback()
    return [f"/T/{code}?K={check}" for code, check in rows]


def tracking_client(url: str, paths: list, start_at: float, seconds: float, threads: int) -> dict:
    """One client process: `threads` keep-alive connections asking for the pages in turn from
    `start_at` (wall clock) for `seconds`: answers, errors, latencies, this process's CPU seconds."""
    parts = urlsplit(url)
    lock, counts, latencies = threading.Lock(), {"answers": 0, "errors": 0}, []

    def client(offset: int) -> None:
        connection = HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
        mine, errors, n = [], 0, offset
        while time.time() < start_at + seconds:
            begin = time.perf_counter()
            connection.request("GET", paths[n % len(paths)])
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - begin)
            errors += response.status != 200
            n += 1
        connection.close()
        with lock:
            counts["answers"] += len(mine) - errors
            counts["errors"] += errors
            latencies.extend(mine)

    time.sleep(max(0.0, start_at - time.time()))
    before = os.times()
    pool = [threading.Thread(target=client, args=(n * len(paths) // threads,), daemon=True)
            for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 2 * HTTP_TIMEOUT)
    after = os.times()
    cpu = after.user + after.system - before.user - before.system
    return {**counts, "latencies": latencies, "cpu_s": cpu}


def tracking_rate(url: str, paths: list, folder: Path) -> dict:
    """TRACKING_PROCESSES × TRACKING_CLIENT_THREADS clients for TRACKING_SECONDS. The clients are
    processes of their own (`python -m bench.sync tracking-client …`): in one Python process the
    clients' side of HTTP would have one core at most."""
    listing = folder / "tracking-paths.json"
    listing.write_text(json.dumps(paths))
    start_at = time.time() + 3.0  # every client process is up by then
    command = [sys.executable, "-m", "bench.sync", "tracking-client", url, str(listing), str(start_at),
               str(TRACKING_SECONDS), str(TRACKING_CLIENT_THREADS)]
    root = Path(__file__).resolve().parent.parent
    clients = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE) for _ in range(TRACKING_PROCESSES)]
    answers = []
    try:
        for client in clients:
            out, _err = client.communicate(timeout=TRACKING_SECONDS + 2 * HTTP_TIMEOUT + 30)
            answers.append(json.loads(out))
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait(10)
    latencies = [t for answer in answers for t in answer["latencies"]]
    return {"rps": sum(a["answers"] for a in answers) / TRACKING_SECONDS,
            "errors": sum(a["errors"] for a in answers), "p50": pct(latencies, 50), "p99": pct(latencies, 99),
            "client_cpu_cores": sum(a["cpu_s"] for a in answers) / TRACKING_SECONDS}


def bench_tracking(results: dict, folder: Path, database_url: str, paths: list, log) -> None:
    """The public tracking page at central (gthread workers: see TRACKING_WORKERS), rate limits off."""
    unlimited = {"FLASK_RATELIMIT_ENABLED": "false", "FLASK_TRACKING_LOOKUPS_PER_MINUTE": str(10**9)}
    central = central_server(folder, database_url, TRACKING_WORKERS, TRACKING_THREADS_PER_WORKER, unlimited)
    try:
        central.start(timeout=60)
        meter = CpuMeter(central)
        figures = tracking_rate(central.url, paths, folder)
        results.update(meter.cores("central_tracking", client=False))
    finally:
        central.stop()
    if figures["errors"]:
        raise RuntimeError(f"tracking: {figures['errors']} answers were not 200")
    results["central_tracking_workers"] = f"{TRACKING_WORKERS} gthread, {TRACKING_THREADS_PER_WORKER} threads"
    results["central_tracking_client_cpu_cores"] = round(figures["client_cpu_cores"], 2)
    results["central_tracking_rps_8_clients"] = round(figures["rps"], 1)
    results["central_tracking_p50_ms"] = _ms(figures["p50"])
    results["central_tracking_p99_ms"] = _ms(figures["p99"])
    log(f"sync: central's tracking page, 8 clients: {figures['rps']:.0f}/s (target ≥ 1,000/s), "
        f"p50 {_ms(figures['p50'])} ms, p99 {_ms(figures['p99'])} ms")


# ---- The whole part ----------------------------------------------------------------------------

def run(results: dict, workdir: Path, log) -> None:
    from tests.support.central_server import drop_database, fresh_database, postgres_unavailable

    reason = postgres_unavailable()
    if reason:
        log(f"sync: skipped ({reason})")
        results["sync_skipped"] = reason
        return
    start = time.perf_counter()
    database_url = fresh_database("motcua_bench_sync")
    central = central_server(workdir / "central", database_url, CENTRAL_WORKERS)
    apps = []
    try:
        _run_phases(results, workdir, database_url, central, apps, log)
    finally:
        try:
            central.kill()
            _dispose(apps)
        finally:
            drop_database(database_url)
    results["sync_bench_s"] = round(time.perf_counter() - start, 1)


def _run_phases(results: dict, workdir: Path, database_url: str, central, apps: list, log) -> None:
    central.prepare()
    apps.append(central_app(database_url, workdir / "central"))
    credential, sites = seed_central(apps[0])
    central.start(timeout=60)
    start = time.perf_counter()
    apps.append(enrolled_site(workdir / "site", central.url, credential))
    busy_day(apps[1])
    day, keys = site_day(apps[1])
    results["sync_site_day_events"] = len(day)
    results["sync_site_day_build_s"] = round(time.perf_counter() - start, 1)
    log(f"sync: central up, a site enrolled and its day made ({DAY_TICKETS} tickets, {DAY_DOSSIERS} "
        f"dossiers: {len(day)} events) in {results['sync_site_day_build_s']} s")

    ingest_days = math.ceil(INGEST_EVENTS / len(day))
    copies = copied_days(apps[1], day, keys, ingest_days + CATCHUP_DAYS - 1)  # the site's own day is the last
    bodies = [body for _ in range(ingest_days) for body in push_bodies(*next(copies), PUSH_BATCH)]
    analyze(database_url)
    bench_ingest(results, central, credential, bodies, log)
    del bodies

    start = time.perf_counter()
    offline_days(apps[1], copies)
    results["sync_catchup_30d_build_s"] = round(time.perf_counter() - start, 1)
    analyze(database_url)
    bench_catchup(results, apps[1], central, log)

    analyze(database_url)
    template = SiteTemplate(day, keys, *_real_site(apps[1]))
    bench_many_sites(results, central, template, sites, _feed_head(apps[0]), log)
    central.stop()
    analyze(database_url)
    bench_tracking(results, workdir / "central", database_url, tracking_paths(apps[0]), log)


def _real_site(app) -> tuple[str, str]:
    from domain.site import current_site

    with app.app_context():
        site = current_site()
        return str(site.id), site.agency_code


def _feed_head(app) -> int:
    from motcua.extensions import db
    from sync.central import feed_head

    with app.app_context():
        head = feed_head()
        db.session.rollback()
    return head


def _dispose(apps: list) -> None:
    from motcua.extensions import db
    from motcua.transactions import release_writer_lock_file

    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    release_writer_lock_file()


def main() -> None:
    """Run this part alone and print its figures; or, as `tracking-client URL PATHS START SECONDS
    THREADS`, be one of the tracking benchmark's client processes."""
    if sys.argv[1:2] == ["tracking-client"]:
        url, listing, start_at, seconds, threads = sys.argv[2:7]
        paths = json.loads(Path(listing).read_text())
        print(json.dumps(tracking_client(url, paths, float(start_at), float(seconds), int(threads))))
        return
    import signal

    from bench.run import log

    def on_term(signum, _frame):  # unwind, so central's processes and the database go too
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    figures: dict = {}
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-sync-"))
    try:
        run(figures, workdir, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
