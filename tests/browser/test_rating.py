"""The counter finishes, the citizen's screen at that counter asks, the citizen taps: one rating kept."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import query_db, scripts_ready, shot, start_server
from .test_journey import log_in, take_ticket

pytestmark = pytest.mark.browser
ASKED_WITHIN_MS = 15_000  # the screen polls every 2 s; generous for a loaded machine


@pytest.fixture(scope="module")
def rating_server(tmp_path_factory):
    """A site of its own: no other test's tickets wait at counter 1."""
    server = start_server(tmp_path_factory.mktemp("browser-rating-site") / "instance")
    yield server
    server.stop()


def ratings_in_db(server) -> list[tuple]:
    return query_db(server, "SELECT ticket.code, counter.number, staff_user.username, rating.channel, "
                    "rating.level, rating.reasons FROM rating JOIN ticket ON ticket.id = rating.ticket_id "
                    "JOIN counter ON counter.id = rating.counter_id "
                    "JOIN staff_user ON staff_user.id = rating.officer_id")


def test_the_citizen_rates_the_service_on_the_counters_screen(rating_server, pages):
    base = rating_server.url
    screen = pages.open(base + "/danh-gia/quay/1", 1024, 600)  # the small screen facing the citizen
    expect(screen.locator('[data-screen="rating-idle"]')).to_contain_text("Xin chào ông/bà!")

    kiosk = pages.open(base + "/kiosk", 1280, 800)
    code = take_ticket(kiosk, "A")

    counter = pages.open(base + "/login", 1366, 768)
    log_in(counter, "canbo1")
    expect(counter).to_have_url(re.compile(r"/counter$"))
    counter.locator('button.counter-choice[data-counter="1"]').click()
    expect(counter.locator("button.call-next")).to_be_visible()
    counter.locator("button.call-next").click()
    expect(counter.locator("#serving-code")).to_have_text(code)
    expect(screen.locator('[data-screen="rating-idle"]')).to_be_visible()  # not while being served
    counter.locator(".serving .actions button.primary").click()  # "Kết thúc"
    expect(counter.locator("#serving-code")).to_have_count(0)

    asked = screen.locator('[data-screen="rating-ask"]')
    expect(asked).to_be_visible(timeout=ASKED_WITHIN_MS)
    expect(asked.locator("h1")).to_have_text("Ông/bà có hài lòng với sự phục vụ?")
    expect(screen.locator("#rating-subject")).to_contain_text(f"Số {code}")
    expect(screen.locator("#rating-subject")).to_contain_text("Nguyễn Văn Tiếp Nhận")
    faces = screen.locator("button.rating-face")
    expect(faces).to_have_count(3)
    for index in range(3):
        box = faces.nth(index).bounding_box()
        assert box and box["width"] >= 64 and box["height"] >= 64, box
    shot(screen, "rating-screen.png")

    # "Không hài lòng" asks why; one tap on a reason sends both.
    screen.locator('button.rating-face[data-level="1"]').click()
    expect(screen.locator('[data-screen="rating-reasons"]')).to_contain_text("Xin ông/bà cho biết vì sao?")
    screen.get_by_role("button", name="Chờ lâu").click()
    expect(screen.locator("#rating-thanks")).to_have_text("Cảm ơn ông/bà đã đánh giá!")
    assert ratings_in_db(rating_server) == [(code, 1, "canbo1", "counter_screen", 1, '["wait"]')]

    # The thank-you goes back to the idle screen by itself, which does not ask again.
    expect(screen.locator('[data-screen="rating-idle"]')).to_be_visible(timeout=ASKED_WITHIN_MS)

    # At the kiosk the same number, typed on the big keys, is already rated.
    rate_page = pages.open(base + "/danh-gia", 1280, 800)
    scripts_ready(rate_page)
    for key in code:
        rate_page.locator(f'.rating-keypad [data-key="{key}"]').click()
    expect(rate_page.locator("#rating-number")).to_have_value(code)
    rate_page.locator("button.rating-go").click()
    expect(rate_page.locator("#rating-message")).to_contain_text("đã được đánh giá")
    assert len(ratings_in_db(rating_server)) == 1
