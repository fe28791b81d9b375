"""A day at the counter in Chromium: a takeover a supervisor confirms, what each key says it did,
"done, call next", the declared priority checked, and a board that shows each number once."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.live_server import KioskClient

from .conftest import query_db, scripts_ready, shot, start_server
from .test_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh site for this file: its ticket numbers are only the ones taken here."""
    server = start_server(tmp_path_factory.mktemp("browser-counter-day") / "instance")
    yield server
    server.stop()


def sit_at(pages, site, username: str, number: int):
    page = pages.open(site.url + "/login", 1366, 768)
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/counter$"))
    page.locator(f'button.counter-choice[data-counter="{number}"]').click()
    return page


def at_workspace(pages, site, username: str, number: int):
    page = sit_at(pages, site, username, number)
    expect(page.locator("#workspace h1")).to_have_text(f"Quầy {number}")
    scripts_ready(page)  # the shortcuts' listener is a deferred script
    return page


def officer_at(site, number: int) -> str | None:
    rows = query_db(site, "SELECT s.username FROM counter c LEFT JOIN staff_user s ON s.id = c.officer_id "
                          "WHERE c.number = ?", number)
    return rows[0][0]


def said(page):
    return page.locator('#messages [role="status"]')


def test_a_takeover_needs_a_supervisors_password_and_tells_the_officer_who(site, pages):
    officer = at_workspace(pages, site, "canbo1", 2)

    postal = sit_at(pages, site, "buudien", 2)
    step = postal.locator("#takeover")
    expect(step).to_contain_text("Quầy số 2 đang do Nguyễn Văn Tiếp Nhận sử dụng. Tiếp nhận quầy?")
    expect(step).to_contain_text("cần một người giám sát")
    step.locator('input[name="supervisor"]').fill("giamsat")
    step.locator('input[name="supervisor_password"]').fill("khong-dung")
    step.locator('input[name="reason"]').fill("Cán bộ Tiếp Nhận đi họp")
    step.locator('button[type="submit"]').click()

    # A wrong password: the step again, the message next to the field, what was typed kept.
    expect(postal.locator("#supervisor_password-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(postal.locator('input[name="supervisor_password"]')).to_have_attribute("aria-invalid", "true")
    expect(postal.locator('input[name="supervisor"]')).to_have_value("giamsat")
    expect(postal.locator('input[name="reason"]')).to_have_value("Cán bộ Tiếp Nhận đi họp")
    assert officer_at(site, 2) == "canbo1"
    assert query_db(site, "SELECT count(*) FROM event WHERE type = 'counter.taken_over'") == [(0,)]

    postal.locator('input[name="supervisor_password"]').fill("motcua-demo")
    shot(postal, "counter-takeover.png")
    postal.locator('#takeover button[type="submit"]').click()
    expect(postal.locator("#workspace h1")).to_have_text("Quầy 2")
    assert officer_at(site, 2) == "buudien"
    (context,) = query_db(site, "SELECT json_extract(payload, '$.context') FROM event "
                                "WHERE type = 'counter.taken_over'")[0]
    names = dict(query_db(site, "SELECT id, username FROM staff_user"))
    context = json.loads(context)
    assert names[context["confirmed_by_id"].replace("-", "")] == "giamsat"
    assert context["reason"] == "Cán bộ Tiếp Nhận đi họp"

    # The officer displaced is told at the waiting list's next poll, without touching anything: the
    # page goes back to the choice of counters, which says who took it, who confirmed it and why.
    expect(officer.locator("h1")).to_have_text("Chọn quầy làm việc", timeout=10_000)
    expect(officer.locator("#messages [role=alert]")).to_have_text(
        "Quầy số 2 đã được Lê Thị Bưu Điện tiếp nhận, Trần Thị Giám Sát xác nhận "
        "(lý do: Cán bộ Tiếp Nhận đi họp). Bạn không còn làm việc tại quầy này; hãy chọn quầy khác.")


def test_each_key_says_what_it_did_and_n_finishes_and_calls_the_next(site, pages):
    kiosk = KioskClient(site.url)
    first, second = (kiosk.take("A")[1] for _ in range(2))
    counter = at_workspace(pages, site, "canbo1", 1)
    call_next = counter.locator("button.call-next")
    expect(call_next).to_contain_text("Gọi số tiếp theo")

    # The message area stays in place (a live region) and each result replaces what it says.
    messages = counter.locator("#messages")
    expect(messages).to_have_attribute("aria-live", "polite")
    messages.evaluate("node => { node.dataset.kept = 'yes'; }")
    counter.keyboard.press("n")
    expect(counter.locator("#serving-code")).to_have_text(first)
    expect(said(counter)).to_have_text(f"Đang gọi số {first}.")
    expect(messages).to_have_attribute("data-kept", "yes")
    expect(call_next).to_contain_text("Xong, gọi số tiếp theo")
    counter.keyboard.press("r")
    expect(said(counter)).to_have_text(f"Đã gọi lại số {first} (lần 2).")
    counter.keyboard.press("h")
    expect(said(counter)).to_have_text(f"Đã tạm giữ số {first}.")
    expect(counter.locator("#serving-code")).to_have_count(0)
    counter.keyboard.press("g")
    expect(said(counter)).to_have_text(f"Đang phục vụ tiếp số {first}.")
    counter.keyboard.press("k")
    expect(said(counter)).to_have_text(f"Đã kết thúc số {first}.")

    # Typing in a field is never taken for a shortcut.
    counter.keyboard.press("n")
    expect(counter.locator("#serving-code")).to_have_text(second)
    counter.keyboard.press("t")
    expect(counter.locator('select[name="target"]')).to_be_focused()
    counter.keyboard.press("k")  # selects nothing, finishes nothing
    expect(counter.locator("#serving-code")).to_have_text(second)
    counter.locator("#serving-code").click()

    third = kiosk.take("A")[1]
    counter.keyboard.press("n")  # done with the second, calls the third
    expect(said(counter)).to_have_text(f"Đã kết thúc {second}; đang gọi {third}.")
    expect(counter.locator("#serving-code")).to_have_text(third)
    counter.keyboard.press("n")  # nobody waits: the third is finished all the same
    expect(said(counter)).to_have_text(f"Đã kết thúc {third}. Không có công dân nào đang chờ.")
    expect(counter.locator("#workspace .idle")).to_be_visible()
    statuses = dict(query_db(site, "SELECT code, status FROM ticket WHERE code IN (?, ?, ?)",
                             first, second, third))
    assert statuses == {first: "done", second: "done", third: "done"}


def test_the_counter_confirms_or_rejects_a_declared_priority(site, pages):
    kiosk = KioskClient(site.url)
    elderly = kiosk.take("B", priority="elderly")[1]
    pregnant = kiosk.take("B", priority="pregnant")[1]
    counter = at_workspace(pages, site, "canbo1", 1)  # counter 1 serves A and B

    counter.keyboard.press("n")
    expect(counter.locator("#serving-code")).to_have_text(elderly)
    check = counter.locator("#priority-check")
    expect(check).to_contain_text("Ưu tiên: Người cao tuổi")
    expect(check.locator("button")).to_have_text(["Xác nhận X", "Không đúng đối tượng B"])
    shot(counter, "counter-priority.png")
    counter.keyboard.press("x")
    expect(said(counter)).to_have_text(f"Đã xác nhận số {elderly} thuộc đối tượng ưu tiên.")
    expect(check).to_have_count(0)
    expect(counter.locator(".serving .badge.priority")).to_contain_text("đã xác nhận")

    counter.keyboard.press("n")
    expect(counter.locator("#serving-code")).to_have_text(pregnant)
    counter.locator("#priority-check").get_by_role("button", name="Không đúng đối tượng").click()
    expect(said(counter)).to_have_text(f"Đã ghi nhận số {pregnant} không đúng đối tượng ưu tiên.")
    checked = dict(query_db(site, "SELECT code, priority_checked FROM ticket WHERE code IN (?, ?)",
                            elderly, pregnant))
    assert checked == {elderly: "confirmed", pregnant: "rejected"}
    counter.keyboard.press("k")
    expect(said(counter)).to_have_text(f"Đã kết thúc số {pregnant}.")


def test_the_board_shows_a_number_once_and_drops_a_no_show(site, pages):
    display = pages.open(site.url + "/display", 1920, 1080)
    expect(display.locator("#board")).to_be_visible()
    kiosk = KioskClient(site.url)
    absent, present = kiosk.take("C")[1], kiosk.take("C")[1]
    counter = at_workspace(pages, site, "canbo1", 3)
    board = display.locator("#board")

    counter.keyboard.press("n")
    expect(display.locator("#now-code")).to_have_text(absent)
    counter.keyboard.press("r")
    expect(said(counter)).to_have_text(f"Đã gọi lại số {absent} (lần 2).")
    counter.keyboard.press("v")
    expect(said(counter)).to_have_text(f"Đã ghi số {absent} vắng mặt.")
    # No new call, yet the board drops the no-show at its next poll.
    expect(board).not_to_contain_text(absent)

    counter.keyboard.press("n")
    expect(display.locator("#now-code")).to_have_text(present)
    counter.keyboard.press("r")
    expect(said(counter)).to_have_text(f"Đã gọi lại số {present} (lần 2).")
    expect(display.locator("body")).to_have_attribute(
        "data-announced", f"Mời công dân có số {present} đến quầy số 3", timeout=30_000)
    codes = [c.strip() for c in board.locator("#now-code, .recent-calls td:first-child").all_inner_texts()]
    assert codes.count(present) == 1 and absent not in codes, codes
