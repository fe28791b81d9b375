"""A dossier from the kiosk ticket to the returned result, each person in a real Chromium page.

The citizen takes a number; the officer calls it, receives her dossier from a scanned ID card,
gives her the Mẫu 01 receipt whose QR code her phone opens, moves the dossier through the legal
steps and hands the result back; the kiosk's "Tra cứu hồ sơ" finds it from the same QR code.

These tests run against their own site: calling a ticket at counter 1 on the shared one would
show up on the display board and in the waiting list that test_journey.py checks.
"""

import re
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, query_db, scripts_ready, shot, start_server
from .test_journey import log_in, take_ticket

pytestmark = pytest.mark.browser

PROCEDURE = "Thay đổi, cải chính hộ tịch"
CARD = (
    "001190123456|012345678|Nguyễn Thị Hồng Nhung|05031990|Nữ|"
    "Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên|15042021"
)
NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "001190123456"  # 4th digit 1: a woman born in the 1900s, as the card says
ADDRESS = "Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên"
PHONE = "0912345678"
MASKED = "Nguyễn T. H. N."
RECEIVE = "Hồ sơ đầy đủ — Tiếp nhận (Mẫu 01)"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY = [
    "Đã tiếp nhận hồ sơ",
    "Đã chuyển cơ quan giải quyết",
    "Đã có kết quả, mời nhận kết quả",
    "Đã trả kết quả",
]
DATED = re.compile(r"^\d{2}:\d{2} (\d{2})/(\d{2})/(\d{4}) — (.+)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh seeded site for this file alone (dossier numbers start at 0001)."""
    server = start_server(tmp_path_factory.mktemp("browser-dossier-site") / "instance")
    yield server
    server.stop()


def today_codes() -> set[str]:
    """yymmdd of the business day (either side of midnight, should the test straddle it)."""
    now = datetime.now(LOCAL)
    return {f"{moment:%y%m%d}" for moment in (now - timedelta(minutes=2), now, now + timedelta(minutes=2))}


def open_intake(pages, base: str):
    """Officer canbo1 at counter 1 calls the citizen's ticket and opens the intake screen."""
    kiosk = pages.open(base + "/kiosk", 1280, 800)
    ticket = take_ticket(kiosk, "A")
    assert re.fullmatch(r"A\d{3}", ticket), ticket

    officer = pages.open(base + "/login", 1366, 900)
    log_in(officer, "canbo1")
    expect(officer).to_have_url(re.compile(r"/counter$"))
    officer.locator('button.counter-choice[data-counter="1"]').click()
    expect(officer.locator("button.call-next")).to_be_visible()
    scripts_ready(officer)  # the shortcuts' listener is a deferred script
    officer.keyboard.press("n")
    expect(officer.locator("#serving-code")).to_have_text(ticket)

    intake_link = officer.locator('a[data-shortcut="d"]')
    expect(intake_link).to_contain_text("Tiếp nhận hồ sơ")
    href = intake_link.get_attribute("href")
    assert re.fullmatch(r"/counter/dossiers/new\?ticket=[0-9a-f-]{32,36}", href), href
    intake_link.click()
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/new\?ticket="))
    expect(officer.locator("h1")).to_contain_text(ticket)
    ticket_id = parse_qs(urlsplit(href).query)["ticket"][0]
    expect(officer.locator('#intake input[name="ticket_id"]')).to_have_value(ticket_id)
    return officer, ticket


def fill_intake(officer, payload: str) -> None:
    """Choose the procedure, scan the card as a keyboard wedge does, tick every paper, add a phone."""
    select = officer.locator('select[name="procedure_id"]')
    option = select.locator("option", has_text=PROCEDURE)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))
    papers = officer.locator('#checklist input[name="documents"]')
    expect(officer.locator("#checklist legend")).to_contain_text(PROCEDURE)
    expect(papers.first).to_be_visible()

    scripts_ready(officer)  # scanner.js reads the field: a deferred script
    officer.locator("#card-payload").focus()
    officer.keyboard.type(payload)
    typed = officer.locator("#card-payload").input_value()
    assert typed == payload, "the browser changed what the scanner typed"
    officer.keyboard.press("Enter")
    applicant = officer.locator("#applicant")
    expect(applicant).to_contain_text(f"Đã đọc thẻ Căn cước của {NAME}")
    expect(officer.locator("#card-payload")).to_have_value("")  # ready for the next card

    for field, value in (
        ("applicant_name", NAME),
        ("applicant_id_number", ID_NUMBER),
        ("applicant_birth_date", "05/03/1990"),
        ("applicant_gender", "Nữ"),
        ("applicant_address", ADDRESS),
    ):
        shown = applicant.locator(f'input[name="{field}"]').input_value()
        assert shown == value, (field, shown, value)  # exact code points: NFC, not just "looks equal"
        assert unicodedata.is_normalized("NFC", shown), (field, shown)

    count = papers.count()
    assert count >= 1
    for index in range(count):
        papers.nth(index).check()
    expect(officer.locator('#checklist input[name="documents"]:checked')).to_have_count(count)
    officer.locator('input[name="applicant_phone"]').fill(PHONE)


def receive(officer) -> tuple[str, str]:
    """Press the Mẫu 01 button; return (dossier code, check) from the dossier page."""
    officer.get_by_role("button", name=RECEIVE).click()
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/[0-9a-f-]{32,36}$"))
    expect(officer.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    code = officer.locator("#dossier-code").inner_text().strip()
    check = officer.locator("#check").inner_text().strip()
    match = re.fullmatch(r"000\.00\.12\.H56-(\d{6})-(\d{4})", code)
    assert match, code
    assert match.group(1) in today_codes(), code
    assert re.fullmatch(r"[0-9A-Z]{4,12}", check), check
    return code, check


def receipt_qr_codes(officer, name: str | None) -> list[str]:
    """Download the receipt PDF with the officer's cookies, render page 1, decode its QR codes."""
    link = officer.locator("#receipt-pdf")
    expect(link).to_be_visible()
    response = officer.context.request.get(link.evaluate("a => a.href"))
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.body())
    try:
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        image.save(SCREENSHOTS / name)
    return [
        code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_dossier_from_ticket_to_returned_result(site, pages):
    base = site.url
    officer, _ticket = open_intake(pages, base)
    fill_intake(officer, CARD)
    # The screenshot: the scanned applicant, the ticked papers and the Mẫu 01 button in one view.
    officer.evaluate("window.scrollTo(0, document.getElementById('applicant').offsetTop - 12)")
    expect(officer.get_by_role("button", name=RECEIVE)).to_be_in_viewport()
    shot(officer, "intake.png")

    code, check = receive(officer)
    assert code.endswith("-0001"), code  # first dossier of the day on a fresh site
    expect(officer.locator("#dossier")).to_contain_text(PROCEDURE)
    expect(officer.locator("#dossier")).to_contain_text(NAME)

    # The receipt: two A5 copies on one page, each with the same QR code.
    texts = receipt_qr_codes(officer, "receipt.png")
    expected_url = f"HTTP://127.0.0.1:{site.port}/T/{code}?K={check}"
    assert texts == [expected_url, expected_url], texts

    # The citizen's phone opens the QR code: masked name, no ID number, no phone.
    phone = pages.open(texts[0], 390, 844)
    expect(phone.locator("#dossier-code")).to_have_text(code)
    result = phone.locator("#tracking-result")
    expect(result).to_contain_text(PROCEDURE)
    expect(phone.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    expect(phone.locator("#applicant")).to_have_text(MASKED)
    html = phone.content()
    for secret in ("Nhung", ID_NUMBER, PHONE, "012345678", "Hồng Thái"):  # the office is in the same commune
        assert secret not in html, f"the public page shows {secret!r}"
    shot(phone, "tracking.png")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the tracking page is {width} px wide on a 390 px phone"

    # The thermal slip goes to the counter's printer (preview://).
    officer.get_by_role("button", name="In phiếu nhiệt").click()
    expect(officer.locator("#messages")).to_contain_text("Đã gửi giấy tiếp nhận tới máy in")
    jobs = query_db(site, "SELECT status FROM print_job WHERE document = 'receipt'")
    assert len(jobs) == 1, jobs

    # Back at the counter: the legal steps, each one replacing the dossier in place.
    officer.evaluate("window.__samePage = true")
    status = officer.locator("#dossier-status")
    officer.get_by_role("button", name="Chuyển cơ quan giải quyết").click()
    expect(status).to_have_text("Đang giải quyết")
    expect(officer.locator("#messages")).to_contain_text(f"Đã cập nhật hồ sơ {code}")
    officer.get_by_role("button", name="Đã có kết quả", exact=True).click()
    expect(status).to_have_text("Đã có kết quả")
    officer.get_by_label("Đã kiểm tra giấy tờ tùy thân và giấy tiếp nhận").check()
    officer.get_by_role("button", name="Trả kết quả", exact=True).click()
    # Handing back cannot be undone: the server asks first, on the page itself.
    expect(officer.locator("#confirm-question")).to_contain_text(f"Xác nhận trả kết quả hồ sơ {code}?")
    officer.locator("#confirm-yes").click()
    expect(status).to_have_text("Đã trả kết quả")
    assert officer.evaluate("window.__samePage === true"), "a step reloaded the whole page"

    # The phone, reloaded: returned, with the steps in order and dated dd/mm/yyyy.
    phone.reload()
    expect(phone.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    history = [line.strip() for line in phone.locator("ol.history li").all_inner_texts()]
    assert len(history) == len(HISTORY), history
    today = datetime.now(LOCAL).date()
    for line, label in zip(history, HISTORY, strict=True):
        match = DATED.match(line)
        assert match, line
        day, month, year, text = match.groups()
        assert text == label, (line, label)
        assert abs((datetime(int(year), int(month), int(day)).date() - today).days) <= 1, line

    # The kiosk's "Tra cứu hồ sơ": the receipt's QR code scanned into the focused field.
    kiosk = pages.open(base + "/kiosk/tra-cuu", 1280, 800)
    scan = kiosk.locator('input[name="scan"]')
    expect(scan).to_be_focused()
    scripts_ready(kiosk)
    kiosk.keyboard.type(expected_url)
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#dossier-code")).to_have_text(code)
    expect(kiosk.locator("#kiosk-screen")).to_be_visible()  # still the kiosk: it goes home when idle
    expect(kiosk.locator("#dossier-status")).to_have_text("Đã trả kết quả")


def test_card_scanned_in_decomposed_unicode_fills_composed_text(site, pages):
    """Some scanners (and Unikey) send NFD; the form, the dossier and the public page get NFC."""
    nfd = unicodedata.normalize("NFD", CARD)
    assert nfd != CARD
    officer, _ticket = open_intake(pages, site.url)
    fill_intake(officer, nfd)
    code, check = receive(officer)

    shown = officer.locator("#dossier dl.facts").inner_text()
    assert NAME in shown, shown
    assert unicodedata.normalize("NFD", NAME) not in shown
    rows = query_db(site, "SELECT applicant_name, applicant_address FROM dossier WHERE code = ?", code)
    assert rows == [(NAME, ADDRESS)], rows

    texts = receipt_qr_codes(officer, None)
    assert len(texts) == 2 and set(texts) == {f"HTTP://127.0.0.1:{site.port}/T/{code}?K={check}"}, texts
    phone = pages.open(texts[0], 390, 844)
    expect(phone.locator("#dossier-code")).to_have_text(code)
    assert phone.locator("#applicant").inner_text().strip() == MASKED
