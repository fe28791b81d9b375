"""The kiosk through a whole day, in Chromium: tickets only within the office's hours (the notice
says why not and when again), every touch target at least 48 px, a kiosk's twenty lookups in a row,
public error pages that lead back to the kiosk, and the tracking page naming the office.

Opening hours run on sites of their own whose clock (domain.clock's test offset,
MOTCUA_CLOCK_OFFSET_SECONDS) reads a chosen Vietnamese moment, so the tests pass at any real hour.
"""

import json
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from domain.clock import business_date
from domain.opening_hours import WEEKDAYS
from domain.workdays import WorkCalendar
from motcua.messages_en import EN
from tests.support.live_server import staff_session

from .conftest import query_db, scripts_ready, shot, start_server
from .test_journey import log_in, take_ticket

pytestmark = pytest.mark.browser



def working_monday_ahead() -> date:
    """A working Monday after today. The test servers' clocks read days ahead, never behind: a
    session cookie dated in the past would be dropped by the browser."""
    today = business_date()
    day = today + timedelta(days=14 - today.weekday())
    while not WorkCalendar().is_working_day(day):
        day += timedelta(days=7)
    return day


def first_working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while not WorkCalendar().is_working_day(day) or day.weekday() >= 5:  # a make-up Saturday aside
        day += timedelta(days=1)
    return day


MONDAY_1110 = datetime.combine(working_monday_ahead(), time(11, 10))  # tickets stop at 11:00 by default
NEW_YEAR_0900 = datetime(business_date().year + 1, 1, 1, 9, 0)  # a public holiday
AFTER_NEW_YEAR = first_working_day_after(NEW_YEAR_0900.date())
HOURS = ("Giờ làm việc: Sáng 07:30–11:30, Chiều 13:30–17:00, thứ Hai đến thứ Sáu. "
         "Ngừng phát số trước giờ nghỉ 30 phút.")
MIN_TARGET = 48
# What a finger can press: links, buttons, fields, and whatever htmx makes clickable.
TARGETS_JS = """() => {
  const found = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [hx-get], [hx-post], '
    + '[role=button]';
  for (const element of document.querySelectorAll(selector)) {
    const trigger = element.getAttribute('hx-trigger');
    // an element that polls is no target (a link or button that polls is one all the same)
    if (trigger && !trigger.includes('click') && !['A', 'BUTTON'].includes(element.tagName)) continue;
    const box = (element.type === 'checkbox' || element.type === 'radio') && element.closest('label')
      ? element.closest('label') : element;
    if (!box.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = box.getBoundingClientRect();
    if (r.width < MIN || r.height < MIN) {
      const name = (element.innerText || element.value || element.name || '').trim().slice(0, 30);
      found.push(`${element.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return found;
}""".replace("MIN", str(MIN_TARGET))


def clock_at(moment: datetime) -> dict:
    """The server environment whose clock reads `moment` (Vietnamese wall-clock time)."""
    target = moment.replace(tzinfo=UTC).timestamp() - 7 * 3600
    return {"MOTCUA_CLOCK_OFFSET_SECONDS": str(target - datetime.now(UTC).timestamp()),
            "FLASK_KIOSK_HOURS_ENFORCED": "true"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site of this file's own (its tickets, dossier and PAKN stay out of the other journeys)."""
    server = start_server(tmp_path_factory.mktemp("browser-kiosk-day") / "instance")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def monday(tmp_path_factory):
    """A site whose clock reads a working Monday ahead, 11:10, hours enforced."""
    server = start_server(tmp_path_factory.mktemp("browser-kiosk-monday") / "instance", clock_at(MONDAY_1110))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def new_year(tmp_path_factory):
    """A site whose clock reads next New Year's Day, 09:00, hours enforced."""
    server = start_server(tmp_path_factory.mktemp("browser-kiosk-holiday") / "instance",
                          clock_at(NEW_YEAR_0900))
    yield server
    server.stop()


def small_targets(page) -> list[str]:
    scripts_ready(page)
    return page.evaluate(TARGETS_JS)


def admin_sets_hours(pages, base: str, **fields) -> None:
    """The admin types the hours on /counter/admin/hours and saves (what a kiosk reads at once)."""
    page = pages.open(base + "/login?next=/counter/admin/hours")
    log_in(page, "admin")
    expect(page.locator("#hours-form")).to_be_visible()
    for name, value in fields.items():
        page.locator(f"#hours-{name}").fill(value)
    page.locator("#hours-form button[type=submit]").click()
    expect(page.locator("#hours-saved")).to_be_visible()
    page.context.close()


def expect_closed(kiosk, reason: str, reopens: str) -> None:
    expect(kiosk.locator("#closed-reason")).to_have_text(reason)
    expect(kiosk.locator("#closed-reopens")).to_have_text(reopens)
    expect(kiosk.locator("#office-hours")).to_contain_text("Giờ làm việc: Sáng")
    expect(kiosk.locator("button.queue-button")).to_have_count(0)


def tickets(server) -> int:
    return query_db(server, "SELECT count(*) FROM ticket")[0][0]


# ---- Opening hours ------------------------------------------------------------------------------------

def test_after_the_cut_off_the_kiosk_shows_the_hours_and_when_it_reopens(monday, pages):
    before = tickets(monday)
    kiosk = pages.open(monday.url + "/kiosk?k=K1", width=1280, height=800)
    expect_closed(kiosk, "Đã ngừng phát số trước giờ nghỉ.", "Kiosk phát số trở lại lúc 13:30 hôm nay.")
    expect(kiosk.locator("#office-hours")).to_have_text(HOURS)
    expect(kiosk.locator("#lookup-link")).to_be_visible()  # looking a dossier up still works
    shot(kiosk, "kiosk-closed.png")
    assert small_targets(kiosk) == []
    assert tickets(monday) == before


def test_a_ticket_form_left_open_is_refused_once_the_hours_end(monday, pages):
    """A priority screen opened while tickets were given, submitted after: the notice, no ticket."""
    admin_sets_hours(pages, monday.url, weekday="07:30–17:00", cutoff_minutes="0")
    kiosk = pages.open(monday.url + "/kiosk?k=K1")
    kiosk.locator('button.queue-button[data-queue="B"]').click()
    expect(kiosk.locator('[data-screen="priority"]')).to_be_visible()
    before = tickets(monday)
    admin_sets_hours(pages, monday.url, weekday="07:30–11:00, 13:30–17:00", cutoff_minutes="0")
    kiosk.locator("button.take-button").click()
    expect_closed(kiosk, "Đang giờ nghỉ trưa, kiosk tạm ngừng phát số.",
                  "Kiosk phát số trở lại lúc 13:30 hôm nay.")
    assert tickets(monday) == before


def test_before_opening_the_kiosk_says_when_it_opens_and_then_gives_tickets(monday, pages):
    admin_sets_hours(pages, monday.url, weekday="11:45–17:00", cutoff_minutes="30")
    kiosk = pages.open(monday.url + "/kiosk?k=K1")
    expect_closed(kiosk, "Chưa đến giờ phát số.", "Kiosk phát số trở lại lúc 11:45 hôm nay.")
    admin_sets_hours(pages, monday.url, weekday="07:30–11:30, 13:30–17:00", cutoff_minutes="0")
    kiosk.goto(monday.url + "/kiosk?k=K1")
    assert re.fullmatch(r"C\d{3}", take_ticket(kiosk, "C"))


def test_on_a_public_holiday_the_kiosk_names_it_and_the_next_working_day(new_year, pages):
    kiosk = pages.open(new_year.url + "/kiosk?k=K1")
    expect(kiosk.locator("#closed-reason")).to_contain_text("Hôm nay là ngày nghỉ lễ")
    expect(kiosk.locator("#closed-reopens")).to_have_text(
        f"Kiosk phát số trở lại lúc 07:30, {WEEKDAYS[AFTER_NEW_YEAR.weekday()]} {AFTER_NEW_YEAR:%d/%m/%Y}.")
    kiosk.locator(".kiosk-header .lang a").click()
    expect(kiosk.locator("#closed-reopens")).to_have_text(
        f"The kiosk issues numbers again at 07:30, {EN[WEEKDAYS[AFTER_NEW_YEAR.weekday()]]} "
        f"{AFTER_NEW_YEAR:%d/%m/%Y}.")
    assert tickets(new_year) == 0


# ---- Touch targets --------------------------------------------------------------------------------------

def test_every_touch_target_on_the_kiosk_is_at_least_48_px(site, pages):
    kiosk = pages.open(site.url + "/kiosk?k=K1", width=1280, height=800)
    seen = {"home": small_targets(kiosk)}
    kiosk.locator('button.queue-button[data-queue="A"]').click()
    expect(kiosk.locator('[data-screen="priority"]')).to_be_visible()
    seen["priority"] = small_targets(kiosk)
    kiosk.locator("button.take-button").click()
    expect(kiosk.locator('[data-screen="ticket"]')).to_be_visible()
    seen["ticket"] = small_targets(kiosk)
    for name, path in [("procedures", "/kiosk/thu-tuc"), ("lookup", "/kiosk/tra-cuu"),
                       ("not found", "/kiosk/tra-cuu?code=000.00.12.H56-261122-0009&check=AAAAAA"),
                       ("rating", "/danh-gia"), ("rating, no such ticket", "/danh-gia?so=Z999"),
                       ("pakn", "/kiosk/gop-y"), ("error", "/kiosk/thu-tuc/khong-co")]:
        kiosk.goto(site.url + path)
        seen[name] = small_targets(kiosk)
    kiosk.goto(site.url + "/kiosk/gop-y")
    kiosk.locator("button.pakn-send").click()  # nothing chosen: each refusal beside its field
    expect(kiosk.locator(".pakn-error").first).to_be_visible()
    seen["pakn refused"] = small_targets(kiosk)
    kiosk.locator("label.pakn-choice", has_text="Phản ánh").click()
    kiosk.locator("label.pakn-choice", has_text="Thái độ, tác phong cán bộ").click()
    kiosk.locator("#pakn-content").fill("Ghế chờ ở sảnh không đủ cho người cao tuổi ngồi đợi đến lượt.")
    kiosk.locator("button.pakn-send").click()
    expect(kiosk.locator('[data-screen="pakn-receipt"]')).to_be_visible()
    seen["pakn receipt"] = small_targets(kiosk)
    kiosk.goto(site.url + "/kiosk/thu-tuc")
    kiosk.locator(".kiosk-procedures a").first.click()
    expect(kiosk.locator('[data-screen="procedure"]')).to_be_visible()
    seen["procedure"] = small_targets(kiosk)
    code, check = received_dossier(site)
    kiosk.goto(site.url + f"/kiosk/tra-cuu?code={code}&check={check}")
    expect(kiosk.locator("#office")).to_be_visible()
    seen["lookup result"] = small_targets(kiosk)
    kiosk.goto(site.url + "/kiosk?k=K1")
    kiosk.locator(".kiosk-header .lang a").click()
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    seen["home in English"] = small_targets(kiosk)
    assert {page: found for page, found in seen.items() if found} == {}


# ---- The kiosk's lookups, public error pages --------------------------------------------------------------

def test_a_kiosk_looks_up_twenty_dossiers_in_a_row(site, pages):
    kiosk = pages.open(site.url + "/kiosk?k=K1")
    kiosk.goto(site.url + "/kiosk/tra-cuu")
    for n in range(20):
        kiosk.locator('input[name="code"]').fill(f"000.00.12.H56-261122-{n + 100:04d}")
        kiosk.locator('input[name="check"]').fill("AAAAAA")
        kiosk.locator('input[name="check"]').press("Enter")
        expect(kiosk.locator("#tracking-result .message.error")).to_contain_text("Không tìm thấy hồ sơ")
    expect(kiosk.locator("body")).not_to_contain_text("thao tác quá nhanh")


def test_a_public_error_page_leads_back_to_the_kiosk_not_the_staff_menu(site, pages):
    kiosk = pages.open(site.url + "/kiosk/thu-tuc/khong-co")
    expect(kiosk.locator("#error-home")).to_have_text("Về màn hình lấy số")
    kiosk.locator("#error-home").click()
    expect(kiosk.locator('[data-screen="home"]')).to_be_visible()
    assert kiosk.url.endswith("/kiosk")


# ---- The tracking page names the office ------------------------------------------------------------------

def received_dossier(server) -> tuple[str, str]:
    """A dossier received at the counter (over HTTP, as the officer's browser posts it): code, check."""
    known = query_db(server, "SELECT code, [check] FROM dossier WHERE code IS NOT NULL")
    if known:
        return known[0]
    procedure, documents = query_db(server, "SELECT id, documents FROM procedure WHERE code = '1.004859'")[0]
    http, token = staff_session(server.url, "canbo1")
    answer = http.post(server.url + "/counter/dossiers", allow_redirects=False, timeout=20, headers={
        "X-CSRFToken": token}, data={
        "procedure_id": str(uuid.UUID(procedure)), "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "001090123456", "applicant_phone": "0912 345 678",
        "applicant_address": "Xóm Hồng Thái 2, xã Tân Cương", "decision": "receive",
        "documents": [str(i) for i in range(len(json.loads(documents)))]})
    assert answer.status_code == 303, answer.text[-2000:]
    return query_db(server, "SELECT code, [check] FROM dossier WHERE code IS NOT NULL")[0]


def test_the_tracking_page_names_the_office_and_what_to_bring(site, pages):
    admin_sets_hours(pages, site.url, phone="0208 3855 123", saturday="07:30–11:30",
                     collect_note="Mang theo biên lai nộp lệ phí.")
    code, check = received_dossier(site)
    name, address = query_db(site, "SELECT name, address FROM reception_point")[0]
    phone = pages.open(site.url + f"/T/{code}?K={check}", width=412, height=915)
    expect(phone.locator("#office-name")).to_contain_text(name)
    expect(phone.locator("#office-address")).to_contain_text(address)
    expect(phone.locator("#office-phone a")).to_have_attribute("href", "tel:02083855123")
    expect(phone.locator("#office-hours")).to_contain_text("Thứ Bảy: Sáng 07:30–11:30.")
    expect(phone.locator("#office-bring")).to_contain_text("Giấy tiếp nhận hồ sơ")
    expect(phone.locator("#office-bring")).to_contain_text("giấy ủy quyền")
    expect(phone.locator("#office-note")).to_have_text("Mang theo biên lai nộp lệ phí.")
    phone.locator("#office").scroll_into_view_if_needed()
    shot(phone, "tracking-office.png")
