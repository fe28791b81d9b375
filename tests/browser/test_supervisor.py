"""The supervisor's dashboard in a real Chromium, after a morning's work at the site.

The work comes in as it does at a real site: tickets from the kiosk, an officer calling and finishing
them at counter 1, dossiers received at the counter (all over HTTP), and citizens' ratings recorded by
the domain operation the rating screens call, against the live server's own database.
"""

import os
import re
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.live_server import BIN, ROOT, KioskClient, LiveServer, staff_session

from .conftest import SCREENSHOTS, query_db, scripts_ready, start_server
from .test_journey import log_in
from .test_scanner import receive_dossier

pytestmark = pytest.mark.browser

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTER_IDS = re.compile(r'name="counter_id" value="([0-9a-f-]+)"')
SERVING = re.compile(r"/counter/tickets/([0-9a-f-]+)/finish")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh seeded site for this file alone: its figures are only what the morning below did."""
    server = start_server(tmp_path_factory.mktemp("browser-supervisor-site") / "instance")
    yield server
    server.stop()


def serve(site, served: int, absent: int) -> None:
    """canbo1 at counter 1 calls and finishes `served` tickets, then calls `absent` who never come."""
    http, token = staff_session(site.url, "canbo1")
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    counter_id = COUNTER_IDS.findall(http.get(site.url + "/counter", timeout=10).text)[0]
    assert http.post(site.url + "/counter/select", headers=headers, timeout=10,
                     data={"counter_id": counter_id, "take_over": "1"}).status_code in (200, 303)
    for n in range(served + absent):
        called = http.post(site.url + "/counter/call-next", headers=headers, timeout=10)
        ticket_id = SERVING.search(called.text).group(1)
        action = "finish" if n < served else "no-show"
        assert http.post(f"{site.url}/counter/tickets/{ticket_id}/{action}", headers=headers,
                         timeout=10).status_code == 200
    http.close()


def rate(site, levels: list[tuple[int, list[str]]]) -> None:
    """Citizens rate the first finished tickets (record_rating, as the counter's screen records it)."""
    from sqlalchemy import select

    from domain.ratings import record_rating
    from domain.site import current_site
    from models import StaffUser, Ticket
    from motcua import create_app
    from motcua.extensions import db
    from motcua.transactions import release_writer_lock_file, write_transaction

    app = create_app({"INSTANCE_PATH": str(site.instance), "START_WORKERS": False, "EVENT_GUARD": "raise"})
    try:
        with app.app_context(), write_transaction():
            officer = db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo1")).one()
            finished = db.session.scalars(select(Ticket).where(Ticket.status == "done")
                                          .order_by(Ticket.finished_at)).all()
            for ticket, (level, reasons) in zip(finished, levels, strict=False):
                record_rating(current_site(), level=level, channel="counter_screen", ticket=ticket,
                              officer_id=officer.id, counter_id=ticket.counter_id, reasons=reasons, scale=3)
    finally:
        with app.app_context():
            db.engine.dispose()
        release_writer_lock_file()


@pytest.fixture(scope="module")
def morning(site):
    kiosk = KioskClient(site.url)
    for letter in "AAABBA":
        assert kiosk.take(letter)[0] == 200
    kiosk.http.close()
    serve(site, served=4, absent=1)
    codes = [receive_dossier(site)[1] for _ in range(2)]
    rate(site, [(3, []), (3, []), (1, ["wait", "attitude"])])
    return {"codes": codes}


def expected_bars(site) -> Counter:
    """(queue letter, local hour) of every ticket issued, read from the site's database."""
    rows = query_db(site, "SELECT queue_letter, issued_at FROM ticket")
    return Counter((letter, datetime.fromisoformat(issued).replace(tzinfo=UTC).astimezone(LOCAL).hour)
                   for letter, issued in rows)


def test_the_supervisor_follows_the_morning_on_the_dashboard(site, pages, morning):
    page = pages.open(site.url + "/login", 1280, 900)
    log_in(page, "giamsat")
    page.locator("header a", has_text="Giám sát").click()
    expect(page).to_have_url(re.compile(r"/counter/supervisor/$"))
    expect(page.locator("h1")).to_contain_text("Giám sát chất lượng phục vụ")
    scripts_ready(page)

    def tile(label: str):
        return page.locator(".tiles > div", has=page.locator(f'dt:text-is("{label}")')).first.locator("dd")

    expect(tile("Số đã phát")).to_have_text("6")
    expect(tile("Đã phục vụ")).to_have_text("4")
    expect(tile("Vắng mặt khi gọi")).to_have_text("1")

    # Tickets per queue and hour: one bar per queue and hour, its number in its title.
    bars = page.locator("#chart-hours svg rect.bar")
    wanted = expected_bars(site)
    expect(bars).to_have_count(len(wanted))
    titles = sorted(bars.evaluate_all("rects => rects.map(r => r.querySelector('title').textContent)"))
    names = {"A": "A · Hộ tịch", "B": "B · Chứng thực"}
    assert titles == sorted(f"{names[letter]} · {hour}h: {count} vé"
                            for (letter, hour), count in wanted.items())
    expect(page.locator("#chart-hours svg.columns")).to_have_attribute("aria-labelledby", "chart-hours-title")

    # Satisfaction: three ratings, two very satisfied; the reasons chart has a bar per reason.
    expect(page.locator("#satisfaction")).to_contain_text("3 lượt đánh giá; hài lòng: 66,7 %")
    expect(page.locator("#chart-reasons svg rect.bar")).to_have_count(2)

    # The page refreshes itself while the period includes today.
    expect(page.locator("#figures")).to_have_attribute("hx-trigger", "every 30s")

    # An indicator's figure (2.1: on time or still within the deadline, both dossiers of the morning)
    # leads to the dossiers behind it, and each to its page.
    indicator = page.locator("#indicators a[href*='key=2.1&']")
    expect(indicator).to_have_text("2 / 2")
    indicator.click()
    expect(page).to_have_url(re.compile(r"/counter/supervisor/dossiers\?key=2\.1&"))
    expect(page.locator("h1")).to_have_text("Hồ sơ của chỉ số 2.1")
    listed = page.locator("table.behind tbody a")
    expect(listed).to_have_count(2)
    assert sorted(listed.all_inner_texts()) == sorted(morning["codes"])
    listed.first.click()
    expect(page).to_have_url(re.compile(r"/counter/dossiers/[0-9a-f-]+$"))


def test_the_period_can_be_changed_and_a_bad_date_is_explained_beside_its_field(site, pages, morning):
    page = pages.open(site.url + "/login", 1280, 900)
    log_in(page, "giamsat")
    page.goto(site.url + "/counter/supervisor/")
    page.locator(".periods a", has_text="Tháng này").click()
    expect(page).to_have_url(re.compile(r"period=month"))
    today = datetime.now(LOCAL)
    expect(page.locator("p.scope strong")).to_contain_text(f"01/{today:%m/%Y} – ")
    expect(page.locator(".periods a[aria-current=true]")).to_have_text("Tháng này")

    page.locator("#period-from").fill("01/01/2025")
    page.locator("#period-to").fill("31/01/2025")
    page.locator("form.period button[type=submit]").click()
    expect(page.locator("p.scope strong")).to_have_text("01/01/2025 – 31/01/2025")
    expect(page.locator("#figures")).to_contain_text("Không có dữ liệu trong khoảng này")
    expect(page.locator("#figures svg")).to_have_count(0)

    page.locator("#period-from").fill("32/01/2025")
    page.locator("form.period button[type=submit]").click()
    expect(page.locator("#from-error")).to_have_text("Từ ngày “32/01/2025” không đúng dạng dd/mm/yyyy.")
    expect(page.locator("#period-from")).to_have_value("32/01/2025")
    expect(page.locator("#period-to")).to_have_value("31/01/2025")


def test_supervisor_link_is_for_supervisors(site, pages):
    page = pages.open(site.url + "/login", 1280, 900)
    log_in(page, "canbo1")
    expect(page).to_have_url(re.compile(r"/counter$"))
    expect(page.locator("header a", has_text="Giám sát")).to_have_count(0)


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory):
    """A site whose last 10 working days were worked (`flask seed-demo --history 10`, as `make run`)."""
    instance = tmp_path_factory.mktemp("browser-supervisor-history") / "instance"
    instance.mkdir()
    env = {"MOTCUA_INSTANCE_PATH": str(instance), "FLASK_EVENT_GUARD": "raise"}
    for args in (["db", "upgrade"], ["seed-demo", "--history", "10"]):
        subprocess.run([str(BIN / "flask"), "--app", "motcua", *args], cwd=ROOT, check=True, timeout=300,
                       capture_output=True, env={**os.environ, **env})
    server = LiveServer(instance, env=env).start()
    yield server
    server.stop()


def test_a_fortnight_on_the_dashboard_for_the_screenshot(fortnight, pages):
    """Two weeks of a site's work as the supervisor reads them: docs/screenshots/supervisor-dashboard.png."""
    today = datetime.now(LOCAL).date()
    start = today - timedelta(days=14)
    page = pages.open(fortnight.url + "/login", 1280, 900)
    log_in(page, "giamsat")
    expect(page.locator("header a", has_text="Giám sát")).to_be_visible()
    page.goto(f"{fortnight.url}/counter/supervisor/?from={start:%d/%m/%Y}&to={today:%d/%m/%Y}")
    expect(page.locator("p.scope strong")).to_have_text(f"{start:%d/%m/%Y} – {today:%d/%m/%Y}")
    issued = query_db(fortnight, "SELECT count(*) FROM ticket WHERE business_date >= ?",
                      start.isoformat())[0][0]
    shown = page.locator(".tiles > div", has=page.locator('dt:text-is("Số đã phát")')).locator("dd")
    expect(shown).to_have_text(f"{issued:,}".replace(",", "."))
    expect(page.locator("#chart-hours svg rect.bar").first).to_be_visible()
    expect(page.locator("#chart-wait svg rect.bar").first).to_be_visible()
    expect(page.locator("#satisfaction table.levels tr")).to_have_count(3)
    scripts_ready(page)
    page.screenshot(path=str(SCREENSHOTS / "supervisor-dashboard.png"), full_page=True, animations="disabled",
                    caret="hide")
