"""Citizens rate the service: the counter's citizen screen, the kiosk, a returned dossier's tracking page."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from domain import ratings
from domain.clock import utcnow
from kiosk.rating import sign
from models import Counter, Event, Rating, StaffUser, Ticket
from motcua.extensions import db

from .conftest import Staff, csrf_token
from .test_counter import at_counter, call, issue
from .test_dossiers import dossier, intake, step

TOKEN = re.compile(r'name="token" value="([^"]*)"')
LEVELS = re.compile(r'data-level="(\d)"')
OFFER = re.compile(r'id="rating-offer" href="([^"]+)"')


def poll(client, number=1, showing=None):
    query = {"showing": showing} if showing is not None else {}
    return client.get(f"/danh-gia/quay/{number}/cho", query_string=query, headers={"HX-Request": "true"})


def finish(officer, app, code):
    with app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.code == code))
    assert officer.post(f"/counter/tickets/{ticket_id}/finish").status_code == 200
    return str(ticket_id)


def rate(client, html, level, reasons=(), quay=None):
    """Tap a face on the panel `html` shows (with reasons, as the reasons step posts them)."""
    form = {"token": TOKEN.search(html).group(1), "level": str(level), "reasons": list(reasons)}
    if quay is not None:
        form["quay"] = str(quay)
    return client.post("/danh-gia", data=form,
                       headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client, "/danh-gia")})


def ratings_of(app):
    with app.app_context():
        rows = db.session.scalars(select(Rating)).all()
        db.session.expunge_all()
        return rows


def ids(app, number=1, username="canbo1"):
    with app.app_context():
        return (db.session.scalar(select(Counter.id).where(Counter.number == number)),
                db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)))


@pytest.fixture
def served(app, client, staff):
    """A001 called and finished at counter 1 by canbo1: (officer, ticket id)."""
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    assert call(officer) == "A001"
    return officer, finish(officer, app, "A001")


def test_the_screen_is_quiet_until_a_service_ends_at_its_own_counter(app, client, staff):
    assert poll(client).status_code == 204
    page = client.get("/danh-gia/quay/1").get_data(as_text=True)
    assert "Quầy 1" in page and 'hx-trigger="every 2s"' in page and "Xin chào ông/bà!" in page
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    assert poll(client).status_code == 204  # still being served: not yet
    ticket_id = finish(officer, app, "A001")
    asked = poll(client)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ông/bà có hài lòng với sự phục vụ?" in html
    assert "Số A001" in html and "Cán bộ Nguyễn Văn Tiếp Nhận" in html and "Quầy 1" in html
    assert f"showing={ticket_id}" in html  # it keeps polling, for a newer service
    assert poll(client, showing=ticket_id).status_code == 204  # unchanged: no swap
    assert poll(client, number=2).status_code == 204  # another counter's screen stays quiet
    assert "Số A001" in client.get("/danh-gia/quay/1").get_data(as_text=True)  # a reload asks too
    assert client.get("/danh-gia/quay/9").status_code == 404


def test_a_new_call_at_the_counter_ends_the_question_after_a_short_grace(app, client, served):
    officer, ticket_id = served
    assert poll(client).status_code == 200
    assert call(officer) == "A002"
    assert poll(client, showing=ticket_id).status_code == 204  # A001's citizen may still tap, leaving
    app.config["RATING_GRACE_SECONDS"] = 0  # …and once the grace is over:
    back = poll(client, showing=ticket_id)  # the screen showing A001's question goes back to idle
    assert back.status_code == 200 and "Xin chào ông/bà!" in back.get_data(as_text=True)
    assert poll(client).status_code == 204


def test_finish_and_call_next_in_one_press_still_asks_the_citizen_leaving(app, client, staff):
    """Officers mostly press N: it ends the service and calls the next one at once."""
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    assert call(officer) == "A001"
    assert poll(client).status_code == 204  # being served
    assert call(officer) == "A002"  # A001 finished by the call of A002
    html = poll(client).get_data(as_text=True)
    assert "Số A001" in html and "Ông/bà có hài lòng với sự phục vụ?" in html
    assert rate(client, html, 3).status_code == 200
    assert [(r.level, r.counter_id) for r in ratings_of(app)] == [(3, ids(app)[0])]


def test_the_question_lapses_after_rating_prompt_minutes(app, client, served, monkeypatch):
    assert poll(client).status_code == 200
    later = utcnow() + timedelta(minutes=app.config["RATING_PROMPT_MINUTES"], seconds=5)
    monkeypatch.setattr(ratings, "utcnow", lambda: later)
    assert poll(client).status_code == 204


def test_a_site_that_asks_for_no_time_never_asks(make_app):
    app = make_app(RATING_PROMPT_MINUTES=0)
    client = app.test_client()
    issue(client, app, "A")
    officer = at_counter(lambda name: _login(app, name), app, 1)
    call(officer)
    finish(officer, app, "A001")
    assert poll(client).status_code == 204


def _login(app, username):
    return Staff(app.test_client(), username)


def test_one_tap_records_one_rating_with_the_counter_and_the_officer(app, client, served):
    _, ticket_id = served
    html = poll(client).get_data(as_text=True)
    done = rate(client, html, 3, quay=1)  # the best of three: no reason asked
    thanks = done.get_data(as_text=True)
    assert done.status_code == 200 and "Cảm ơn ông/bà đã đánh giá!" in thanks
    assert 'hx-trigger="load delay:5s"' in thanks and "/danh-gia/quay/1/cho?showing=done" in thanks
    [rating] = ratings_of(app)
    counter_id, officer_id = ids(app)
    assert (str(rating.ticket_id), rating.counter_id) == (ticket_id, counter_id)
    assert rating.officer_id == officer_id
    assert (rating.channel, rating.scale, rating.level, rating.sentiment, rating.reasons) == \
        ("counter_screen", 3, 3, "satisfied", [])
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Event.type == "rating.recorded")) == 1
    back = poll(client, showing="done")  # the thank-you returns to the idle screen
    assert back.status_code == 200 and "Xin chào ông/bà!" in back.get_data(as_text=True)
    assert poll(client).status_code == 204  # rated: not asked again

    again = rate(client, html, 1, reasons=["wait"], quay=1)
    assert again.status_code == 409 and "Lượt phục vụ này đã được đánh giá" in again.get_data(as_text=True)
    assert len(ratings_of(app)) == 1


def test_a_low_level_asks_why_in_one_more_tap(app, client, served):
    html = poll(client).get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    assert f'hx-get="/danh-gia/phieu?t={token}&amp;level=1"' in html  # "Không hài lòng" asks why
    step_html = client.get("/danh-gia/phieu", query_string={"t": token, "level": 1},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Xin ông/bà cho biết vì sao?" in step_html and "Chờ lâu" in step_html
    assert "Thái độ chưa tốt" in step_html and 'hx-trigger="load delay:20s"' in step_html
    assert ratings_of(app) == []  # nothing kept until the reason (or "send") is tapped
    assert rate(client, step_html, 1, reasons=["wait", "nonsense"], quay=1).status_code == 200
    [rating] = ratings_of(app)
    assert (rating.level, rating.sentiment, rating.reasons) == (1, "dissatisfied", ["wait"])


@pytest.mark.parametrize("mangle", ["forged", "other-key", "expired", "empty"])
def test_a_forged_or_expired_token_gets_a_message_and_records_nothing(app, client, served, mangle):
    html = poll(client).get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    if mangle == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif mangle == "other-key":
        token = URLSafeTimedSerializer("not-the-key", salt="motcua.rating").dumps(
            {"k": "ticket", "s": served[1], "ch": "kiosk", "o": None, "c": None})
    elif mangle == "expired":
        with app.test_request_context(), pytest.MonkeyPatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3600)
            token = sign(ratings.Service("ticket", served[1], "A001", None, None, utcnow()), "counter_screen")
    elif mangle == "empty":
        token = ""
    response = rate(client, f'name="token" value="{token}"', 3, quay=1)
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "đã hết thời gian hoặc không hợp lệ" in text
    assert "Traceback" not in text and ratings_of(app) == []


def test_an_unknown_level_gets_a_message(app, client, served):
    html = poll(client).get_data(as_text=True)
    for level in (0, 4, "x"):
        response = rate(client, html, level, quay=1)
        assert response.status_code == 409 and "Mức đánh giá không hợp lệ" in response.get_data(as_text=True)
    assert ratings_of(app) == []


def test_the_kiosk_finds_todays_finished_ticket_by_its_number(app, client, served):
    page = client.get("/danh-gia").get_data(as_text=True)
    assert "Nhập số thứ tự trên phiếu" in page and 'data-key="A"' in page and 'data-key="0"' in page
    found = client.get("/danh-gia", query_string={"so": " a001 "}, headers={"HX-Request": "true"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "Số A001" in html and "Cán bộ Nguyễn Văn Tiếp Nhận" in html
    assert "every 2s" not in html  # the kiosk does not poll a counter
    waiting = client.get("/danh-gia", query_string={"so": "A002"})
    assert waiting.status_code == 409 and "Số A002 chưa được phục vụ xong" in waiting.get_data(as_text=True)
    unknown = client.get("/danh-gia", query_string={"so": "Z999"})
    assert unknown.status_code == 404 and "Không tìm thấy số Z999" in unknown.get_data(as_text=True)

    done = rate(client, html, 2)
    assert done.status_code == 200 and 'hx-get="/kiosk"' in done.get_data(as_text=True)  # then home
    [rating] = ratings_of(app)
    counter_id, officer_id = ids(app)
    assert (rating.channel, rating.level, rating.counter_id, rating.officer_id) == \
        ("kiosk", 2, counter_id, officer_id)
    rated = client.get("/danh-gia", query_string={"so": "A001"})
    assert rated.status_code == 409 and "đã được đánh giá" in rated.get_data(as_text=True)


def test_kiosk_lookups_by_number_are_rate_limited(app, client):
    app.config["TRACKING_LOOKUPS_PER_MINUTE"] = 3
    codes = [client.get("/danh-gia", query_string={"so": f"A{n:03d}"}).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    assert client.get("/danh-gia").status_code == 200  # the number pad itself is not a lookup


def test_a_returned_dossier_is_rated_from_its_tracking_page_at_the_kiosk(app, client, staff):
    officer = at_counter(staff, app, 1)
    row = dossier(app, intake(officer, app))
    lookup = {"code": row.code, "check": row.check}
    assert OFFER.search(client.get("/kiosk/tra-cuu", query_string=lookup).get_data(as_text=True)) is None
    step(officer, row, "result-ready", note="Trích lục")
    step(officer, row, "return", collected_by="applicant", id_checked="on", confirmed="yes")
    page = client.get("/kiosk/tra-cuu", query_string=lookup).get_data(as_text=True)
    link = OFFER.search(page).group(1).replace("&amp;", "&")
    assert row.check not in link and row.code not in link  # the link names the dossier by a token only
    screen = poll(client).get_data(as_text=True)  # the counter's own screen asks as well
    assert "Hồ sơ trả kết quả" in screen and "Nguyễn" not in screen.replace("Nguyễn Văn Tiếp Nhận", "")

    panel = client.get(link)
    html = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "Hồ sơ trả kết quả" in html and "data-idle-seconds" in html
    assert "Nguyễn T. H. N." not in html and "Nguyễn Thị" not in html  # no personal data
    assert rate(client, html, 3).status_code == 200
    [rating] = ratings_of(app)
    assert (rating.dossier_id, rating.ticket_id, rating.channel, rating.officer_id) == \
        (row.id, None, "kiosk", ids(app)[1])
    assert OFFER.search(client.get("/kiosk/tra-cuu", query_string=lookup).get_data(as_text=True)) is None
    assert poll(client).status_code == 204  # rated at the kiosk: the counter's screen stops asking


@pytest.mark.parametrize("scale", [3, 4, 5])
def test_every_scale_draws_its_faces_best_first_green_to_red(make_app, scale):
    app = make_app(RATING_SCALE=scale)
    client = app.test_client()
    with app.app_context():
        names = [level.label for level in ratings.scale_levels()]
    issue(client, app, "A")
    officer = at_counter(lambda name: _login(app, name), app, 1)
    call(officer)
    finish(officer, app, "A001")
    html = poll(client).get_data(as_text=True)
    assert [int(n) for n in LEVELS.findall(html)] == list(range(scale, 0, -1))
    assert [name for name in names if name in html] == names
    assert html.count("<svg") == scale and f"scale-{scale}" in html
    tones = re.findall(r'class="rating-face (tone-\d)"', html)
    assert tones == {3: ["tone-0", "tone-1", "tone-4"], 4: ["tone-0", "tone-1", "tone-2", "tone-4"],
                     5: ["tone-0", "tone-1", "tone-2", "tone-3", "tone-4"]}[scale]
    assert rate(client, html, scale, quay=1).status_code == 200
    assert ratings_of(app)[0].scale == scale


def test_the_screens_speak_english(app, client, served):
    client.get("/lang/en")
    html = poll(client).get_data(as_text=True)
    assert "Are you satisfied with the service?" in html and "Very satisfied" in html
    assert "Number A001" in html and "Counter 1" in html
    assert "Thank you for your rating!" in rate(client, html, 3, quay=1).get_data(as_text=True)
