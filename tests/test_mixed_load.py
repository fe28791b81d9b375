"""A busy morning on the real server: kiosks, officers, the admin and a printer that hangs.

Nobody waits on anybody else's lock: no request over 2 s, no 5xx, and the hung kiosk printer
holds only its own line (the counters' reprints still come out).
"""

import sqlite3

import pytest

from .support import mixed_load
from .support.fake_printer import FakePrinter
from .support.live_server import LiveServer

pytestmark = pytest.mark.slow
LIMIT_MS = 2000


def test_kiosks_and_staff_together_with_a_hung_printer_never_stall(tmp_path):
    hung, counter_printer = FakePrinter("hang"), FakePrinter("online")
    # the four kiosks share one address here, which the per-address ticket limit would stop
    server = LiveServer(tmp_path / "site", env={"FLASK_RATELIMIT_ENABLED": "false"})
    mixed_load.set_printers(server.database, hung.url, counter_printer.url)
    try:
        server.start()
        record = mixed_load.run(server.url, kiosk_rounds=40, staff_rounds=15, seconds=150)
        kinds = {kind for kind, _, _ in record.samples}
        assert {"kiosk_ticket", "staff_call_next", "staff_finish", "staff_reprint",
                "admin_test_page"} <= kinds
        failed = [s for s in record.samples if not isinstance(s[1], int) or s[1] >= 500]
        assert failed == []
        slow = [s for s in record.samples if s[2] > LIMIT_MS]
        assert slow == [], f"requests over {LIMIT_MS} ms: {slow}"
        tickets = sum(1 for kind, status, _ in record.samples if kind == "kiosk_ticket" and status == 200)
        assert tickets == 4 * 40
        reprints = sum(1 for kind, status, _ in record.samples if kind == "staff_reprint" and status == 200)
        assert reprints > 0
        # the counters' printer gets every reprint although the kiosk's printer hangs
        counter_printer.wait_for_jobs(reprints, timeout=90)
        assert len(counter_printer.jobs) == reprints
        with sqlite3.connect(server.database) as conn:
            stuck = conn.execute("select count(*) from print_job where printer_url = ? and status != 'sent'",
                                 (hung.url,)).fetchone()[0]
        assert stuck > 0  # the kiosk's jobs wait in their own line (not lost, not printed)
    finally:
        server.stop()
        hung.close()
        counter_printer.close()
