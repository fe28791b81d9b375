"""A dossier's steps as an officer meets them in Chromium: a stop needs a reason and a confirmation
the server renders (no browser dialog), "Huỷ" leaves the dossier open, the stop notice carries the
reason; a procedure counted in hours says so at the kiosk and at intake; the received time stays
the paper's after a supplement, at the counter and on the tracking page.

Own site: the dossiers made here would change another file's numbers.
"""

import io
import json
import re
import sqlite3
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.support.live_server import LiveServer

from .conftest import query_db, shot
from .test_journey import log_in

pytestmark = pytest.mark.browser

PROCEDURE = "1.004222"  # Đăng ký thường trú: 7 working days
HOURS_PROCEDURE = "1.004873"  # Xác nhận tình trạng hôn nhân, made a 4-hour procedure below
REASON = "Công dân xin rút hồ sơ để bổ sung giấy tờ nhà đất"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # a generous start: the machine may be busy with other suites
    server = LiveServer(tmp_path_factory.mktemp("browser-steps-site") / "instance").start(timeout=90)
    yield server
    server.stop()


def officer_page(pages, site):
    page = pages.open(site.url + "/login", 1366, 900)
    log_in(page, "canbo1")
    expect(page).to_have_url(re.compile(r"/counter$"))
    page.on("dialog", lambda dialog: pytest.fail(f"a browser dialog was opened: {dialog.message}"))
    return page


def received_dossier(site, page) -> str:
    """Receive a complete dossier through the intake URL (as the form posts it); return its page URL."""
    sql = "SELECT id, documents FROM procedure WHERE code = ?"
    (procedure_id, documents), = query_db(site, sql, PROCEDURE)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    form = {"procedure_id": procedure_id, "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_id_number": "001090123456", "decision": "receive", "id_card_checked": "on"}
    body = urlencode([*form.items(), *(("documents", str(i)) for i in range(len(json.loads(documents))))])
    response = page.context.request.post(site.url + "/counter/dossiers", data=body, max_redirects=0,
                                         headers={"X-CSRFToken": token,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 303, response.text()[:2000]
    return site.url + response.headers["location"].removeprefix(site.url)


def status_in_db(site, code: str) -> str:
    return query_db(site, "SELECT status FROM dossier WHERE code = ?", code)[0][0]


def test_stop_with_an_empty_reason_shows_the_message_beside_the_field_and_does_nothing(site, pages):
    page = officer_page(pages, site)
    page.goto(received_dossier(site, page))
    code = page.locator("#dossier-code").inner_text()
    stop = page.locator("#step-stop")
    stop.get_by_role("button", name="Dừng giải quyết").click()
    error = page.locator("#stop-reason-error")
    expect(error).to_have_text("Hãy ghi rõ lý do công dân đề nghị dừng giải quyết hồ sơ.")
    # Beside the field: with the reason's box, inside the stop form.
    expect(page.locator("#step-stop label:has(input[name=reason]) #stop-reason-error")).to_be_visible()
    expect(page.locator('#step-stop input[name="reason"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    expect(page.locator("#step-confirm")).to_have_count(0)
    assert status_in_db(site, code) == "received"


def test_stop_asks_for_confirmation_cancel_keeps_it_open_and_the_notice_carries_the_reason(site, pages):
    page = officer_page(pages, site)
    page.goto(received_dossier(site, page))
    code = page.locator("#dossier-code").inner_text()
    page.locator('#step-stop input[name="reason"]').fill(REASON)
    page.locator("#step-stop").get_by_role("button", name="Dừng giải quyết").click()
    question = page.locator("#confirm-question")
    expect(question).to_have_text(f"Xác nhận dừng giải quyết hồ sơ {code}? Việc này không hoàn tác được.")
    expect(page.locator("#step-confirm")).to_contain_text(REASON)
    page.locator("#step-confirm").scroll_into_view_if_needed()
    shot(page, "dossier-stop-confirm.png")
    assert status_in_db(site, code) == "received"  # asked, not done

    page.get_by_role("button", name="Huỷ").click()
    expect(page.locator("#step-confirm")).to_have_count(0)
    expect(page.locator("#step-stop")).to_be_visible()
    expect(page.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    assert status_in_db(site, code) == "received"

    page.locator('#step-stop input[name="reason"]').fill(REASON)
    page.locator("#step-stop").get_by_role("button", name="Dừng giải quyết").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#dossier-status")).to_have_text("Dừng giải quyết")
    expect(page.locator("#reasons")).to_have_text(REASON)
    assert status_in_db(site, code) == "stopped"

    notice = page.locator("#form-stop")
    expect(notice).to_be_visible()
    response = page.context.request.get(notice.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert f"Lý do: {REASON}" in text, text


def test_an_hours_procedure_says_4_working_hours_at_the_kiosk_and_at_intake(site, pages):
    with sqlite3.connect(site.database, timeout=10) as connection:  # as admin would set it
        connection.execute("UPDATE procedure SET deadline_days = 0, deadline_hours = 4 WHERE code = ?",
                           (HOURS_PROCEDURE,))
    connection.close()
    name = query_db(site, "SELECT name FROM procedure WHERE code = ?", HOURS_PROCEDURE)[0][0]

    kiosk = pages.open(site.url + "/kiosk", 1280, 800)
    kiosk.goto(site.url + "/kiosk/thu-tuc")
    button = kiosk.locator(".procedure-button", has_text=name)
    expect(button).to_contain_text("Trong 4 giờ làm việc")
    button.click()
    expect(kiosk.locator("#procedure-deadline")).to_contain_text("Trong 4 giờ làm việc")
    expect(kiosk.locator("#kiosk-screen")).not_to_contain_text("0 ngày làm việc")

    officer = officer_page(pages, site)
    officer.goto(site.url + "/counter/dossiers/new")
    select = officer.locator('select[name="procedure_id"]')
    option = select.locator("option", has_text=name)
    select.select_option(value=option.get_attribute("value"))
    expect(officer.locator("#checklist-deadline")).to_have_text("Trong 4 giờ làm việc")
    expect(officer.locator("fieldset.checklist")).not_to_contain_text("0 ngày làm việc")


def test_the_received_time_stays_the_papers_after_a_supplement(site, pages):
    page = officer_page(pages, site)
    page.goto(received_dossier(site, page))
    code, check = page.locator("#dossier-code").inner_text(), page.locator("#check").inner_text()
    paper = page.locator("#received").inner_text()
    expect(page.locator("#clock-start")).to_have_count(0)

    page.locator('textarea[name="items"]').fill("Bản sao sổ hộ khẩu")
    page.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(page.locator("#dossier-status")).to_have_text("Chờ bổ sung hồ sơ")
    page.get_by_role("button", name="Công dân đã bổ sung — tính lại thời hạn").click()
    expect(page.locator("#dossier-status")).to_have_text("Đang giải quyết")
    expect(page.locator("#received")).to_have_text(paper)
    expect(page.locator("#clock-start")).to_be_visible()
    page.reload()
    expect(page.locator("#received")).to_have_text(paper)

    phone = pages.open(f"{site.url}/T/{code}?K={check}", 390, 844)
    expect(phone.locator("#received")).to_have_text(paper)
    expect(phone.locator("#clock-start")).to_be_visible()
    expect(phone.locator("#tracking-result")).to_contain_text("Thời hạn tính lại từ")
