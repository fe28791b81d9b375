"""A citizen who lost the receipt is found by whatever they remember, and lists sort in Vietnamese order.

The officer receives three dossiers (two of one citizen), then finds hers from the dossier list's search
box by the end of the code, her name typed without diacritics, her ID number and her phone as she says
it; the list masks the ID number and phone; her history lists both of her dossiers. At the kiosk, a
procedure beginning with "Đ" comes right after those beginning with "D", not after "X".
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import scripts_ready, shot, start_server
from .test_journey import log_in

pytestmark = pytest.mark.browser

NAME, ID_NUMBER, PHONE = "Nguyễn Thị Hồng Nhung", "001090123456", "0912345678"
OTHER = ("Trần Văn Đức", "031095000777", "0987654321")
RECEIVE = "Hồ sơ đầy đủ — Tiếp nhận (Mẫu 01)"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh site of its own: the dossiers it receives are the only ones the search can find."""
    server = start_server(tmp_path_factory.mktemp("browser-search-site") / "instance")
    yield server
    server.stop()


def receive(officer, base: str, procedure: str, name: str, id_number: str, phone: str) -> str:
    """Take in a complete dossier from the intake form; return its code."""
    officer.goto(base + "/counter/dossiers/new")
    select = officer.locator('select[name="procedure_id"]')
    option = select.locator("option", has_text=procedure)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))
    papers = officer.locator('#checklist input[name="documents"]')
    expect(officer.locator("#checklist legend")).to_contain_text(procedure)
    expect(papers.first).to_be_visible()
    for index in range(papers.count()):
        papers.nth(index).check()
    officer.locator('input[name="applicant_name"]').fill(name)
    officer.locator('input[name="applicant_id_number"]').fill(id_number)
    officer.locator('input[name="applicant_phone"]').fill(phone)
    officer.get_by_role("button", name=RECEIVE).click()
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/[0-9a-f-]{32,36}$"))
    return officer.locator("#dossier-code").inner_text().strip()


def search(officer, typed: str):
    """Type in the dossier list's search box; the results follow the typing (htmx)."""
    box = officer.locator("#search-q")
    box.fill(typed)
    return officer.locator("#search-results")


def test_a_citizen_is_found_by_each_key_masked_and_her_history_opens(site, pages):
    base = site.url
    officer = pages.open(base + "/login", 1366, 900)
    log_in(officer, "canbo1")
    expect(officer).to_have_url(re.compile(r"/counter$"))
    first = receive(officer, base, "Đăng ký khai sinh", NAME, ID_NUMBER, PHONE)
    other = receive(officer, base, "Chứng thực chữ ký", *OTHER)
    second = receive(officer, base, "Xác nhận tình trạng hôn nhân", NAME, ID_NUMBER, "0912 345 678")

    officer.goto(base + "/counter/dossiers")
    scripts_ready(officer)
    tail = first.rsplit("-", 1)[1]
    results = search(officer, tail)  # the end of the code, as on the lost receipt's photo
    expect(results).to_contain_text(first)
    expect(results).not_to_contain_text(second)

    for typed in ("nguyen thi hong nhung", "001 090 123 456", "0912 345 678", "+84 912.345.678"):
        results = search(officer, typed)
        expect(results.locator("tbody tr")).to_have_count(2)
        expect(results).to_contain_text(first)
        expect(results).to_contain_text(second)
        expect(results).not_to_contain_text(other)
    rows = results.locator("tbody tr")
    expect(rows.first).to_contain_text(second)  # newest first
    expect(rows.first).to_contain_text(NAME)
    expect(rows.first).to_contain_text("••••••••3456")
    expect(rows.first).to_contain_text("•••••••678")
    expect(results).not_to_contain_text(ID_NUMBER)
    expect(results).not_to_contain_text(PHONE)
    expect(results).to_contain_text("Đã tiếp nhận")
    assert "/counter/search?q=" in officer.url  # the search is in the address: back returns to it
    shot(officer, "dossier-search.png")

    results = search(officer, "x")
    expect(officer.locator("#search-error")).to_contain_text("Hãy gõ ít nhất 2 chữ")

    results = search(officer, "tran van duc")
    expect(results).to_contain_text(other)
    expect(results).to_contain_text("Trần Văn Đức")

    # the plain form, without htmx: Enter submits a GET and the page lists the same
    officer.goto(base + "/counter/search?q=nhung")
    rows = officer.locator("#search-results tbody tr")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link", name="Các hồ sơ của công dân").click()
    expect(officer.locator("h1")).to_have_text("Các hồ sơ của công dân")
    history = officer.locator("table.search-results tbody tr")
    expect(history).to_have_count(2)
    expect(officer.locator("main")).to_contain_text(NAME)
    expect(officer.locator("main")).not_to_contain_text(other)
    expect(officer.locator("main")).not_to_contain_text(ID_NUMBER)
    history.last.get_by_role("link", name=first).click()
    expect(officer).to_have_url(re.compile(r"/counter/dossiers/[0-9a-f-]{32,36}$"))
    expect(officer.locator("#dossier-code")).to_have_text(first)


def add_procedure(admin, code: str, name: str, field: str) -> None:
    """The admin opens "Thêm thủ tục" at the end of the catalogue and adds a procedure."""
    adding = admin.locator("details.procedure").last
    if not adding.evaluate("details => details.open"):  # left open after the last one was added
        adding.locator("summary").click()
    form = adding.locator("form.procedure-form")
    form.locator('input[name="ma_thu_tuc"]').fill(code)
    form.locator('input[name="ten_thu_tuc"]').fill(name)
    form.locator('input[name="linh_vuc"]').fill(field)
    form.locator('input[name="thoi_han_ngay"]').fill("5")
    form.get_by_role("button", name="Thêm thủ tục").click()
    expect(admin.locator("#procedures")).to_contain_text(name)


def test_the_kiosk_lists_d_then_dj_then_g_not_dj_after_x(site, pages):
    admin = pages.open(site.url + "/login", 1366, 900)
    log_in(admin, "admin")
    admin.goto(site.url + "/admin")
    scripts_ready(admin)  # the procedure form is sent by htmx
    add_procedure(admin, "9.000001", "Dân tộc: xác định lại dân tộc", "Hộ tịch")
    add_procedure(admin, "9.000002", "Ghi vào sổ việc hộ tịch đã giải quyết ở nước ngoài", "Hộ tịch")

    kiosk = pages.open(site.url + "/kiosk/thu-tuc", 1280, 800)
    fields = [text.strip() for text in kiosk.locator("section.kiosk-procedures h2").all_inner_texts()]
    assert fields.index("Đất đai") == fields.index("Cư trú") + 1, fields  # Đ after C…, before H…
    assert fields.index("Đất đai") < fields.index("Hộ tịch"), fields
    grid = kiosk.locator("section.kiosk-procedures h2", has_text="Hộ tịch").locator(
        "xpath=following-sibling::div[1]")
    buttons = grid.locator("a.procedure-button").all_inner_texts()
    names = [text.split("\n")[0].strip() for text in buttons]  # the name, then its deadline
    assert names == ["Cấp bản sao trích lục hộ tịch", "Dân tộc: xác định lại dân tộc", "Đăng ký kết hôn",
                     "Đăng ký khai sinh", "Đăng ký khai tử",
                     "Ghi vào sổ việc hộ tịch đã giải quyết ở nước ngoài", "Thay đổi, cải chính hộ tịch",
                     "Xác nhận tình trạng hôn nhân"], names
