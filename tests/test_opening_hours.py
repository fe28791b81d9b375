"""Opening hours at the kiosk: tickets only while the office works, and a clear notice otherwise."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domain import clock
from domain.opening_hours import Schedule, checked_hours, form_values, parse_hours
from domain.validation import InvalidInput
from domain.workdays import WorkCalendar
from models import ReceptionPoint, Ticket
from motcua.extensions import db
from tests.conftest import csrf_token

MONDAY = date(2026, 12, 7)


def schedule(hours=None, overrides=None) -> Schedule:
    return Schedule(parse_hours(hours), WorkCalendar(overrides=overrides or {}))


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


def travel(monkeypatch, moment: datetime) -> None:
    """Move the app's clock (domain.clock's test offset) to a Vietnamese wall-clock moment."""
    target = moment.replace(tzinfo=clock.VN).astimezone(UTC).replace(tzinfo=None)
    real = datetime.now(UTC).replace(tzinfo=None)
    monkeypatch.setattr(clock, "OFFSET_SECONDS", (target - real).total_seconds())


@pytest.mark.parametrize(("moment", "reason", "reopens"), [
    (at(MONDAY, 6, 50), "before_opening", at(MONDAY, 7, 30)),
    (at(MONDAY, 11, 0), "cutoff", at(MONDAY, 13, 30)),
    (at(MONDAY, 12, 15), "break", at(MONDAY, 13, 30)),
    (at(MONDAY, 16, 30), "cutoff", at(date(2026, 12, 8), 7, 30)),
    (at(MONDAY, 21, 0), "after_closing", at(date(2026, 12, 8), 7, 30)),
    (at(date(2026, 12, 11), 17, 0), "after_closing", at(date(2026, 12, 14), 7, 30)),  # Friday → Monday
    (at(date(2026, 12, 12), 9, 0), "closed_day", at(date(2026, 12, 14), 7, 30)),  # Saturday
    (at(date(2027, 1, 1), 9, 0), "holiday", at(date(2027, 1, 4), 7, 30)),  # New Year, a Friday
])
def test_the_default_hours_say_why_no_ticket_and_when_again(moment, reason, reopens):
    state = schedule().state_at(moment)
    assert (state.open, state.reason, state.reopens_at) == (False, reason, reopens)


@pytest.mark.parametrize("moment", [at(MONDAY, 7, 30), at(MONDAY, 10, 59), at(MONDAY, 13, 30),
                                    at(MONDAY, 16, 29)])
def test_the_kiosk_gives_tickets_within_the_hours_less_the_cut_off(moment):
    assert schedule().state_at(moment).open


def test_the_calendar_decides_the_days_announced_off_and_the_make_up_saturdays():
    make_up, day_off = date(2026, 12, 12), MONDAY
    calendar = schedule(overrides={make_up: True, day_off: False})
    assert calendar.state_at(at(make_up, 9, 0)).open  # worked with the weekday hours
    state = calendar.state_at(at(day_off, 9, 0))
    assert (state.open, state.reason, state.reopens_at) == (False, "day_off", at(date(2026, 12, 8), 7, 30))
    tet = schedule().state_at(at(date(2027, 2, 8), 9, 0))  # Tết 2027: 5–10/2 off (package holidays)
    assert tet.reason == "holiday" and tet.holiday and tet.reopens_at.date() > date(2027, 2, 8)


def test_a_site_sets_its_own_hours_saturday_mornings_and_cut_off():
    own = schedule({"weekday": [["08:00", "12:00"], ["13:00", "17:00"]], "saturday": [["07:30", "11:30"]],
                    "cutoff_minutes": 0})
    assert own.state_at(at(date(2026, 12, 12), 11, 29)).open  # an ordinary Saturday morning
    assert own.state_at(at(MONDAY, 16, 59)).open  # no cut-off
    assert own.state_at(at(MONDAY, 7, 45)).reason == "before_opening"


def test_stored_hours_that_make_no_sense_fall_back_to_the_defaults():
    hours = parse_hours({"weekday": [["17:00", "07:00"]], "saturday": "x", "cutoff_minutes": -5,
                         "collect_note": 3})
    assert hours == parse_hours(None)
    assert form_values(hours) == {"weekday": "07:30–11:30, 13:30–17:00", "saturday": "",
                                  "cutoff_minutes": "30", "collect_note": ""}


@pytest.mark.parametrize(("form", "field"), [
    (("", "", "30", ""), "weekday"),
    (("7:30 đến 11:30", "", "30", ""), "weekday"),
    (("07:30-11:30, 11:00-17:00", "", "30", ""), "weekday"),
    (("07:30-11:30", "25:00-26:00", "30", ""), "saturday"),
    (("07:30-11:30", "", "nửa giờ", ""), "cutoff_minutes"),
    (("07:30-11:30", "", "30", "x" * 301), "collect_note"),
])
def test_the_admins_form_names_the_field_at_fault(form, field):
    with pytest.raises(InvalidInput) as refused:
        checked_hours(*form)
    assert refused.value.field == field


def test_the_admins_form_accepts_what_people_type():
    assert checked_hours("7h30-11h30; 13:30 – 17:00", "7.30-11.30", " 15 ", " Mang  CCCD ") == {
        "weekday": [["07:30", "11:30"], ["13:30", "17:00"]], "saturday": [["07:30", "11:30"]],
        "cutoff_minutes": 15, "collect_note": "Mang CCCD"}


@pytest.fixture
def kiosk(make_app):
    """An enforcing site's kiosk browser: (app, client)."""
    app = make_app(KIOSK_HOURS_ENFORCED=True)
    return app, app.test_client()


def queue_id(app, letter="A"):
    from models import Queue

    with app.app_context():
        return str(db.session.scalar(select(Queue.id).where(Queue.letter == letter)))


def take(client, app, priority=""):
    return client.post("/kiosk/tickets", data={"queue_id": queue_id(app), "priority": priority,
                                               "request_key": "k-" + priority},
                       headers={"X-CSRFToken": csrf_token(client), "HX-Request": "true"})


def tickets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def test_at_lunch_the_kiosk_shows_the_hours_and_gives_no_ticket(kiosk, monkeypatch):
    app, client = kiosk
    travel(monkeypatch, at(MONDAY, 12, 10))
    home = client.get("/kiosk").get_data(as_text=True)
    assert "Đang giờ nghỉ trưa" in home and "Kiosk phát số trở lại lúc 13:30 hôm nay." in home
    assert ("Giờ làm việc: Sáng 07:30–11:30, Chiều 13:30–17:00, thứ Hai đến thứ Sáu. "
            "Ngừng phát số trước giờ nghỉ 30 phút.") in home
    assert 'data-queue="A"' not in home and "Tra cứu hồ sơ" in home  # lookups still work
    choice = client.get(f"/kiosk/queues/{queue_id(app)}")
    assert choice.status_code == 200 and "Đang giờ nghỉ trưa" in choice.get_data(as_text=True)
    refused = take(client, app)
    assert refused.status_code == 200 and "Đang giờ nghỉ trưa" in refused.get_data(as_text=True)
    assert tickets(app) == 0


def test_after_the_cut_off_on_a_friday_the_kiosk_says_monday(kiosk, monkeypatch):
    app, client = kiosk
    travel(monkeypatch, at(date(2026, 12, 11), 16, 45))
    page = take(client, app).get_data(as_text=True)
    assert "Đã ngừng phát số trước giờ nghỉ." in page
    assert "Kiosk phát số trở lại lúc 07:30, thứ Hai 14/12/2026." in page
    assert tickets(app) == 0


def test_on_a_holiday_the_kiosk_names_it_and_in_english_too(kiosk, monkeypatch):
    app, client = kiosk
    travel(monkeypatch, at(date(2027, 1, 1), 9, 0))
    assert "Hôm nay là ngày nghỉ lễ" in client.get("/kiosk").get_data(as_text=True)
    client.get("/lang/en?next=/kiosk")
    page = client.get("/kiosk").get_data(as_text=True)
    assert "Today is a public holiday: New Year&#39;s Day." in page and "Monday 04/01/2027" in page
    assert "Working hours: Morning 07:30–11:30, Afternoon 13:30–17:00, Monday to Friday." in page


def working_monday_ahead() -> date:
    """A working Monday after today: a test that writes may only move the clock forward (the clock
    guard refuses work on a clock that went back), whenever the suite runs."""
    today = clock.business_date()
    day = today + timedelta(days=14 - today.weekday())
    while not WorkCalendar().is_working_day(day):
        day += timedelta(days=7)
    return day


def test_within_the_hours_the_ticket_is_issued(kiosk, monkeypatch):
    app, client = kiosk
    ahead = working_monday_ahead()
    travel(monkeypatch, at(ahead, 9, 0))
    home = client.get("/kiosk").get_data(as_text=True)
    assert 'data-queue="A"' in home and 'id="kiosk-hours"' in home
    assert 'id="ticket-number"' in take(client, app).get_data(as_text=True)
    assert tickets(app) == 1


def test_the_admins_hours_and_days_off_take_effect_at_once(kiosk, monkeypatch):
    from domain.site_config import set_calendar_day, set_hours
    from motcua.transactions import write_transaction

    app, client = kiosk
    ahead = working_monday_ahead()
    travel(monkeypatch, at(ahead, 9, 0))
    assert 'data-queue="A"' in client.get("/kiosk").get_data(as_text=True)  # the schedule is now kept
    with app.app_context(), write_transaction():
        set_hours(db.session.scalars(select(ReceptionPoint)).one(), None, {"weekday": [["09:30", "17:00"]]})
    page = client.get("/kiosk").get_data(as_text=True)
    assert "Chưa đến giờ phát số." in page and "09:30 hôm nay" in page
    with app.app_context(), write_transaction():
        set_calendar_day(db.session.scalars(select(ReceptionPoint)).one(), None, ahead, False, "Bão")
    assert "Hôm nay cơ quan nghỉ theo lịch đã thông báo." in client.get("/kiosk").get_data(as_text=True)


def test_a_test_site_gives_tickets_at_any_hour_unless_it_enforces_them(client, app, monkeypatch):
    travel(monkeypatch, at(working_monday_ahead(), 3, 49))
    assert 'id="ticket-number"' in take(client, app).get_data(as_text=True)


def site_events(app, change):
    from models import Event

    with app.app_context():
        return [e.payload for e in db.session.scalars(select(Event).where(Event.type == "site.updated"))
                if e.payload.get("context", {}).get("change") == change]


HOURS_FORM = {"weekday": "08:00-12:00, 13:00-17:00", "saturday": "08:00-11:30", "cutoff_minutes": "15",
              "collect_note": "Mang theo lệ phí", "phone": "0203 3812 345"}


def test_the_admin_sets_the_hours_and_phone_each_an_event(app, staff):
    admin = staff("admin")
    page = admin.get("/counter/admin/hours").get_data(as_text=True)
    assert 'value="07:30–11:30, 13:30–17:00"' in page
    saved = admin.post("/counter/admin/hours", HOURS_FORM)
    assert saved.status_code == 200 and "Đã lưu giờ làm việc" in saved.get_data(as_text=True)
    [hours] = site_events(app, "hours")
    assert hours["reception_point"]["hours"]["saturday"] == [["08:00", "11:30"]]
    assert site_events(app, "phone")[0]["reception_point"]["phone"] == "0203 3812 345"
    again = admin.post("/counter/admin/hours", HOURS_FORM)
    assert again.status_code == 200 and len(site_events(app, "hours")) == 1  # nothing changed, no event


def test_a_refused_hours_form_keeps_every_value_and_names_the_field(app, staff):
    admin = staff("admin")
    refused = admin.post("/counter/admin/hours", {"weekday": "07:30-11:30", "saturday": "",
                                                   "cutoff_minutes": "30", "collect_note": "Mang CCCD",
                                                   "phone": "gọi tôi"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="error-hours-phone"' in page
    assert 'value="Mang CCCD"' in page and 'value="gọi tôi"' in page
    assert site_events(app, "hours") == []


def test_only_the_admin_edits_the_hours(staff):
    assert staff("canbo1").get("/counter/admin/hours").status_code == 403
    assert 'id="hours-link"' in staff("admin").get("/admin").get_data(as_text=True)


# ---- The office on the tracking page ----------------------------------------------------------------

def set_office(app, phone="0208 3855 123", note="Mang theo biên lai lệ phí"):
    from domain.site import current_site
    from domain.site_config import set_hours, set_phone
    from motcua.transactions import write_transaction

    with app.app_context(), write_transaction():
        site = current_site()
        set_phone(site, None, phone)
        set_hours(site, None, {**DEFAULT_OFFICE_HOURS, "collect_note": note})
        return site.name, site.address


DEFAULT_OFFICE_HOURS = {"weekday": [["07:30", "11:30"], ["13:30", "17:00"]], "saturday": [["07:30", "11:30"]],
                        "cutoff_minutes": 30}


def assert_names_the_office(html: str, name: str, address: str) -> None:
    assert name in html and address in html
    assert 'href="tel:02083855123"' in html and "0208 3855 123" in html
    assert ("Giờ làm việc: Sáng 07:30–11:30, Chiều 13:30–17:00, thứ Hai đến thứ Sáu. "
            "Thứ Bảy: Sáng 07:30–11:30.") in html
    assert "Giấy tiếp nhận hồ sơ" in html and "giấy ủy quyền" in html and "Mang theo biên lai lệ phí" in html


def test_the_tracking_page_and_the_kiosk_lookup_name_the_office_and_what_to_bring(app, staff):
    from tests.test_dossiers import dossier, intake

    name, address = set_office(app)
    row = dossier(app, intake(staff("canbo1"), app))
    assert_names_the_office(app.test_client().get(f"/T/{row.code}?K={row.check}").get_data(as_text=True),
                            name, address)
    kiosk = app.test_client().get("/kiosk/tra-cuu", query_string={"code": row.code, "check": row.check})
    assert_names_the_office(kiosk.get_data(as_text=True), name, address)


def test_central_names_the_office_from_what_the_site_synced(tmp_path):
    from tests import test_central_tracking as at_central

    with at_central.central_app(tmp_path / "central") as central:
        credentials = at_central.province(central)
        site = at_central.enrolled_site(tmp_path / "tancuong", central, credentials[at_central.TAN_CUONG])
        try:
            name, address = set_office(site)
            row = at_central.receive_at_site(site, at_central.officer_at_counter(site))
            at_central.sync(site)
            html = at_central.lookup(central, f"/T/{row.code}?K={row.check}").get_data(as_text=True)
            assert_names_the_office(html, name, address)
            later = at_central.receive_at_site(site, at_central.officer_at_counter(site))  # not yet sent
            awaited = at_central.lookup(central, f"/T/{later.code}?K={later.check}")
            assert awaited.status_code == 404 and 'id="not-yet-received"' in awaited.get_data(as_text=True)
            assert_names_the_office(awaited.get_data(as_text=True), name, address)  # the citizen may call
        finally:
            at_central.dispose(site)


# ---- The kiosk's own lookup budget --------------------------------------------------------------------

def test_a_kiosk_looks_up_apart_from_its_addresss_public_budget(make_app):
    """One address: a phone on the site's Wi-Fi spends the public budget; the kiosk (?k=K1) its own."""
    app = make_app(TRACKING_LOOKUPS_PER_MINUTE=3, KIOSK_LOOKUPS_PER_MINUTE=25)
    ask = {"code": "000.00.12.H56-261122-0001", "check": "AAAAAA"}
    phone, kiosk = app.test_client(), app.test_client()
    assert [phone.get("/T/000.00.12.H56-261122-0001?K=AAAAAA").status_code for _ in range(3)] == [404] * 3
    assert kiosk.get("/kiosk/tra-cuu", query_string={**ask, "k": "K1"}).status_code == 404  # ?k= names it
    assert [kiosk.get("/kiosk/tra-cuu", query_string=ask).status_code for _ in range(24)] == [404] * 24
    assert kiosk.get("/kiosk/tra-cuu", query_string=ask).status_code == 429
    assert phone.get("/kiosk/tra-cuu", query_string=ask).status_code == 429  # the address's budget is spent


# ---- Public error pages lead citizens back to their own start ------------------------------------------

ERROR_HOME = re.compile(r'<a class="button secondary" href="([^"]*)" id="error-home">([^<]+)</a>')


@pytest.mark.parametrize(("path", "home", "label"), [
    ("/kiosk/queues/00000000-0000-0000-0000-000000000000", "/kiosk", "Về màn hình lấy số"),
    ("/kiosk/thu-tuc/khong-co", "/kiosk", "Về màn hình lấy số"),
    ("/danh-gia/quay/999", "/kiosk", "Về màn hình lấy số"),
    ("/display/announcements/khong-co.wav", "/display", "Về bảng hiển thị"),
])
def test_a_public_error_page_leads_back_to_the_public_start(client, path, home, label):
    page = client.get(path).get_data(as_text=True)
    assert ERROR_HOME.search(page).groups() == (home, label), page
    assert 'href="/"' not in page


def test_a_staff_error_page_leads_to_the_staff_menu(staff):
    missing = "/counter/dossiers/00000000-0000-0000-0000-000000000000"
    page = staff("canbo1").get(missing).get_data(as_text=True)
    assert ERROR_HOME.search(page).groups() == ("/", "Trang chính")


def test_too_many_lookups_lead_back_to_the_lookup(make_app):
    phone = make_app(TRACKING_LOOKUPS_PER_MINUTE=1).test_client()
    phone.get("/T/000.00.12.H56-261122-0001?K=AAAAAA")
    page = phone.get("/T/000.00.12.H56-261122-0001?K=AAAAAA")
    assert page.status_code == 429
    assert ERROR_HOME.search(page.get_data(as_text=True)).groups() == ("/kiosk/tra-cuu", "Tra cứu hồ sơ")
