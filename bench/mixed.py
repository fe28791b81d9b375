"""Mixed-load figures for `make bench`: four kiosks, three officers and the admin at once, with the
kiosk's printer hanging (accepts, never reads) and the counters' printer answering.

p50/p99/max per kind of request, 5xx and failed requests, and how long the counters' reprints
took to come out of their printer while the kiosk's line was stuck.
"""

import math
import tempfile
import time
from pathlib import Path

KIOSK_ROUNDS = 100
STAFF_ROUNDS = 40
SECONDS = 120


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run(results: dict, workdir: Path, log) -> None:
    from tests.support import mixed_load
    from tests.support.fake_printer import FakePrinter
    from tests.support.live_server import LiveServer

    hung, counter_printer = FakePrinter("hang"), FakePrinter("online")
    instance = Path(tempfile.mkdtemp(dir=workdir)) / "mixed-site"
    server = LiveServer(instance, env={"FLASK_RATELIMIT_ENABLED": "false"})
    mixed_load.set_printers(server.database, hung.url, counter_printer.url)
    try:
        server.start()
        log("mixed: 4 kiosks + 3 officers + admin, kiosk printer hanging")
        record = mixed_load.run(server.url, kiosk_rounds=KIOSK_ROUNDS, staff_rounds=STAFF_ROUNDS,
                                seconds=SECONDS)
        by_kind: dict[str, list] = {}
        for kind, status, ms in record.samples:
            by_kind.setdefault(kind, []).append((status, ms))
        for kind, samples in sorted(by_kind.items()):
            times = [ms for _, ms in samples]
            results[f"mixed_{kind}_count"] = len(samples)
            results[f"mixed_{kind}_p50_ms"] = round(_pct(times, 50), 1)
            results[f"mixed_{kind}_p99_ms"] = round(_pct(times, 99), 1)
            results[f"mixed_{kind}_max_ms"] = round(max(times), 1)
        failed = [s for s in record.samples if not isinstance(s[1], int) or s[1] >= 500]
        results["mixed_requests_total"] = len(record.samples)
        results["mixed_requests_5xx_or_failed"] = len(failed)
        results["mixed_request_max_ms"] = round(max(ms for _, _, ms in record.samples), 1)
        reprints = by_kind.get("staff_reprint", [])
        start = time.perf_counter()
        counter_printer.wait_for_jobs(sum(1 for status, _ in reprints if status == 200), timeout=60)
        results["mixed_counter_reprints_printed"] = len(counter_printer.jobs)
        results["mixed_counter_reprints_drain_s_after_load"] = round(time.perf_counter() - start, 2)
        log(f"mixed: {len(record.samples)} requests, {len(failed)} failed, "
            f"max {results['mixed_request_max_ms']} ms")
    finally:
        server.stop()
        hung.close()
        counter_printer.close()
