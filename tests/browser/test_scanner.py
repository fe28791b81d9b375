"""A keyboard-wedge scanner in a real Chromium page: no field to click first, told apart from typing.

A scanner types fast and presses Enter; `scan()` sends its keys 5 ms apart by their timestamps (so a
loaded machine pausing this process does not change what the page sees), and the site waits up to
SCANNER_WAIT_MS for the next key. A person types the same text with `delay=120`. Letters such as
"ễ" reach the page as text input, not key presses, exactly as they do from Playwright.

Needs the scan blueprints registered and the pages wired (scan URL, scanner.js); until then every
test here is skipped with the reason.
"""

import json
import re
import time
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.support.live_server import CSRF, KioskClient, staff_session

from .conftest import query_db, scripts_ready, start_server
from .test_journey import log_in

pytestmark = pytest.mark.browser

NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "001090123456"
CARD = f"{ID_NUMBER}|012345678|{NAME}|05031990|Nữ|Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên|15042021"
GARBLED = "Không đọc được mã vừa quét. Vui lòng quét lại, giữ mã thẳng và đủ sáng."
KIOSK_CARD = "Kiosk không đọc thẻ Căn cước. Vui lòng đến quầy."
SCANNER_MS = 5
PERSON_MS = 120


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site of its own: these tests call tickets and receive dossiers."""
    server = start_server(tmp_path_factory.mktemp("browser-scanner-site") / "instance",
                          env={"FLASK_SCANNER_WAIT_MS": "2000"})
    try:
        http = requests.Session()
        token = CSRF.search(http.get(server.url + "/kiosk", timeout=10).text).group(1)
        probe = http.post(server.url + "/kiosk/scan", data={"scan": "x"},
                          headers={"X-CSRFToken": token, "HX-Request": "true"}, timeout=10)
        if probe.status_code == 404:
            pytest.skip("POST /kiosk/scan is 404: the scan blueprints are not registered by the app factory")
        yield server
    finally:
        server.stop()


def scan(page, text: str) -> None:
    """Keys SCANNER_MS apart by their own timestamps, as a scanner's arrive, however late this
    process gets to send them; letters such as "ễ" as text input with no key press."""
    cdp = page.context.new_cdp_session(page)
    at = time.time()
    try:
        for char in text:
            at += SCANNER_MS / 1000
            if char.isascii():
                key(cdp, char, at, text=char)
            else:
                cdp.send("Input.insertText", {"text": char})
        key(cdp, "Enter", at + SCANNER_MS / 1000, text="\r", code=13)
    finally:
        cdp.detach()


def key(cdp, name: str, at: float, text: str, code: int = 0) -> None:
    down = {"type": "keyDown", "key": name, "text": text, "timestamp": at}
    if code:
        down["windowsVirtualKeyCode"] = down["nativeVirtualKeyCode"] = code
    cdp.send("Input.dispatchKeyEvent", down)
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": name, "timestamp": at + 0.001,
                                        **({"windowsVirtualKeyCode": code} if code else {})})


def nothing_focused(page) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert page.evaluate("document.activeElement === document.body")


def wired(page) -> None:
    """The page has run scanner.js (a deferred script) and says where scans go; its fonts are loaded.

    Waited for, not checked once: after a click that navigates, the new page's elements are visible
    before its deferred scripts have run, and on a loaded machine that gap is long.
    """
    scripts_ready(page)
    shown = page.locator("body").inner_text()[:300]
    assert page.evaluate("!!window.motcuaScanner"), f"scanner.js is not loaded on {page.url}: {shown}"
    url = page.evaluate("""document.body.dataset.scanUrl ||
        (document.querySelector('meta[name="scan-url"]') || {}).content || ''""")
    assert url.endswith("/scan"), "no scan URL (body data-scan-url or meta scan-url) on " + page.url
    page.evaluate("document.fonts.ready.then(() => true)")  # nobody scans while the page still loads


def open_intake(pages, base: str):
    officer = pages.open(base + "/login", 1366, 900)
    log_in(officer, "canbo1")
    expect(officer).to_have_url(re.compile(r"/counter$"))
    officer.goto(base + "/counter/dossiers/new")
    wired(officer)
    return officer


def expect_applicant(officer) -> None:
    applicant = officer.locator("#applicant")
    expect(applicant).to_contain_text(f"Đã đọc thẻ Căn cước của {NAME}")
    expect(applicant.locator('input[name="applicant_name"]')).to_have_value(NAME)
    expect(applicant.locator('input[name="applicant_id_number"]')).to_have_value(ID_NUMBER)
    expect(applicant.locator('input[name="applicant_birth_date"]')).to_have_value("05/03/1990")


def receive_dossier(site) -> tuple[str, str, str]:
    """A received dossier over HTTP, as the counter's form posts it: (id, code, check)."""
    http, token = staff_session(site.url, "canbo1")
    procedure_id, documents = query_db(site, "SELECT id, documents FROM procedure WHERE code = '1.004859'")[0]
    count = len(json.loads(documents))
    response = http.post(site.url + "/counter/dossiers", allow_redirects=False, timeout=10, data={
        "csrf_token": token, "procedure_id": str(uuid.UUID(procedure_id)), "applicant_name": NAME,
        "applicant_id_number": ID_NUMBER, "applicant_address": "Tân Cương", "decision": "receive",
        "documents": [str(i) for i in range(count)]})
    assert response.status_code == 303, response.text[-500:]
    dossier_id = response.headers["Location"].rsplit("/", 1)[1]
    code, check = query_db(site, "SELECT code, \"check\" FROM dossier WHERE id = ?",
                           uuid.UUID(dossier_id).hex)[0]
    return dossier_id, code, check


def test_card_scanned_with_the_cursor_in_notes_fills_the_applicant_and_leaves_notes_alone(site, pages):
    officer = open_intake(pages, site.url)
    select = officer.locator('select[name="procedure_id"]')
    select.select_option(index=1)
    chosen = select.input_value()
    notes = officer.locator('textarea[name="notes"]')
    notes.click()
    notes.press_sequentially("Có bản sao", delay=PERSON_MS)
    scan(officer, CARD)
    expect_applicant(officer)
    expect(notes).to_have_value("Có bản sao")  # the scan was taken back out of "Ghi chú"
    expect(officer.locator("#card-payload")).to_have_value("")
    assert select.input_value() == chosen
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/new$"))


def test_card_scanned_with_nothing_focused_fills_the_applicant(site, pages):
    officer = open_intake(pages, site.url)
    nothing_focused(officer)
    scan(officer, CARD)
    expect_applicant(officer)
    assert officer.evaluate("document.activeElement === document.body")


def test_a_person_typing_the_same_text_slowly_keeps_it_and_submits_nothing(site, pages):
    officer = open_intake(pages, site.url)
    posted = []
    officer.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    notes = officer.locator('textarea[name="notes"]')
    notes.click()
    notes.press_sequentially(CARD, delay=PERSON_MS, timeout=len(CARD) * PERSON_MS * 3)
    officer.keyboard.press("Enter")
    officer.wait_for_timeout(500)
    assert notes.input_value() == CARD + "\n"
    assert posted == []
    expect(officer.locator('input[name="applicant_name"]')).to_have_value("")


def test_card_scanned_at_the_counter_workspace_opens_the_intake_for_the_ticket_served(site, pages):
    _status, ticket, _ = KioskClient(site.url).take("A")
    assert ticket
    officer = pages.open(site.url + "/login", 1366, 900)
    log_in(officer, "canbo1")
    officer.locator('button.counter-choice[data-counter="1"]').click()
    expect(officer.locator("button.call-next")).to_be_visible()
    wired(officer)
    officer.keyboard.press("n")  # a person's shortcut still works next to the scanner
    expect(officer.locator("#serving-code")).to_have_text(ticket)

    nothing_focused(officer)
    scan(officer, CARD)  # its letters (h, k, p, v…) are shortcuts on this screen
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/new\?ticket="))
    expect(officer.locator("h1")).to_contain_text(ticket)
    expect_applicant(officer)
    assert ID_NUMBER not in officer.url
    status = query_db(site, "SELECT status FROM ticket WHERE code = ? ORDER BY issued_at DESC", ticket)[0][0]
    assert status == "called", f"a shortcut fired during the scan: the ticket is {status}"

    # The intake that came with the scan works like the one opened by hand.
    wired(officer)
    nothing_focused(officer)
    scan(officer, CARD)
    expect(officer.locator("#applicant")).to_contain_text(f"Đã đọc thẻ Căn cước của {NAME}")


def test_receipt_scanned_at_the_counter_opens_its_dossier(site, pages):
    dossier_id, code, check = receive_dossier(site)
    officer = open_intake(pages, site.url)
    officer.goto(site.url + "/counter")
    wired(officer)
    nothing_focused(officer)
    scan(officer, f"HTTP://127.0.0.1:{site.port}/T/{code}?K={check}")
    expect(officer).to_have_url(re.compile(rf"/counter/dossiers/{dossier_id}$"))
    expect(officer.locator("#dossier-code")).to_have_text(code)


def test_receipt_scanned_at_the_kiosk_home_shows_its_tracking_result(site, pages):
    _id, code, check = receive_dossier(site)
    kiosk = pages.open(site.url + "/kiosk", 1280, 800)
    wired(kiosk)
    scan(kiosk, f"HTTP://127.0.0.1:{site.port}/T/{code}?K={check}")
    expect(kiosk).to_have_url(re.compile(r"/kiosk/tra-cuu\?"))
    expect(kiosk.locator("#dossier-code")).to_have_text(code)
    expect(kiosk.locator("#applicant")).to_have_text("Nguyễn T. H. N.")


def test_garbled_scan_and_id_card_at_the_kiosk_get_a_message_and_stay_home(site, pages):
    kiosk = pages.open(site.url + "/kiosk", 1280, 800)
    wired(kiosk)
    scan(kiosk, f"HTTP://127.0.0.1:{site.port}/T/000.00.12.H56-2611")  # the scanner lost the end
    expect(kiosk.locator("#messages")).to_contain_text(GARBLED)
    expect(kiosk.locator('[data-screen="home"]')).to_be_visible()

    scan(kiosk, CARD)
    expect(kiosk.locator("#messages")).to_contain_text(KIOSK_CARD)
    assert NAME not in kiosk.content() and ID_NUMBER not in kiosk.content()
    expect(kiosk).to_have_url(re.compile(r"/kiosk$"))
