"""Supervisor figures for `make bench`: the dashboard and the weekly report on a site with a year of
data — the database the event-log phase rebuilt from a year of its log (bench/events.py: 75,000
tickets, 60,000 dossiers, their ratings and PAKN).

Timed three ways, each the median of a few runs after one warm-up: the figures alone
(`domain.figures.dashboard`, in process), the dashboard page over HTTP (figures + SVG + template,
as the supervisor's browser gets it), and the weekly report's PDF and Excel over HTTP.
`python -m bench.quality <instance folder>` runs this part alone on a folder the event phase left.
"""

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from domain.clock import business_date
from domain.site import current_site
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file

RUNS = 5
PERIODS = ("day", "week", "month", "year")
TIMEOUT = 120  # seconds for one request: the year's page must answer, however slowly


def _median_ms(action, runs: int = RUNS) -> float:
    action()  # warm-up: caches, imports, the page cache of the database file
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _periods() -> dict[str, tuple]:
    """The year's copies end yesterday (bench/events.py): "day" is that busy day; the longer periods
    end today, as the dashboard's own buttons do."""
    today = business_date()
    monday = today - timedelta(days=today.weekday())
    yesterday = today - timedelta(days=1)
    return {"day": (yesterday, yesterday), "week": (today - timedelta(days=6), today),
            "month": (today - timedelta(days=29), today), "year": (today - timedelta(days=365), today),
            "last_week": (monday - timedelta(days=7), monday - timedelta(days=1))}


def bench_figures(results: dict, instance: Path) -> None:
    """domain.figures.dashboard for today and for the whole year, in process."""
    from domain.figures import Scope, dashboard

    app = create_app({"INSTANCE_PATH": str(instance)})
    try:
        with app.app_context():
            site_id = current_site().id
            for name in PERIODS:
                start, end = _periods()[name]
                scope = Scope(site_ids=(site_id,), start=start, end=end)
                results[f"supervisor_figures_ms_{name}"] = _median_ms(lambda scope=scope: dashboard(scope))
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        release_writer_lock_file()


def bench_pages(results: dict, instance: Path) -> None:
    """The dashboard page and the weekly report files over HTTP from a real server."""
    from tests.support.live_server import LiveServer, staff_session

    server = LiveServer(instance).start(timeout=60)
    try:
        http, _token = staff_session(server.url, "giamsat")

        def fetch(path: str, params: dict):
            response = http.get(server.url + path, params=params, timeout=TIMEOUT)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])

        periods = {name: {"from": start.isoformat(), "to": end.isoformat()}
                   for name, (start, end) in _periods().items()}
        for name in PERIODS:
            results[f"supervisor_dashboard_ms_{name}"] = _median_ms(
                lambda name=name: fetch("/counter/supervisor", periods[name]))
        for kind in ("pdf", "xlsx"):
            results[f"weekly_report_{kind}_ms"] = _median_ms(
                lambda kind=kind: fetch(f"/counter/supervisor/reports/weekly.{kind}", periods["last_week"]),
                runs=3)
    finally:
        server.stop()


def run(results: dict, workdir: Path, log) -> None:
    instance = workdir / "events-replay"  # left by bench/events.py
    bench_figures(results, instance)
    log("supervisor: figures (in process) " + ", ".join(
        f"{name} {results[f'supervisor_figures_ms_{name}']} ms" for name in PERIODS))
    bench_pages(results, instance)
    log("supervisor: dashboard page " + ", ".join(
        f"{name} {results[f'supervisor_dashboard_ms_{name}']} ms" for name in PERIODS)
        + f" (target ≤ 300 ms); weekly report PDF {results['weekly_report_pdf_ms']} ms, "
        f"Excel {results['weekly_report_xlsx_ms']} ms")


def main() -> None:
    """Run this part alone on the work folder of an event phase (it holds events-replay/)."""
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "events-replay").is_dir():
        sys.exit("usage: python -m bench.quality <folder holding events-replay/>")
    figures: dict = {}
    run(figures, Path(sys.argv[1]), print)
    print(figures)


if __name__ == "__main__":
    main()
