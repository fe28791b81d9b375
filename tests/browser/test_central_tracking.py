"""A receipt's QR code leads to the province's central server, even for a dossier received offline.

Real processes: central (gunicorn, two workers, a throw-away PostgreSQL database, Redis for the
limits) with the demo province, and the Tân Cương site (waitress and its worker, whose sync loop
reaches central through a FaultProxy). The link goes down; in Chromium the officer receives a
dossier at the counter and prints the receipt; the citizen's phone opens the QR code — decoded from
the receipt PDF — at central, which says the reception point has not sent it yet. The link comes
back, the site syncs, and the same page shows the dossier and its steps.
"""

import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime

import psycopg
import pytest
import redis
import requests
from playwright.sync_api import expect

from tests.support.central_server import (
    REDIS_URI,
    CentralServer,
    SiteServer,
    drop_database,
    fresh_database,
    postgres_unavailable,
)
from tests.support.fault_proxy import FaultProxy

from .conftest import scripts_ready, shot
from .test_dossier_journey import (
    CARD,
    DATED,
    LOCAL,
    MASKED,
    PROCEDURE,
    fill_intake,
    receipt_qr_codes,
    receive,
)
from .test_journey import log_in, take_ticket

pytestmark = pytest.mark.browser

TAN_CUONG = "000.00.12.H56"
SITE_NAME = "Trung tâm Phục vụ hành chính công xã Tân Cương"
OFFICER = "tancuong.canbo1"
CREDENTIAL = re.compile(r"^credential (\S+): (\S+)$", re.MULTILINE)  # `flask central seed-demo`
NOT_YET = "Hồ sơ chưa được điểm tiếp nhận gửi lên máy chủ trung tâm."
NOT_FOUND = "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."
SYNC_DEADLINE = 60  # seconds: the loop retries every ≤ 2 s (SiteServer's backoff cap); a busy machine is slow


@dataclass
class Province:
    central: CentralServer
    database_url: str
    proxy: FaultProxy
    site: SiteServer


def redis_unavailable() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URI, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        return f"no Redis at {REDIS_URI}: {exc}"
    return None


@pytest.fixture
def province(tmp_path):
    """Central with the demo province, and Tân Cương enrolled through a proxy the test can cut."""
    reason = postgres_unavailable() or redis_unavailable()
    if reason:
        pytest.skip(reason)
    with ExitStack() as cleanup:  # undone in reverse whatever failed: site, proxy, central, database
        url = fresh_database("motcua_browser_track")
        cleanup.callback(drop_database, url)
        central = CentralServer(
            tmp_path / "central", url, workers=2, env={"FLASK_TRACKING_LOOKUPS_PER_MINUTE": "1000"}
        )
        central.env["FLASK_PUBLIC_BASE_URL"] = central.url  # the port is chosen on construction
        cleanup.callback(central.stop)
        central.prepare()
        credentials = dict(CREDENTIAL.findall(central.flask("central", "seed-demo", "--no-activity").stdout))
        central.start(timeout=60)
        proxy = FaultProxy(central.url).start()
        cleanup.callback(proxy.stop)
        site = SiteServer(tmp_path / "site", proxy.url, credentials[TAN_CUONG])
        cleanup.callback(site.stop)
        site.prepare()
        site.start(timeout=60)
        yield Province(central, url, proxy, site)


def site_rows(site: SiteServer, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(f"file:{site.database}?mode=ro", uri=True, timeout=5) as connection:
        rows = connection.execute(sql, params).fetchall()
    connection.close()
    return rows


def central_has(province: Province, code: str) -> bool:
    """Whether central's own tables hold the dossier (its events arrived and were applied)."""
    dsn = province.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        return conn.execute("SELECT 1 FROM dossier WHERE code = %s", (code,)).fetchone() is not None


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.2)


def push_refused_after(proxy: FaultProxy, number: int) -> Callable[[dict], bool]:
    """A predicate for proxy.wait_for: a push that arrived after request `number` met the partition."""
    return lambda _stats: any(
        n > number and method == "POST" and path == "/api/v1/sync/push" and what == "refused_partition"
        for n, method, path, what in proxy.events
    )


def receive_at_counter(pages, base: str) -> tuple:
    """The citizen takes a number; the officer calls it at counter 1 and receives her dossier."""
    kiosk = pages.open(base + "/kiosk", 1280, 800)
    ticket = take_ticket(kiosk, "A")
    officer = pages.open(base + "/login", 1366, 900)
    log_in(officer, OFFICER)
    expect(officer).to_have_url(re.compile(r"/counter$"))
    officer.locator('button.counter-choice[data-counter="1"]').click()
    expect(officer.locator("button.call-next")).to_be_visible()
    scripts_ready(officer)
    officer.keyboard.press("n")
    expect(officer.locator("#serving-code")).to_have_text(ticket)
    officer.locator('a[data-shortcut="d"]').click()
    expect(officer.locator("h1")).to_contain_text(ticket)
    fill_intake(officer, CARD)
    code, check = receive(officer)
    return officer, code, check


def open_fresh(pages, url: str, width: int = 390, height: int = 844):
    """A new phone (own context, no cookies) opening `url`; the page and the HTTP status it got."""
    phone = pages.open("about:blank", width, height)
    response = phone.goto(url)
    return phone, response.status


def test_receipt_qr_opens_central_before_and_after_the_site_syncs(province, pages):
    central, proxy, site = province.central, province.proxy, province.site
    assert site_rows(site, "SELECT public_url FROM sync_state") == [(central.url,)]  # learnt at enrolment

    # The link goes down; the counter goes on working.
    proxy.partitioned = True
    officer, code, check = receive_at_counter(pages, site.url)
    received_by = proxy.stats["requests"]
    assert proxy.wait_for(push_refused_after(proxy, received_by), timeout=SYNC_DEADLINE), (
        "the site never tried to push the dossier while the link was down"
    )
    assert not central_has(province, code)

    # The receipt's QR code (decoded from the PDF) points at central, not at the site or the proxy.
    texts = receipt_qr_codes(officer, None)
    expected = f"{central.url.upper()}/T/{code}?K={check}"
    assert texts == [expected, expected], texts
    assert not texts[0].startswith((site.url.upper(), proxy.url.upper()))

    # The citizen's phone, at once: central knows the reception point, not the dossier yet.
    phone, status = open_fresh(pages, texts[0])
    assert status == 404, status
    awaited = phone.locator("#not-yet-received")
    expect(awaited).to_contain_text(NOT_YET)
    expect(awaited).to_contain_text(SITE_NAME)
    expect(awaited).to_contain_text("thành công lần gần nhất lúc")  # it pushed at enrolment
    expect(phone.locator("#dossier-code")).to_have_count(0)

    # The link comes back: the sync loop sends the dossier on its own.
    proxy.partitioned = False
    wait_until(lambda: central_has(province, code), SYNC_DEADLINE, f"central has {code}")
    assert phone.reload().status == 200
    expect(phone.locator("#dossier-code")).to_have_text(code)
    expect(phone.locator("#tracking-result")).to_contain_text(PROCEDURE)
    expect(phone.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    expect(phone.locator("#applicant")).to_have_text(MASKED)
    expect(phone.locator("#not-yet-received")).to_have_count(0)
    history = [line.strip() for line in phone.locator("ol.history li").all_inner_texts()]
    assert len(history) == 1, history
    match = DATED.match(history[0])
    assert match and match.group(4) == "Đã tiếp nhận hồ sơ", history
    day, month, year = map(int, match.group(1, 2, 3))
    assert abs((datetime(year, month, day).date() - datetime.now(LOCAL).date()).days) <= 1, history
    for secret in ("Nhung", "001190123456", "0912345678"):
        assert secret not in phone.content(), f"central's public page shows {secret!r}"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"central's tracking page is {width} px wide on a 390 px phone"
    shot(phone, "central-tracking.png")

    # A wrong check: the generic page, the same bytes as for a code no site ever gave.
    wrong = "WRONG1" if check != "WRONG1" else "WRONG2"
    other, status = open_fresh(pages, f"{central.url}/T/{code}?K={wrong}")
    assert status == 404, status
    expect(other.locator("#tracking-result .message.error")).to_contain_text(NOT_FOUND)
    expect(other.locator("#not-yet-received")).to_have_count(0)
    expect(other.locator("#dossier-code")).to_have_count(0)
    with (
        requests.get(f"{central.url}/T/{code}?K={wrong}", timeout=30) as guessed,
        requests.get(f"{central.url}/T/000.00.99.H99-200101-0001?K={check}", timeout=30) as unknown,
    ):
        assert guessed.status_code == unknown.status_code == 404
        assert guessed.content == unknown.content
