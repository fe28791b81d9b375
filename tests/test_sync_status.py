"""What a site's staff see of its link to the central server: the status line on the counter, dossier
and admin screens (nothing on a standalone site), the admin's warning that receipts' QR codes only
work on the LAN, and the clock guard decided with central's time at hand."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from domain.clock import fmt_date, fmt_time, utcnow, wall_ms
from domain.site import current_site
from models import ClockState, SyncState
from motcua.demo import DEMO_PASSWORD
from motcua.extensions import db
from motcua.transactions import write_transaction
from sync.provision import add_site
from sync.site import SyncFailed, sync_round

from .conftest import Staff
from .test_central_tracking import QUYET_THANG, TAN_CUONG, central_app, dispose, enrolled_site, province, sync
from .test_kiosk import take

BADGE = re.compile(r'<span id="sync-status"[^>]*>(.*?)</span>', re.S)
PHUC_XUAN = "000.00.31.H56"


def badge(html: str) -> str | None:
    found = BADGE.search(html)
    if found is None:
        return None
    return " ".join(re.sub(r"</?strong>", "", found.group(1)).split())


def seen(moment) -> str:
    return f"{fmt_date(moment)} {fmt_time(moment)}"


def shown(html: str, element_id: str) -> datetime:
    """A dd/mm/yyyy HH:MM time the page shows, back as a naive UTC time (to compare)."""
    text = re.search(rf'id="{element_id}">([^<]+)<', html).group(1).strip()
    return datetime.strptime(text, "%d/%m/%Y %H:%M") - timedelta(hours=7)


@pytest.fixture(scope="module")
def province_apps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sync_status")
    with central_app(folder / "central") as central:
        yield central, province(central), folder


@pytest.fixture
def enrolled(province_apps):
    """enrolled(agency code) → that reception point's site, enrolled with central (once per module:
    a reception point has one site database)."""
    central, credentials, folder = province_apps
    made = []

    def enrol(agency: str):
        if agency not in credentials:  # a reception point of its own, without accounts or procedures
            with central.app_context(), write_transaction():
                credentials[agency] = add_site(agency, f"Điểm thử {agency}", "commune_centre")[1]
        made.append(enrolled_site(folder / agency, central, credentials.pop(agency)))
        return made[-1]

    yield enrol
    for app in made:
        dispose(app)


class Unreachable:
    """A SYNC_TRANSPORT for a central that cannot be reached (the network is down)."""

    def __init__(self, _url, _credential):
        pass

    def __call__(self, method, path, **_kw):
        raise SyncFailed("không kết nối được máy chủ trung tâm (ConnectionError)")

    def close(self):
        pass


def at_counter(site, username: str) -> Staff:
    officer = Staff(site.test_client(), username, DEMO_PASSWORD)
    page = officer.get("/counter").get_data(as_text=True)
    counter_id = re.search(r'name="counter_id" value="([^"]+)"', page).group(1)
    assert officer.post("/counter/select", {"counter_id": counter_id}, htmx=False).status_code == 303
    return officer


# ---- A standalone site -----------------------------------------------------------------------------

def test_a_standalone_site_shows_no_sync_status(staff):
    officer = staff("canbo1")
    page = officer.get("/counter").get_data(as_text=True)
    counter_id = re.search(r'name="counter_id" value="([^"]+)"', page).group(1)
    officer.post("/counter/select", {"counter_id": counter_id}, htmx=False)
    for page in (officer.get("/counter"), officer.get("/counter/waiting", htmx=True),
                 officer.get("/counter/dossiers"), staff("admin").get("/admin")):
        assert page.status_code == 200 and 'id="sync-status"' not in page.get_data(as_text=True)


def test_admin_is_warned_that_receipts_qr_codes_only_work_on_the_lan(make_app):
    html = Staff(make_app().test_client(), "admin").get("/admin").get_data(as_text=True)
    warning = re.search(r'<div class="message error" id="qr-lan-only"[^>]*>([^<]+)</div>', html).group(1)
    assert "chỉ mở được trong mạng nội bộ" in warning and "http://localhost/" in warning
    configured = make_app(PUBLIC_BASE_URL="https://tracuu.example.gov.vn")
    html = Staff(configured.test_client(), "admin").get("/admin").get_data(as_text=True)
    assert 'id="qr-lan-only"' not in html


# ---- An enrolled site ------------------------------------------------------------------------------

def test_counter_shows_online_waiting_events_and_last_sync(enrolled):
    site = enrolled(TAN_CUONG)
    officer = at_counter(site, "tancuong.canbo1")

    def last_success():
        with site.app_context():
            return seen(db.session.get(SyncState, 1).last_success_at)

    enrolled_at = last_success()
    page = officer.get("/counter").get_data(as_text=True)
    assert badge(page) == f"Trực tuyến · chờ gửi: 1 · đồng bộ lần cuối: {enrolled_at}"  # counter.opened

    kiosk = site.test_client()
    for _ in range(2):
        assert take(kiosk, site).status_code == 200
    poll = officer.get("/counter/waiting", htmx=True).get_data(as_text=True)
    assert 'hx-swap-oob="true"' in poll  # the waiting list's poll refreshes the status line
    assert badge(poll) == f"Trực tuyến · chờ gửi: 3 · đồng bộ lần cuối: {enrolled_at}"
    sync(site)
    poll = officer.get("/counter/waiting", htmx=True).get_data(as_text=True)
    assert badge(poll) == f"Trực tuyến · chờ gửi: 0 · đồng bộ lần cuối: {last_success()}"

    take(kiosk, site)
    site.config["SYNC_TRANSPORT"] = Unreachable
    with site.app_context(), pytest.raises(SyncFailed):
        sync_round()
    offline = f"Ngoại tuyến · chờ gửi: 1 · đồng bộ lần cuối: {last_success()}"
    assert badge(officer.get("/counter/waiting", htmx=True).get_data(as_text=True)) == offline
    assert badge(officer.get("/counter/dossiers").get_data(as_text=True)) == offline  # the overdue watch
    admin = Staff(site.test_client(), "tancuong.admin", DEMO_PASSWORD).get("/admin").get_data(as_text=True)
    assert badge(admin) == offline and "ConnectionError" in admin and 'id="qr-lan-only"' not in admin


def test_the_status_line_adds_three_small_reads_to_the_counters_poll(enrolled):
    site = enrolled(QUYET_THANG)
    officer = at_counter(site, "quyetthang.canbo1")
    statements = []
    with site.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        officer.get("/counter/waiting", htmx=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    sync_reads = [s for s in statements if "sync_state" in s or "sync_problem" in s
                  or "FROM event WHERE event.seq >" in s]
    assert len(sync_reads) == 3, sync_reads  # the link's row, events waiting (indexed), problems


# ---- The clock guard -------------------------------------------------------------------------------

def clock_set_back(app, hours: float = 2) -> None:
    """The site used a time `hours` ahead of the wall clock (then the clock was set back)."""
    with app.app_context(), write_transaction():
        ahead = wall_ms() + int(hours * 3_600_000)
        db.session.execute(update(ClockState).where(ClockState.site_id == current_site().id)
                           .values(last_ms=ahead, wall_ms=ahead))


def test_admin_sees_the_refused_clock_and_confirms_it(app, staff, client):
    clock_set_back(app)
    assert "Đồng hồ máy chủ đang chậm" in take(client, app).get_data(as_text=True)
    admin = staff("admin")
    html = admin.get("/admin").get_data(as_text=True)
    assert 'id="clock-guard"' in html and "Giờ máy này" in html
    assert re.search(r'id="clock-central">\s*chưa biết', html)  # a standalone site never saw central
    assert staff("canbo1").post("/admin/clock/confirm").status_code == 403
    no_token = admin.client.post("/admin/clock/confirm", headers={"HX-Request": "true"})
    assert no_token.status_code == 400
    confirmed = admin.post("/admin/clock/confirm").get_data(as_text=True)
    assert "Đã xác nhận giờ hệ thống." in confirmed and 'id="clock-guard"' not in confirmed
    assert take(client, app).status_code == 200
    again = admin.post("/admin/clock/confirm").get_data(as_text=True)
    assert "không cần xác nhận" in again


def test_admin_compares_the_clock_with_centrals(enrolled):
    site = enrolled(PHUC_XUAN)
    sync(site)
    clock_set_back(site)
    admin = Staff(site.test_client(), "phucxuan.admin", DEMO_PASSWORD)
    html = admin.get("/admin").get_data(as_text=True)
    assert abs(shown(html, "clock-here") - utcnow()) < timedelta(minutes=2)
    assert abs(shown(html, "clock-central") - utcnow()) < timedelta(minutes=2)  # as seen at the last sync
    assert 'id="clock-apart"' not in html  # central agrees with this machine: confirming is safe

    with site.app_context(), write_transaction():  # central's clock read two hours later than ours
        state = db.session.get(SyncState, 1)
        state.central_time, state.central_time_seen_at_ms = utcnow() + timedelta(hours=2), wall_ms()
    html = admin.get("/admin").get_data(as_text=True)
    assert "Giờ máy này lệch khoảng 120 phút so với máy chủ trung tâm" in html

    with site.app_context(), write_transaction():  # our clock went back after central was seen
        state = db.session.get(SyncState, 1)
        state.central_time = utcnow().replace(second=0, microsecond=0) + timedelta(days=400)
        state.central_time_seen_at_ms = wall_ms() + 86_400_000
        expected = seen(state.central_time)  # shown as seen: counting on from a wrong clock would mislead
    html = admin.get("/admin").get_data(as_text=True)
    assert seen(shown(html, "clock-central")) == expected


def test_clock_confirm_command_prints_centrals_time(enrolled, make_app):
    site = enrolled("000.00.77.H56")
    with site.app_context():
        state = db.session.get(SyncState, 1)
        central_seen = state.central_time
    assert central_seen is not None
    clock_set_back(site)
    output = site.test_cli_runner().invoke(args=["clock", "confirm"]).output
    assert "Giờ máy chủ trung tâm (theo lần đồng bộ gần nhất):" in output
    assert "Đã xác nhận giờ hệ thống." in output
    with site.app_context():
        assert db.session.scalars(select(ClockState)).one().wall_ms <= wall_ms()
    standalone = make_app().test_cli_runner().invoke(args=["clock", "confirm"]).output
    assert "Giờ máy này:" in standalone and "trung tâm" not in standalone

