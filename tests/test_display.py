"""The display board: 204 while nothing changes, the call within one poll, a spoken announcement."""

import io
import re
import shutil
import wave

import pytest

from hardware.speech import announcement_text

from .test_counter import at_counter, call
from .test_kiosk import take


def latest(html):
    return int(re.search(r'data-latest="(\d+)"', html).group(1))


def test_poll_answers_204_until_a_call_then_the_new_board(client, app, staff):
    page = client.get("/display").get_data(as_text=True)
    assert "Chưa có số nào được gọi" in page
    seq = latest(page)
    assert client.get(f"/display/board?after={seq}", headers={"HX-Request": "true"}).status_code == 204
    take(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    response = client.get(f"/display/board?after={seq}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="now-code">A001<', html) and "Quầy 1" in html
    assert html.count('class="announce"') == 1
    assert client.get(f"/display/board?after={latest(html)}").status_code == 204


def test_recall_announces_again_and_the_board_shows_no_personal_data(client, app, staff):
    take(client, app, "B", priority="disability")
    officer = at_counter(staff, app, 2)
    call(officer)
    seq = latest(client.get("/display").get_data(as_text=True))
    from models import Ticket
    from motcua.extensions import db

    with app.app_context():
        ticket_id = db.session.query(Ticket.id).scalar()
    officer.post(f"/counter/tickets/{ticket_id}/recall")
    html = client.get(f"/display/board?after={seq}").get_data(as_text=True)
    assert html.count('class="announce"') == 1
    assert "khuyết tật" not in html and "canbo1" not in html and "Tiếp Nhận" not in html


def test_announcement_text_spells_the_number_in_vietnamese():
    assert announcement_text("A015", 2) == "Mời công dân có số a, không, một, năm, đến quầy số 2"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is installed by `make test`")
def test_announcement_is_real_vietnamese_speech_after_a_chime(client, app, staff):
    take(client, app, "A")
    call(at_counter(staff, app, 1))
    html = client.get("/display/board?after=0").get_data(as_text=True)
    url = re.search(r'data-audio="([^"]+)"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    with wave.open(io.BytesIO(response.get_data())) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds > 2.5  # chime (≈1 s) + the spoken sentence
    chime = client.get("/display/chime.wav")
    assert chime.status_code == 200 and len(chime.get_data()) < len(response.get_data())


def test_announcement_for_an_unknown_call_is_404(client):
    assert client.get("/display/announcements/not-a-uuid.wav").status_code == 404
    assert client.get("/display/announcements/01a20000-0000-7000-8000-000000000000.wav").status_code == 404
