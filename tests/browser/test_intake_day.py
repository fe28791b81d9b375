"""A day of intake at the counter, in Chromium: mistakes never cost the form, an expired session
never costs what was typed, typing keeps the session, and the steps around a ticket are fewer.

Tickets are issued straight through domain.tickets (a subprocess on the live site's instance), not
at the kiosk: the kiosk keeps opening hours, and these tests run at any hour.
"""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.support.live_server import LiveServer

from .conftest import ROOT, query_db, scripts_ready, shot
from .test_journey import log_in

pytestmark = pytest.mark.browser

PROCEDURE = "Thay đổi, cải chính hộ tịch"
NAME = "Trần Thị Mai Anh"
ID_NUMBER = "001190123456"  # 4th digit 1: a woman born in the 1900s; 5th–6th: 90
ADDRESS = "Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên"
CARD = f"{ID_NUMBER}|012345678|{NAME}|05031990|Nữ|{ADDRESS}|15042021"
MAN_ID = "001090123457"  # 4th digit 0: a man born in the 1900s
RECEIVE = "Hồ sơ đầy đủ — Tiếp nhận (Mẫu 01)"
REFUSE = "Không đủ điều kiện — Từ chối (Mẫu 03)"
IDLE_SECONDS = 20
ISSUE = """
import sys
from sqlalchemy import select
from domain.site import current_site
from domain.tickets import issue_ticket
from models import Queue
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import write_transaction
app = create_app()
with app.app_context(), write_transaction():
    site = current_site()
    queue = select(Queue).where(Queue.site_id == site.id, Queue.letter == sys.argv[1])
    print(issue_ticket(site, db.session.scalars(queue).one()).ticket.code)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("browser-intake-site") / "instance").start(timeout=90)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def short_site(tmp_path_factory):
    """A site whose staff sessions expire after IDLE_SECONDS without an action."""
    server = LiveServer(tmp_path_factory.mktemp("browser-intake-idle") / "instance",
                        env={"FLASK_STAFF_IDLE_TIMEOUT": str(IDLE_SECONDS)}).start(timeout=90)
    yield server
    server.stop()


def issue(server, letter: str) -> str:
    """A ticket in queue `letter`, as the kiosk would give it; its code."""
    done = subprocess.run([sys.executable, "-c", ISSUE, letter], cwd=ROOT, env=server.env, check=True,
                          capture_output=True, text=True, timeout=60)
    return done.stdout.strip().splitlines()[-1]


def officer_page(pages, server, path="/counter/dossiers/new"):
    page = pages.open(server.url + "/login", 1366, 900)
    log_in(page, "canbo1")
    expect(page).to_have_url(re.compile(r"/counter$"))
    page.goto(server.url + path)
    scripts_ready(page)
    return page


def call_at_counter_one(pages, server):
    """canbo1 sits at counter 1 (queues A and B) and calls the next citizen."""
    page = pages.open(server.url + "/login", 1366, 900)
    log_in(page, "canbo1")
    expect(page).to_have_url(re.compile(r"/counter$"))
    choice = page.locator('button.counter-choice[data-counter="1"]')
    if choice.count():
        choice.click()
    expect(page.locator("button.call-next")).to_be_visible()
    page.locator("button.call-next").click()
    return page


def choose_procedure(page, name=PROCEDURE):
    select = page.locator('select[name="procedure_id"]')
    select.select_option(value=select.locator("option", has_text=name).get_attribute("value"))
    expect(page.locator("#checklist legend")).to_contain_text(name)


def scan(page, payload=CARD):
    page.locator("#card-payload").focus()
    page.keyboard.type(payload)
    page.keyboard.press("Enter")
    expect(page.locator("#applicant")).to_contain_text("Đã đọc thẻ Căn cước")


def fill_intake(page, payload=CARD):
    """Everything an officer enters: procedure, scanned applicant, papers, proxy, fee, channel, notes."""
    choose_procedure(page)
    scan(page, payload)
    page.locator('#checklist input[name="documents"]').first.check()
    page.locator('input[name="applicant_phone"]').fill("0912345678")
    page.locator('input[name="proxy_name"]').fill("Lê Văn Bình")
    page.locator('input[name="proxy_authorisation"]').fill("Giấy ủy quyền số 12/UQ")
    page.locator('input[name="fee"]').fill("15.000")
    page.locator('select[name="channel"]').select_option("online")
    page.locator('textarea[name="notes"]').fill("Công dân mang bản chính đối chiếu")


def tick_every_paper(page):
    for paper in page.locator('#checklist input[name="documents"]').all():
        paper.check()


def assert_everything_kept(page, name=NAME):
    """What fill_intake entered is still in the form, the scanned applicant included."""
    for field, value in (("applicant_name", name), ("applicant_id_number", ID_NUMBER),
                         ("applicant_birth_date", "05/03/1990"), ("applicant_gender", "Nữ"),
                         ("applicant_address", ADDRESS), ("applicant_phone", "0912345678"),
                         ("proxy_name", "Lê Văn Bình"), ("proxy_authorisation", "Giấy ủy quyền số 12/UQ"),
                         ("fee", "15.000")):
        expect(page.locator(f'#intake input[name="{field}"]')).to_have_value(value)
    expect(page.locator('textarea[name="notes"]')).to_have_value("Công dân mang bản chính đối chiếu")
    expect(page.locator('select[name="channel"]')).to_have_value("online")
    expect(page.locator('select[name="procedure_id"] option:checked')).to_contain_text(PROCEDURE)
    expect(page.locator('#checklist input[name="documents"]').first).to_be_checked()


def assert_refused_beside(page, field: str, text: str):
    """The message beside the field, in the summary as a link to it, and the cursor in it."""
    beside = page.locator(f"#e-{field}")
    expect(beside).to_be_visible()
    expect(beside).to_contain_text(text)
    expect(page.locator(f'#error-summary a[href="#f-{field}"]')).to_contain_text(text)
    expect(page.locator(f"#f-{field}")).to_be_focused()
    expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")


def test_receiving_with_no_paper_ticked_keeps_the_form(site, pages):
    page = officer_page(pages, site)
    fill_intake(page)
    page.locator('#checklist input[name="documents"]').first.uncheck()
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "documents", "Hồ sơ còn thiếu")
    page.locator('#checklist input[name="documents"]').first.check()  # as fill_intake left it
    assert_everything_kept(page)
    expect(page).to_have_url(re.compile(r"/counter/dossiers/new$"))  # no bare message page
    shot(page, "intake-error-kept.png")


def test_refusing_with_no_reason_keeps_the_form(site, pages):
    page = officer_page(pages, site)
    fill_intake(page)
    page.get_by_role("button", name=REFUSE).click()
    assert_refused_beside(page, "reasons", "lý do từ chối")
    assert_everything_kept(page)
    page.locator('textarea[name="reasons"]').fill("Không thuộc thẩm quyền của xã")
    page.get_by_role("button", name=REFUSE).click()
    expect(page.locator("#dossier-status")).to_have_text("Từ chối tiếp nhận")


def test_a_bad_birth_date_keeps_the_form(site, pages):
    page = officer_page(pages, site)
    fill_intake(page)
    page.locator('input[name="applicant_birth_date"]').fill("31/02/1990")
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "applicant_birth_date", "không đúng dạng dd/mm/yyyy")
    expect(page.locator('input[name="applicant_birth_date"]')).to_have_value("31/02/1990")
    expect(page.locator('input[name="applicant_name"]')).to_have_value(NAME)
    expect(page.locator('input[name="proxy_name"]')).to_have_value("Lê Văn Bình")
    expect(page.locator('#checklist input[name="documents"]').first).to_be_checked()


def test_a_bad_id_number_or_phone_keeps_the_form(site, pages):
    page = officer_page(pages, site)
    fill_intake(page)
    page.locator('input[name="applicant_id_number"]').fill("00119012345")
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "applicant_id_number", "đúng 12 chữ số")
    expect(page.locator('input[name="applicant_id_number"]')).to_have_value("00119012345")
    page.locator('input[name="applicant_id_number"]').fill(ID_NUMBER)
    page.locator('input[name="applicant_phone"]').fill("09abc")
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "applicant_phone", "Số điện thoại")
    expect(page.locator('input[name="applicant_phone"]')).to_have_value("09abc")
    page.locator('input[name="applicant_phone"]').fill("0912345678")
    assert_everything_kept(page)


def test_a_name_longer_than_a_dossier_holds_is_said_not_cut(site, pages):
    page = officer_page(pages, site)
    long_name = "Nguyễn " + "Thị " * 30 + "An"
    assert len(long_name) > 120
    fill_intake(page, CARD.replace(NAME, long_name))
    expect(page.locator("#e-applicant_name")).to_contain_text("dài hơn 120 ký tự")
    expect(page.locator('input[name="applicant_name"]')).to_have_value(long_name)  # not cut
    expect(page.locator('input[name="applicant_name"]')).to_have_attribute("maxlength", "120")
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "applicant_name", "dài quá 120 ký tự")
    assert_everything_kept(page, name=long_name)


def test_an_id_number_against_the_birth_year_or_gender_asks_to_compare_with_the_card(site, pages):
    page = officer_page(pages, site)
    fill_intake(page, CARD.replace(ID_NUMBER, MAN_ID))  # a man's number on a woman's card
    warning = page.locator("#id-warning")
    expect(warning).to_contain_text("ứng với giới tính Nam")
    page.locator('input[name="applicant_birth_date"]').fill("05/03/2001")
    page.locator('input[name="applicant_birth_date"]').blur()
    expect(warning).to_contain_text("ứng với người sinh năm 1990")
    page.locator('input[name="applicant_birth_date"]').fill("05/03/1990")
    tick_every_paper(page)
    page.get_by_role("button", name=RECEIVE).click()
    assert_refused_beside(page, "id_card_checked", "Tôi đã đối chiếu với thẻ")
    page.locator('input[name="id_card_checked"]').check()
    page.get_by_role("button", name=RECEIVE).click()
    expect(page.locator("#dossier-status")).to_have_text("Đã tiếp nhận")  # compared: not refused


def test_procedures_are_narrowed_to_the_ticket_queue(site, pages):
    code = issue(site, "B")  # Chứng thực
    page = call_at_counter_one(pages, site)
    expect(page.locator("#serving-code")).to_have_text(code)
    page.locator('a[data-shortcut="d"]').click()
    expect(page.locator("h1")).to_contain_text(code)
    options = page.locator('select[name="procedure_id"] option:not([value=""])')
    expect(options.first).to_contain_text("Chứng thực ·")
    assert all(text.startswith("Chứng thực ·") for text in options.all_inner_texts())
    expect(page.locator("#procedure-choice")).to_contain_text("Chỉ hiện thủ tục thuộc lĩnh vực")
    page.get_by_label("Hiện tất cả thủ tục").check()
    expect(page.locator('select[name="procedure_id"] option', has_text="Hộ tịch ·").first).to_be_attached()
    page.get_by_label("Hiện tất cả thủ tục").uncheck()
    expect(page.locator('select[name="procedure_id"] option', has_text="Hộ tịch ·")).to_have_count(0)


def test_receiving_finishes_the_ticket_and_calls_the_next(site, pages):
    first, second = issue(site, "A"), issue(site, "A")
    page = call_at_counter_one(pages, site)
    expect(page.locator("#serving-code")).to_have_text(first)
    page.locator('a[data-shortcut="d"]').click()
    expect(page.locator('#finish-ticket input[name="finish_ticket"]')).to_be_checked()
    choose_procedure(page)
    scan(page)
    tick_every_paper(page)
    page.get_by_role("button", name=RECEIVE).click()
    expect(page.locator("#dossier-status")).to_have_text("Đã tiếp nhận")
    expect(page.locator("#ticket-done")).to_contain_text(f"Đã kết thúc số {first}.")
    assert query_db(site, "SELECT status FROM ticket WHERE code = ? ORDER BY issued_at DESC LIMIT 1",
                    first) == [("done",)]
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('motcua-draft:'))")
    assert drafts == []  # received: nothing personal left in the browser
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(page.locator("#serving-code")).to_have_text(second)


def seconds_left(page, server) -> int:
    response = page.request.get(server.url + "/staff/session", headers={"HX-Request": "true"})
    return response.json()["remaining"] if response.status == 200 else 0


def test_the_expiry_warning_comes_first_and_continuing_extends_the_session(short_site, pages):
    page = officer_page(pages, short_site)
    warning = page.locator("#session-warning")
    expect(warning).to_be_visible(timeout=(IDLE_SECONDS + 10) * 1000)
    expect(warning).to_contain_text("sắp hết hạn")
    with page.expect_response(lambda r: r.url.endswith("/staff/session/alive")) as alive:
        page.get_by_role("button", name="Tiếp tục làm việc").click()
    assert alive.value.json()["remaining"] >= IDLE_SECONDS - 2
    expect(warning).to_be_hidden()
    assert seconds_left(page, short_site) > IDLE_SECONDS // 3  # the server extended it


def test_typing_keeps_the_session_alive(short_site, pages):
    page = officer_page(pages, short_site)
    while seconds_left(page, short_site) > IDLE_SECONDS - 7:  # past the keep-alive throttle (5 s)
        page.wait_for_timeout(500)
    with page.expect_response(lambda r: r.url.endswith("/staff/session/alive")) as alive:
        page.locator('textarea[name="notes"]').type("Đang nhập")
    assert alive.value.json()["remaining"] >= IDLE_SECONDS - 2
    assert seconds_left(page, short_site) >= IDLE_SECONDS - 4
    expect(page.locator("#session-warning")).to_have_count(0)


def test_an_expired_session_returns_the_draft_after_logging_in_again(short_site, pages):
    page = officer_page(pages, short_site)
    fill_intake(page)
    ended = page.locator("#session-warning.ended")
    expect(ended).to_be_visible(timeout=(IDLE_SECONDS + 15) * 1000)
    expect(ended).to_contain_text("đã kết thúc")
    page.get_by_role("button", name=RECEIVE).click()  # lands on an expired session
    expect(page).to_have_url(re.compile(r"/login\?next=/counter/dossiers/new"))
    expect(page.locator("main")).to_contain_text("Phiên làm việc đã hết hạn")
    log_in(page, "canbo1")
    expect(page).to_have_url(re.compile(r"/counter/dossiers/new$"))
    expect(page.locator("#draft-notice")).to_contain_text("Đã khôi phục bản nháp")
    assert_everything_kept(page)
    shot(page, "intake-draft-restored.png")
    page.get_by_role("button", name="Bỏ bản nháp").click()
    expect(page.locator('input[name="applicant_name"]')).to_have_value("")
    expect(page.locator("#draft-notice")).to_have_count(0)
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('motcua-draft:'))")
    assert drafts == []
