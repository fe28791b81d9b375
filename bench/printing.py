"""Printing figures for `make bench`: receipt slip render + encode time, and bytes per job and
serial transfer time for raster and compact jobs, at each dot width.

Each width is measured on a profile that has it: 576 TM-T20II, 512 TM-T88V, 384 POS-5890 (no
native QR there, so its compact jobs carry the QR code as a raster).
"""

import statistics
import time
from dataclasses import replace
from datetime import datetime

PROFILES = {576: "TM-T20II", 512: "TM-T88V", 384: "POS-5890"}
BAUDS = (9600, 115200)
TICKETS = 100
RECEIPTS = 30
SITE = "Trung tâm Phục vụ hành chính công xã Tân Cương"
URL = "HTTP://127.0.0.1:5000/T/000.00.12.H56-261122-{n:04d}?K=7KQ2AB"


def ticket_payloads(n: int) -> list[dict]:
    """Tickets like the kiosk's: four queues, some with a priority, varying numbers and times."""
    queues = ["Hộ tịch", "Chứng thực", "Đất đai – Xây dựng", "Cư trú và lĩnh vực khác"]
    return [
        {
            "parent_agency": "Ủy ban nhân dân xã Tân Cương",
            "site_name": SITE,
            "queue_name": queues[i % 4],
            "code": f"{'ABCD'[i % 4]}{(i * 37) % 1200 + 1:03d}",
            "priority": "Người cao tuổi" if i % 7 == 3 else None,
            "ahead": (i * 13) % 80,
            "wait_minutes": (i * 29) % 240,
            "issued_at": f"{7 + (i // 60) % 10:02d}:{i % 60:02d} {1 + i % 28:02d}/11/2026",
        }
        for i in range(n)
    ]


def receipts(n: int) -> list:
    """Receipt slips, each with its own tracking URL so no cached QR code flatters the time."""
    from hardware.forms import ReceiptData

    base = ReceiptData(
        parent_agency="Ủy ban nhân dân xã Tân Cương",
        unit_name=SITE,
        place="Tân Cương",
        number="0007/GTN",
        dossier_code="000.00.12.H56-261122-0007",
        applicant_name="Nguyễn Thị Hồng Nhung",
        procedure="Thay đổi, cải chính hộ tịch",
        received_at=datetime(2026, 11, 22, 9, 15),
        due_at=datetime(2026, 11, 27, 16, 0),
        tracking_url=URL.format(n=0),
        check="7KQ2AB",
        return_place="Quầy số 3, Trung tâm Phục vụ hành chính công xã Tân Cương",
    )
    return [replace(base, tracking_url=URL.format(n=i)) for i in range(n)]


def timed(build, items: list) -> tuple[float, int]:
    """Median milliseconds per job and median bytes per job (after one warm-up job)."""
    build(items[0])
    times, sizes = [], []
    for item in items:
        start = time.perf_counter()
        sizes.append(len(build(item)))
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3), int(statistics.median(sizes))


def builders(width: int, profile) -> dict:
    """(document, mode) -> function building one job's bytes at `width` dots."""
    from hardware.compact import compact_receipt_slip, compact_ticket
    from hardware.escpos_job import encode_raster_job
    from hardware.receipt_slip import render_receipt_slip
    from hardware.ticket import render_ticket

    return {
        ("ticket", "raster"): lambda ticket: encode_raster_job(render_ticket(ticket, width)),
        ("ticket", "compact"): lambda ticket: compact_ticket(ticket, profile),
        ("receipt_slip", "raster"): lambda slip: encode_raster_job(render_receipt_slip(slip, width)),
        ("receipt_slip", "compact"): lambda slip: compact_receipt_slip(slip, profile),
    }


# bench/run.py already times the raster ticket (ticket_render_encode_ms_<w>)
TIME_KEYS = {
    ("ticket", "compact"): "ticket_compact_ms",
    ("receipt_slip", "raster"): "receipt_slip_render_encode_ms",
    ("receipt_slip", "compact"): "receipt_slip_compact_ms",
}


def run(results: dict, log) -> None:
    """Add printing figures to `results` (flat keys) and log one line per width."""
    from hardware.profiles import resolve

    inputs = {"ticket": ticket_payloads(TICKETS), "receipt_slip": receipts(RECEIPTS)}
    for width, name in PROFILES.items():
        for (document, mode), build in builders(width, resolve(name, width)).items():
            ms, size = timed(build, inputs[document])
            if (document, mode) in TIME_KEYS:
                results[f"{TIME_KEYS[document, mode]}_{width}"] = ms
            results[f"{document}_bytes_{mode}_{width}"] = size
            for baud in BAUDS:  # 10 bits on the wire per byte: start, 8 data, stop
                results[f"{document}_transfer_s_{baud}_{mode}_{width}"] = round(size * 10 / baud, 2)
        figures = {
            key: results[f"{key}_{width}"]
            for key in (
                "ticket_bytes_raster",
                "ticket_bytes_compact",
                "receipt_slip_bytes_raster",
                "receipt_slip_bytes_compact",
                "receipt_slip_render_encode_ms",
            )
        }
        log(f"printing {width} dots ({name}): " + ", ".join(f"{k} {v}" for k, v in figures.items()))
