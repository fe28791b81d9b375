"""`make bench`: ticket issuance, print drain, memory, ticket rendering and display polling.

Everything runs against 127.0.0.1 only: a waitress server (tests/support/live_server.py) on a
fresh, migrated and seeded SQLite instance in a temporary folder. Figures go to stdout as a
table and to bench/results.json as flat keys whose names carry their unit.

Phases (each bounded in time; the whole run stops by itself, ~4 minutes before phase 8):
  1. in-process: render_ticket + encode_raster_job at 384/512/576 dots
  2. HTTP, 1 client: tickets/s, p50/p99, then wait until every print job is 'sent'
  3. HTTP, 8 clients: the same
  4. display polling: GET /display/board?after=<latest> answered 204
  5. HTTP, 8 clients until 10,000 tickets exist; wait (bounded) for the print backlog; RSS
  6. mixed load (bench/mixed.py): kiosks, officers and the admin at once, one printer hanging
  7. event log (bench/events.py, ~40 s): payload validation, record(), replay of a site's log
  8. supervisor (bench/quality.py, ~1 min): the dashboard and the weekly report on the year phase 7 built
  9. sync (bench/sync.py, 5–10 min): central ingest over HTTP, a site's 30-day catch-up, 200 sites at
     once, central's tracking page (PostgreSQL + Redis on 127.0.0.1)
"""

import json
import math
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results.json"

SERVER_THREADS = 8  # LiveServer's default; `make run` uses 16
LETTERS = "ABCD"
WARMUP_TICKETS = 20
TICKETS_1C = 300
TICKETS_8C = 800
TOTAL_TICKETS = 10_000
CLIENTS = 8
DISPLAY_POLLS = 300
RENDER_WIDTHS = (384, 512, 576)
RENDER_TICKETS = 200
RENDER_WARMUP = 30

# Time budget (seconds from the start of the run); every loop checks one of these.
BUDGET_TOTAL = 230
DRAIN_TIMEOUT_PHASE = 60  # 1c / 8c phases: their backlog is small
FILL_DEADLINE = 180  # stop issuing towards 10k at this point even if not there
FINAL_DRAIN_DEADLINE = 205  # then wait for the print backlog at most until here

TARGETS = {  # key: (comparison, limit)
    "receipt_pdf_ms_p50_a4": ("<=", 60),
    "ticket_bytes_compact_576": ("<=", 8192),
    "ticket_issue_p99_ms_8c": ("<=", 50),
    "ticket_issue_rps_8c": (">=", 200),
    "ticket_end_to_end_rps_8c": (">=", 150),
    "mixed_request_max_ms": ("<=", 2000),
    "mixed_requests_5xx_or_failed": ("<=", 0),
    "server_rss_mb_after_10k": ("<=", 120),
    "central_ingest_events_per_s": (">=", 10_000),
    "sync_catchup_30d_s": ("<=", 10),
    "central_tracking_rps_8_clients": (">=", 1_000),
    "supervisor_dashboard_ms_day": ("<=", 300),
    "supervisor_dashboard_ms_year": ("<=", 300),
    **{f"ticket_render_encode_ms_{w}": ("<=", 20) for w in RENDER_WIDTHS},
}

T0 = time.monotonic()


def elapsed() -> float:
    return time.monotonic() - T0


def log(message: str) -> None:
    print(f"[{elapsed():6.1f}s] {message}", flush=True)


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def r(value, digits=2):
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- rendering


def render_payloads(n: int) -> list[dict]:
    from motcua.demo import QUEUES

    payloads = []
    for i in range(n):
        letter, name = QUEUES[i % 4][0], QUEUES[i % 4][1]
        payloads.append({
            "parent_agency": "Ủy ban nhân dân xã Tân Cương",
            "site_name": "Trung tâm Phục vụ hành chính công xã Tân Cương",
            "queue_name": name,
            "code": f"{letter}{(i * 37) % 1200 + 1:03d}",
            "priority": "Người cao tuổi" if i % 7 == 3 else None,
            "ahead": (i * 13) % 80,
            "wait_minutes": (i * 29) % 240,
            "issued_at": f"{7 + (i // 60) % 10:02d}:{i % 60:02d} {1 + i % 28:02d}/11/2026",
        })
    return payloads


def bench_render(results: dict) -> None:
    from hardware.escpos_job import encode_raster_job
    from hardware.ticket import render_ticket

    payloads = render_payloads(RENDER_TICKETS + RENDER_WARMUP)
    for width in RENDER_WIDTHS:
        for payload in payloads[:RENDER_WARMUP]:
            encode_raster_job(render_ticket(payload, width))
        times, sizes, heights, render_only = [], [], [], []
        for payload in payloads[RENDER_WARMUP:]:
            t = time.perf_counter()
            image = render_ticket(payload, width)
            t_mid = time.perf_counter()
            data = encode_raster_job(image)
            t_end = time.perf_counter()
            times.append((t_end - t) * 1000)
            render_only.append((t_mid - t) * 1000)
            sizes.append(len(data))
            heights.append(image.height)
        results[f"ticket_render_encode_ms_{width}"] = r(statistics.median(times), 3)
        results[f"ticket_render_encode_p99_ms_{width}"] = r(pct(times, 99), 3)
        results[f"ticket_render_only_ms_{width}"] = r(statistics.median(render_only), 3)
        results[f"ticket_bytes_{width}"] = int(statistics.median(sizes))
        results[f"ticket_bytes_max_{width}"] = max(sizes)
        results[f"ticket_height_dots_{width}"] = int(statistics.median(heights))
        log(f"render+encode {width} dots: median {statistics.median(times):.2f} ms, "
            f"{int(statistics.median(sizes))} bytes")


# --------------------------------------------------------------------------- server helpers


class JobWatcher:
    """Read-only view of the server's SQLite file (WAL readers never block its writers)."""

    def __init__(self, database: Path):
        self.conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5,
                                    check_same_thread=False)

    def counts(self) -> dict:
        return dict(self.conn.execute(
            "select status, count(*) from print_job group by status").fetchall())

    def tickets(self) -> int:
        return self.conn.execute("select count(*) from ticket").fetchone()[0]

    def last_sent_epoch(self) -> float | None:
        value = self.conn.execute("select max(sent_at) from print_job where status = 'sent'").fetchone()[0]
        if not value:
            return None
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()

    def wait_drained(self, expected_jobs: int, deadline: float, poll: float = 0.1) -> dict:
        """Wait until no job is pending/sending and all expected jobs exist; bounded by `deadline`."""
        counts = {}
        while True:
            counts = self.counts()
            busy = counts.get("pending", 0) + counts.get("sending", 0)
            if busy == 0 and sum(counts.values()) >= expected_jobs:
                return {"drained": True, "counts": counts}
            if elapsed() >= deadline:
                return {"drained": False, "counts": counts}
            time.sleep(poll)

    def close(self) -> None:
        self.conn.close()


def busy_jobs(counts: dict) -> int:
    return counts.get("pending", 0) + counts.get("sending", 0)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def self_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def read_rss(pid: int) -> dict:
    fields = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024  # kB → MB
    return fields


def issue(kiosk_clients: list, total: int, deadline: float, start_index: int = 0) -> dict:
    """Issue `total` tickets with len(kiosk_clients) concurrent clients (closed loop)."""
    lock = threading.Lock()
    next_index = [0]
    latencies: list[list[float]] = [[] for _ in kiosk_clients]
    starts, ends = [], []
    errors: list[str] = []
    barrier = threading.Barrier(len(kiosk_clients))

    def worker(slot: int) -> None:
        client = kiosk_clients[slot]
        barrier.wait(timeout=30)
        while elapsed() < deadline:
            with lock:
                i = next_index[0]
                if i >= total:
                    return
                next_index[0] += 1
            letter = LETTERS[(start_index + i) % len(LETTERS)]
            t = time.perf_counter()
            wall = time.time()
            try:
                status, code, _ = client.take(letter)
            except requests.RequestException as exc:
                status, code = f"{type(exc).__name__}", None
            t_end = time.perf_counter()
            with lock:
                starts.append((t, wall))
                ends.append(t_end)
                if status == 200 and code:
                    latencies[slot].append((t_end - t) * 1000)
                else:
                    errors.append(str(status))
                    if len(errors) > 50:  # something is badly wrong: stop this phase
                        next_index[0] = total

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(kiosk_clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - elapsed() + 15))
    flat = [x for per in latencies for x in per]
    first_perf, first_wall = min(starts) if starts else (time.perf_counter(), time.time())
    duration = (max(ends) - first_perf) if ends else 0.0
    return {
        "ok": len(flat),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "duration_s": duration,
        "rps": len(flat) / duration if duration > 0 else None,
        "p50": pct(flat, 50),
        "p90": pct(flat, 90),
        "p99": pct(flat, 99),
        "max": max(flat) if flat else None,
        "first_wall": first_wall,
        "first_perf": first_perf,
        "latencies": flat,
    }


def run_issue_phase(results: dict, label: str, clients: list, total: int, watcher: JobWatcher,
                    jobs_before: int, issue_deadline: float, drain_deadline: float,
                    start_index: int, server_pid: int) -> dict:
    log(f"{label}: issuing {total} tickets with {len(clients)} client(s)")
    server_cpu, client_cpu = cpu_seconds(server_pid), self_cpu_seconds()
    res = issue(clients, total, issue_deadline, start_index)
    if res["duration_s"] > 0:  # cores busy while issuing (this machine has os.cpu_count() of them)
        results[f"server_cpu_cores_{label}"] = r((cpu_seconds(server_pid) - server_cpu) / res["duration_s"])
        results[f"bench_client_cpu_cores_{label}"] = r((self_cpu_seconds() - client_cpu) / res["duration_s"])
    results[f"ticket_issue_rps_{label}"] = r(res["rps"], 1)
    results[f"ticket_issue_p50_ms_{label}"] = r(res["p50"])
    results[f"ticket_issue_p90_ms_{label}"] = r(res["p90"])
    results[f"ticket_issue_p99_ms_{label}"] = r(res["p99"])
    results[f"ticket_issue_max_ms_{label}"] = r(res["max"])
    results[f"ticket_issue_count_{label}"] = res["ok"]
    results[f"ticket_issue_errors_{label}"] = res["errors"]
    if res["error_samples"]:
        results[f"ticket_issue_error_samples_{label}"] = ", ".join(res["error_samples"])
    log(f"{label}: {res['ok']} ok, {res['errors']} errors in {res['duration_s']:.1f} s → "
        f"{res['rps'] or 0:.1f}/s, p50 {res['p50'] or 0:.1f} ms, p99 {res['p99'] or 0:.1f} ms")
    backlog = watcher.counts()
    results[f"print_jobs_pending_at_issue_end_{label}"] = busy_jobs(backlog)
    drained = watcher.wait_drained(jobs_before + res["ok"], drain_deadline)
    now_wall, now_perf = time.time(), time.perf_counter()
    counts = drained["counts"]
    results[f"print_jobs_drained_{label}"] = drained["drained"]
    results[f"print_jobs_failed_{label}"] = counts.get("failed", 0)
    if drained["drained"] and res["ok"]:
        last_sent = watcher.last_sent_epoch()
        # the server's sent_at (UTC, same clock) is sharper than our 0.1 s polling
        span = (last_sent - res["first_wall"]) if last_sent else (now_perf - res["first_perf"])
        span = max(span, res["duration_s"])
        results[f"ticket_end_to_end_s_{label}"] = r(span)
        results[f"ticket_end_to_end_rps_{label}"] = r(res["ok"] / span, 1)
        log(f"{label}: all print jobs sent {span:.1f} s after the first request → "
            f"{res['ok'] / span:.1f} tickets/s end to end")
    else:
        results[f"ticket_end_to_end_rps_{label}"] = None
        log(f"{label}: print jobs NOT drained in time: {counts}")
    res["jobs_total"] = sum(counts.values())
    res["wall_done"] = now_wall
    return res


def make_call(base_url: str) -> bool:
    """Log the demo officer in, sit at counter 1 and call the next ticket (a real board entry)."""
    from tests.support.live_server import CSRF, staff_session

    http, token = staff_session(base_url, "canbo1")
    page = http.get(base_url + "/counter", timeout=10).text
    match = re.search(r'name="counter_id" value="([0-9a-f-]+)"', page)
    if not match:
        return False
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    page = http.post(base_url + "/counter/select", data={"counter_id": match.group(1)},
                     headers=headers, timeout=10)
    token = (CSRF.search(page.text) or re.search(r'"X-CSRFToken": "([^"]+)"', page.text) or [None, token])[1]
    headers["X-CSRFToken"] = token
    called = http.post(base_url + "/counter/call-next", headers=headers, timeout=10)
    http.close()
    return called.status_code == 200


def bench_display(base_url: str, polls: int) -> dict:
    http = requests.Session()
    try:
        page = http.get(base_url + "/display", timeout=10).text
        latest = int(re.search(r'data-latest="(\d+)"', page).group(1))
        url = f"{base_url}/display/board?after={latest}"
        headers = {"HX-Request": "true"}
        statuses, times = {}, []
        for i in range(polls + 20):
            t = time.perf_counter()
            resp = http.get(url, headers=headers, timeout=10)
            dt = (time.perf_counter() - t) * 1000
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            if i >= 20 and resp.status_code == 204:
                times.append(dt)
        return {"latest": latest, "p50": pct(times, 50), "p99": pct(times, 99), "n": len(times),
                "statuses": statuses}
    finally:
        http.close()


BOARD_QUERY = "select max(called_at) from ticket_call where site_id = ?"  # kiosk/display.py board()


def time_board_query(database: Path, repeat: int = 50) -> float:
    """Median ms of the board poll's query alone, on a read-only connection."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        site_id = conn.execute("select id from reception_point limit 1").fetchone()[0]
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(BOARD_QUERY, (site_id,)).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)
    finally:
        conn.close()


AHEAD_QUERY = ("select count(*) from ticket where queue_id = ? and business_date = ?"
               " and status = 'waiting'")  # domain/waiting.py queue_outlook(), run for every ticket


def time_ahead_query(database: Path, repeat: int = 30) -> tuple[float, str]:
    """Median ms and plan of the 'people ahead' count that every ticket issue runs."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        args = conn.execute(
            "select queue_id, business_date from ticket order by rowid desc limit 1").fetchone()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(AHEAD_QUERY, args).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        plan = "; ".join(row[-1] for row in conn.execute("explain query plan " + AHEAD_QUERY, args))
        return statistics.median(times), plan
    finally:
        conn.close()


def event_plan(database: Path) -> str:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("explain query plan " + BOARD_QUERY, ("x",)).fetchall()
        return "; ".join(row[-1] for row in rows)
    finally:
        conn.close()


# --------------------------------------------------------------------------- main


def bench_server(results: dict, workdir: Path) -> None:
    from tests.support.live_server import KioskClient, LiveServer

    log("preparing instance (migrate + seed-demo) and starting waitress")
    # the eight clients share one address: the kiosk limits would stop them (they stop a script)
    server = LiveServer(workdir / "instance", threads=SERVER_THREADS,
                        env={"FLASK_RATELIMIT_ENABLED": "false"})
    watcher = None
    clients: list = []
    try:
        server.start()
        results["server_threads"] = SERVER_THREADS
        results["server_cmdline"] = Path(f"/proc/{server.pid}/cmdline").read_bytes().replace(b"\0", b" ") \
            .decode(errors="replace").strip()
        watcher = JobWatcher(server.database)
        results["server_rss_mb_idle"] = r(read_rss(server.pid)["VmRSS"], 1)

        clients = [KioskClient(server.url) for _ in range(CLIENTS)]
        issued = 0
        warm = issue(clients[:1], WARMUP_TICKETS, deadline=elapsed() + 30)
        issued += warm["ok"]
        watcher.wait_drained(issued, elapsed() + 30)

        res = run_issue_phase(results, "1c", clients[:1], TICKETS_1C, watcher, issued,
                              issue_deadline=elapsed() + 40,
                              drain_deadline=elapsed() + 40 + DRAIN_TIMEOUT_PHASE,
                              start_index=issued, server_pid=server.pid)
        issued += res["ok"]
        res = run_issue_phase(results, "8c", clients, TICKETS_8C, watcher, issued,
                              issue_deadline=elapsed() + 40,
                              drain_deadline=elapsed() + 40 + DRAIN_TIMEOUT_PHASE,
                              start_index=issued, server_pid=server.pid)
        issued += res["ok"]
        results["server_rss_mb_after_8c"] = r(read_rss(server.pid)["VmRSS"], 1)

        try:
            results["display_has_call"] = make_call(server.url)
        except (requests.RequestException, AttributeError, ValueError) as exc:
            results["display_has_call"] = False
            log(f"counter call failed ({exc}); polling an empty board")
        results["display_latest_call_query_ms"] = r(time_board_query(server.database), 3)
        display = bench_display(server.url, DISPLAY_POLLS)
        results["display_poll_204_ms_p50"] = r(display["p50"])
        results["display_poll_204_ms_p99"] = r(display["p99"])
        results["display_poll_204_count"] = display["n"]
        results["display_poll_tickets_in_db"] = watcher.tickets()
        log(f"display: after={display['latest']} → {display['statuses']}, p50 {display['p50'] or 0:.2f} ms")

        remaining = TOTAL_TICKETS - watcher.tickets()
        log(f"fill: issuing {remaining} more tickets with {CLIENTS} clients (until {FILL_DEADLINE}s)")
        server_cpu, client_cpu = cpu_seconds(server.pid), self_cpu_seconds()
        fill = issue(clients, remaining, FILL_DEADLINE, start_index=issued)
        if fill["duration_s"] > 0:
            results["server_cpu_cores_8c_fill"] = r(
                (cpu_seconds(server.pid) - server_cpu) / fill["duration_s"])
            results["bench_client_cpu_cores_8c_fill"] = r(
                (self_cpu_seconds() - client_cpu) / fill["duration_s"])
        issued += fill["ok"]
        total = watcher.tickets()
        results["fill_tickets_total"] = total
        results["ticket_issue_rps_8c_fill"] = r(fill["rps"], 1)
        results["ticket_issue_p50_ms_8c_fill"] = r(fill["p50"])
        results["ticket_issue_p99_ms_8c_fill"] = r(fill["p99"])
        results["ticket_issue_errors_8c_fill"] = fill["errors"]
        if fill["error_samples"]:
            results["ticket_issue_error_samples_8c_fill"] = ", ".join(fill["error_samples"])
        tail = fill["latencies"][-500:]
        results["ticket_issue_p50_ms_8c_last500"] = r(pct(tail, 50))
        results["ticket_issue_p99_ms_8c_last500"] = r(pct(tail, 99))
        backlog = watcher.counts()
        pending_end = busy_jobs(backlog)
        results["print_jobs_pending_at_fill_end"] = pending_end
        results["server_rss_mb_at_fill_end"] = r(read_rss(server.pid)["VmRSS"], 1)
        log(f"fill: {fill['ok']} ok, {fill['errors']} errors in {fill['duration_s']:.1f} s "
            f"({fill['rps'] or 0:.1f}/s, p99 {fill['p99'] or 0:.0f} ms); {total} tickets; "
            f"print backlog {pending_end}")

        t_wait = time.perf_counter()
        drained = watcher.wait_drained(total, FINAL_DRAIN_DEADLINE, poll=0.5)
        waited = time.perf_counter() - t_wait
        after = drained["counts"]
        pending_after = busy_jobs(after)
        rss = read_rss(server.pid)
        # only a figure taken at 10,000 tickets carries that name; otherwise say how far it got
        results["server_rss_mb_after_10k"] = r(rss["VmRSS"], 1) if total >= TOTAL_TICKETS else None
        results["server_rss_mb_at_end"] = r(rss["VmRSS"], 1)
        results["server_rss_peak_mb"] = r(rss["VmHWM"], 1)
        results["server_rss_tickets_total"] = total
        results["print_jobs_drained_after_10k"] = drained["drained"]
        results["print_jobs_pending_at_rss_read"] = pending_after
        results["print_jobs_failed_total"] = after.get("failed", 0)
        results["print_drain_wait_s_after_10k"] = r(waited, 1)
        results["print_drain_jobs_per_s_after_10k"] = r((pending_end - pending_after) / max(waited, 1e-9), 2)
        log(f"after {total} tickets: RSS {rss['VmRSS']:.1f} MB (peak {rss['VmHWM']:.1f}); print jobs "
            f"{'drained' if drained['drained'] else f'NOT drained: {pending_after} still pending'} "
            f"after {waited:.1f} s")

        display = bench_display(server.url, 100)
        results["display_poll_204_ms_p50_after_10k"] = r(display["p50"])
        results["display_latest_call_query_ms_after_10k"] = r(time_board_query(server.database), 3)
        results["display_poll_query_plan"] = event_plan(server.database)
        ahead_ms, ahead_plan = time_ahead_query(server.database)
        results["ticket_ahead_query_ms_after_10k"] = r(ahead_ms, 3)
        results["ticket_ahead_query_plan"] = ahead_plan
    finally:
        for client in clients:
            client.http.close()
        if watcher is not None:
            watcher.close()
        server.stop()
        log("server stopped")
        try:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            if server.log_path.exists():
                shutil.copyfile(server.log_path, OUT_DIR / "server.log")
        except OSError:
            pass


def verdict(key: str, value) -> str:
    if key not in TARGETS:
        return ""
    op, limit = TARGETS[key]
    if value is None:
        return f"{op} {limit}  FAIL (no figure)"
    ok = value <= limit if op == "<=" else value >= limit
    return f"{op} {limit}  {'PASS ✓' if ok else 'FAIL ✗'}"


def print_table(results: dict) -> None:
    width = max(len(k) for k in results)
    print()
    print(f"{'metric'.ljust(width)}  {'value':>14}  target")
    print("-" * (width + 40))
    for key, value in results.items():
        if key == "server_cmdline":
            continue
        shown = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        print(f"{key.ljust(width)}  {shown:>14}  {verdict(key, value)}")


def main() -> int:
    def on_term(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    sys.path.insert(0, str(ROOT))
    results: dict = {
        "timestamp_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine_cpu_count": os.cpu_count(),
        "machine_python_version": platform.python_version(),
        "machine_platform": platform.platform(),
        "machine_sqlite_version": sqlite3.sqlite_version,
    }
    error = None
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    try:
        bench_render(results)
        bench_server(results, workdir)
        from bench import dossiers, events, mixed, printing, quality, sync

        mixed.run(results, workdir, log)
        printing.run(results, log)
        dossiers.run(results, workdir, log)
        events.run(results, workdir, log)
        quality.run(results, workdir, log)
        sync.run(results, workdir, log)
    except Exception as exc:  # still write what was measured
        error = f"{type(exc).__name__}: {exc}"
        log(f"bench failed: {error}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["bench_error"] = error
    results["bench_duration_s"] = r(elapsed(), 1)
    for key in TARGETS:
        if key in results:
            op, limit = TARGETS[key]
            value = results[key]
            results[f"target_pass_{key}"] = value is not None and (
                value <= limit if op == "<=" else value >= limit)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}  ({elapsed():.0f} s)")
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
