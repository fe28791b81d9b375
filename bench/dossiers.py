"""Dossier figures for `make bench`: Mẫu 01 PDF generation, intake over HTTP, tracking page rate."""

import re
import statistics
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

PDF_RUNS = 30
INTAKES = 60
TRACKING_SECONDS = 5
TRACKING_CLIENTS = 8
CARD = "001090123456|012345678|Nguyễn Thị Hồng Nhung|05031990|Nữ|Xóm Hồng Thái 2, xã Tân Cương|15042021"


def bench_receipt_pdf(results: dict) -> None:
    """Median time to build one Mẫu 01 PDF in-process (fonts already registered)."""
    from hardware.forms import ReceiptData, receipt_pdf

    base = ReceiptData(
        parent_agency="Ủy ban nhân dân xã Tân Cương",
        unit_name="Trung tâm Phục vụ hành chính công xã Tân Cương",
        place="Tân Cương", number="0007/GTN", dossier_code="000.00.12.H56-261122-0007",
        applicant_name="Nguyễn Thị Hồng Nhung", procedure="Thay đổi, cải chính hộ tịch",
        received_at=datetime(2026, 11, 22, 9, 15), due_at=datetime(2026, 11, 27, 16, 0),
        tracking_url="HTTP://127.0.0.1:5000/T/000.00.12.H56-261122-0007?K=7KQ2AB", check="7KQ2AB",
    )
    receipt_pdf(base)
    for paper in ("A4", "A5x2"):
        runs = []
        for n in range(PDF_RUNS):  # a new code each run, so no cached QR flatters the figure
            data = replace(base, tracking_url=base.tracking_url.replace("0007", f"{n:04d}"))
            start = time.perf_counter()
            size = len(receipt_pdf(data, paper=paper))
            runs.append((time.perf_counter() - start) * 1000)
        key = paper.lower()
        results[f"receipt_pdf_ms_p50_{key}"] = round(statistics.median(runs), 2)
        results[f"receipt_pdf_bytes_{key}"] = size


def bench_intake_and_tracking(results: dict, base_url: str, staff_session) -> None:
    """Intake requests as an officer makes them; then public tracking page requests per second."""
    http, token = staff_session(base_url, "canbo1")
    page = http.get(base_url + "/counter/dossiers/new", timeout=10).text
    procedure = re.search(r'<option value="([0-9a-f-]+)"[^>]*>Hộ tịch · Thay đổi', page).group(1)
    latencies, locations = [], []
    for _ in range(INTAKES):
        start = time.perf_counter()
        scan = http.post(base_url + "/counter/dossiers/scan-card", data={"card_payload": CARD},
                         headers={"X-CSRFToken": token, "HX-Request": "true"}, timeout=10)
        response = http.post(base_url + "/counter/dossiers", allow_redirects=False, timeout=10, data={
            "procedure_id": procedure, "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_id_number": "001090123456", "documents": ["0", "1", "2"], "decision": "receive",
            "csrf_token": token})
        latencies.append((time.perf_counter() - start) * 1000)
        assert scan.status_code == 200 and response.status_code == 303, response.status_code
        locations.append(response.headers["Location"])
    latencies.sort()
    results["intake_ms_p50"] = round(statistics.median(latencies), 2)
    results["intake_ms_p99"] = round(latencies[int(len(latencies) * 0.99) - 1], 2)
    detail = http.get(base_url + locations[-1], timeout=10).text
    code = re.search(r'id="dossier-code">([^<]+)', detail).group(1)
    check = re.search(r'id="check">([^<]+)', detail).group(1)
    results.update(_tracking_rate(f"{base_url}/T/{code}?K={check}"))


def _tracking_rate(url: str) -> dict:
    import requests

    counts, lock, stop = [], threading.Lock(), time.monotonic() + TRACKING_SECONDS

    def client():
        session, done = requests.Session(), 0
        while time.monotonic() < stop:
            assert session.get(url, timeout=10).status_code == 200
            done += 1
        with lock:
            counts.append(done)

    threads = [threading.Thread(target=client) for _ in range(TRACKING_CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TRACKING_SECONDS + 15)
    return {"tracking_page_rps_8c": round(sum(counts) / (time.perf_counter() - started), 1)}


def run(results: dict, workdir: Path, log) -> None:
    from tests.support.live_server import LiveServer, staff_session

    bench_receipt_pdf(results)
    log(f"Mẫu 01 PDF: A4 {results['receipt_pdf_ms_p50_a4']} ms, A5x2 {results['receipt_pdf_ms_p50_a5x2']} ms")
    # The public page is rate-limited per address; the bench is one address, so lift the limit.
    server = LiveServer(workdir / "dossier-site", env={"FLASK_TRACKING_LOOKUPS_PER_MINUTE": "1000000"})
    server.start()
    try:
        bench_intake_and_tracking(results, server.url, staff_session)
    finally:
        server.stop()
    log(f"intake p50 {results['intake_ms_p50']} ms, p99 {results['intake_ms_p99']} ms; "
        f"tracking page {results['tracking_page_rps_8c']}/s")
