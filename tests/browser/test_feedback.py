"""A complaint from the kiosk to its answer, each person in a real Chromium page.

A citizen at the kiosk writes a complaint in Vietnamese, gets the receipt and opens its /P/ URL on
a phone: "Đã tiếp nhận". A supervisor assigns it to an officer, who answers it at the counter after
confirming; the citizen's page then shows the answer.

The test runs against its own site: logging officers in on the shared one would close counters the
other browser tests use.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import query_db, scripts_ready, shot, start_server
from .test_journey import log_in

pytestmark = pytest.mark.browser

COMPLAINT = "Tôi chờ ở quầy số 2 gần một tiếng mà không được hướng dẫn; đề nghị đơn vị chấn chỉnh."
ANSWER = "Đơn vị đã nhắc nhở cán bộ quầy số 2 và xin lỗi Ông/Bà vì sự chậm trễ."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("browser-pakn-site") / "instance")
    yield server
    server.stop()


def full_name(server, username: str) -> str:
    return query_db(server, "SELECT full_name FROM staff_user WHERE username = ?", username)[0][0]


def staff_page(pages, base: str, username: str):
    page = pages.open(base + "/login", 1366, 900)
    log_in(page, username)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(base + "/counter/pakn")
    return page


def test_a_kiosk_complaint_is_assigned_answered_and_followed_by_qr(site, pages):
    base = site.url

    # The citizen, at the kiosk: no name, no phone; a kind, a topic and the complaint.
    kiosk = pages.open(base + "/kiosk", 1280, 1024)
    scripts_ready(kiosk)
    kiosk.locator("#pakn-link").click()
    expect(kiosk.locator('[data-screen="pakn-form"]')).to_be_visible()
    expect(kiosk.locator("#pakn-notice")).to_contain_text("Không cần ghi họ tên")
    kiosk.locator("label.pakn-choice", has_text="Phản ánh").click()
    kiosk.locator("label.pakn-choice", has_text="Thái độ, tác phong cán bộ").click()
    kiosk.locator("#pakn-content").press_sequentially(COMPLAINT)
    expect(kiosk.locator("#pakn-content")).to_have_value(COMPLAINT)
    kiosk.locator("button.pakn-send").click()
    expect(kiosk.locator('[data-screen="pakn-receipt"]')).to_be_visible()
    code = kiosk.locator("#pakn-code").inner_text().strip()
    check = kiosk.locator("#pakn-check").inner_text().strip()
    assert re.fullmatch(r"000\.00\.12\.H56-PA-\d{6}-\d{4}", code), code
    url = kiosk.locator("#pakn-url").get_attribute("href")
    assert url.endswith(f"/P/{code}?K={check}") and url == url.upper()
    expect(kiosk.locator(".pakn-qr svg")).to_be_visible()
    expect(kiosk.locator("#pakn-due")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    expect(kiosk.locator("#print-status")).to_contain_text("Phiếu tiếp nhận đã được in")  # preview://
    shot(kiosk, "pakn-receipt.png")

    # Her phone opens the receipt's QR code.
    phone = pages.open(url, 390, 844)
    expect(phone.locator("#pakn-status")).to_have_text("Đã tiếp nhận")
    expect(phone.locator("#pakn-code")).to_have_text(code)

    # The supervisor gives it to an officer.
    officer_name = full_name(site, "canbo1")
    boss = staff_page(pages, base, "giamsat")
    boss.locator(f'tr[data-code="{code}"] a').click()
    expect(boss.locator("#pakn-content")).to_have_text(COMPLAINT)
    boss.locator("#assign-officer").select_option(label=officer_name)
    boss.locator("#assign-form button[type=submit]").click()
    expect(boss.locator("#pakn-assignee")).to_contain_text(officer_name)

    # The officer finds it among their own and answers, confirming what cannot be undone.
    officer = staff_page(pages, base, "canbo1")
    officer.goto(base + "/counter/pakn?mine=1")
    officer.locator(f'tr[data-code="{code}"] a').click()
    officer.locator("#answer-text").press_sequentially(ANSWER)
    officer.locator("#answer-form button[type=submit]").click()
    expect(officer.locator("#confirm-form")).to_contain_text("không sửa được")
    officer.locator("#confirm-button").click()
    expect(officer.locator("#pakn-status")).to_have_text("Đã trả lời")
    expect(officer.locator("#pakn-answer")).to_have_text(ANSWER)

    # The citizen's page now shows the answer, and no staff name.
    phone.reload()
    expect(phone.locator("#pakn-status")).to_have_text("Đã trả lời")
    expect(phone.locator("#pakn-answer")).to_have_text(ANSWER)
    assert officer_name not in phone.content()
