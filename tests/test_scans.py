"""Scans anywhere on a page: what was scanned (card, receipt, garbled) and where each one leads.

The blueprints are registered by the app factory; until it does, the `scan_app` fixture registers
them here the way the factory would (before any request, views wrapped in a transaction).
"""

import json
import logging
import re
import unicodedata
import uuid

import pytest
from sqlalchemy import select

from counter.scan import bp as counter_scan_bp
from domain.scans import GARBLED_MESSAGE, KEYBOARD_MESSAGE, classify
from kiosk.scan import CARD_MESSAGE
from kiosk.scan import bp as kiosk_scan_bp
from models import Counter, Dossier, Procedure, ReceptionPoint
from motcua.extensions import db
from motcua.messages_en import EN
from motcua.transactions import transactional, write_transaction

from .conftest import csrf_token
from .test_kiosk import take

ID_NUMBER = "001090123456"
NAME = "Nguyễn Thị Hồng Nhung"
CARD = f"{ID_NUMBER}|012345678|{NAME}|05031990|Nữ|Xóm Hồng Thái 2, xã Tân Cương|15042021"
CODE = "000.00.12.H56-261122-0007"


@pytest.fixture(autouse=True)
def scan_app(app):
    for blueprint in (counter_scan_bp, kiosk_scan_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
            for endpoint, view in list(app.view_functions.items()):
                if endpoint.startswith(f"{blueprint.name}."):
                    app.view_functions[endpoint] = transactional(view)
    return app


@pytest.fixture
def officer(staff):
    return staff("canbo1")


def receive(app, officer) -> Dossier:
    """A received dossier, through the counter's own intake."""
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004859"))
        form = {"procedure_id": str(procedure.id), "applicant_name": NAME, "applicant_id_number": ID_NUMBER,
                "applicant_phone": "0912 345 678", "applicant_address": "Xóm Hồng Thái 2, xã Tân Cương",
                "decision": "receive", "documents": [str(i) for i in range(len(procedure.documents))]}
    response = officer.post("/counter/dossiers", form, htmx=False)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Dossier, uuid.UUID(response.headers["Location"].rsplit("/", 1)[1]))
        db.session.expunge(row)
        return row


def receive_elsewhere(app) -> Dossier:
    """A dossier received at another reception point (its rows synced into this database)."""
    from domain.dossiers import receive_dossier, validate_intake
    from domain.events import record
    from models import StaffUser

    with app.app_context(), write_transaction():
        other = ReceptionPoint(agency_code="000.00.99.H56", name="Xã khác")
        db.session.add(other)
        record("site.created", other)
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004859"))
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "canbo1"))
        intake = validate_intake(procedure, {"applicant_name": NAME, "applicant_id_number": ID_NUMBER},
                                 set(range(len(procedure.documents))))
        row_id = receive_dossier(other, officer, intake).id
    with app.app_context():
        row = db.session.get(Dossier, row_id)
        db.session.expunge(row)
        return row


def receipt_url(row, host="HTTP://192.168.1.10:5000") -> str:
    return f"{host}/T/{row.code}?K={row.check}"


def kiosk_post(client, text, token=None):
    token = token or csrf_token(client)
    return client.post("/kiosk/scan", data={"scan": text},
                       headers={"HX-Request": "true", "X-CSRFToken": token})


def message_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


# What was scanned.

def test_a_card_is_parsed_and_decomposed_unicode_is_composed():
    scan = classify(unicodedata.normalize("NFD", CARD) + "\r\n")
    assert scan.kind == "card"
    assert scan.card.full_name == NAME and scan.card.id_number == ID_NUMBER
    assert ID_NUMBER not in repr(scan) and NAME not in repr(scan)


@pytest.mark.parametrize("text", [
    f"HTTP://192.168.1.10:5000/T/{CODE}?K=7K3Q9Z",  # as receipts print it
    f"https://tracuu.example.gov.vn/t/{CODE.lower()}?k=7k3q9z",  # lower case, TLS, another host
    f"http://127.0.0.1:5000/T/{CODE}/?K=7K3Q9Z",
    f"HTTP://CENTRAL.LAN/MOTCUA/T/{CODE}?K=7K3Q9Z",  # served under a prefix
])
def test_a_receipt_gives_its_code_and_check(text):
    scan = classify(text)
    assert (scan.kind, scan.code, scan.check) == ("receipt", CODE, "7K3Q9Z")


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "xin chào",
    CARD[:40],  # cut short: the scanner lost the end
    CARD.replace("05031990", "0503199"),
    "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=000.00.12.H56-261122-0007",
    f"HTTP://192.168.1.10:5000/T/{CODE}",  # no check
    f"HTTP://192.168.1.10:5000/T/{CODE}?K=7K3Q9Z&K=AAAA",
    f"HTTP://192.168.1.10:5000/X/{CODE}?K=7K3Q9Z",
    "HTTP://192.168.1.10:5000/T/NOT-A-CODE?K=7K3Q9Z",
    f"/T/{CODE}?K=7K3Q9Z",  # a path, not what the QR holds
    "HTTP://[::1/T/x?K=1",  # urlsplit raises on this one
    "ÀÀ&À9À&@#'(-|",  # digits typed on an AZERTY layout
    "HTTP://192.168.1.10:5000/T/" + "9" * 3000 + "?K=7K3Q9Z",
    CARD.replace("|Nữ|", "|Nữ\x1b|"),
])
def test_anything_else_is_garbled_with_a_message_saying_what_to_do(text):
    scan = classify(text)
    assert scan.kind == "garbled"
    assert scan.message in (GARBLED_MESSAGE, KEYBOARD_MESSAGE)
    assert scan.card is None and not scan.code


def test_a_damaged_card_says_which_field_and_never_echoes_the_id():
    scan = classify(CARD[:40])
    assert scan.kind == "garbled" and scan.card_like and scan.message == GARBLED_MESSAGE
    assert scan.detail.startswith("Mã QR chỉ có {count} trường") and scan.detail_params == {"count": 3}
    scan = classify(CARD.replace(ID_NUMBER, ID_NUMBER[:11] + "X"))
    assert scan.kind == "garbled" and ID_NUMBER[:11] not in scan.detail


@pytest.mark.parametrize("text", [
    CARD.encode("utf-8").decode("cp1252", errors="replace"),  # UTF-8 shown as Windows-1252
    CARD.encode("utf-8").decode("latin-1"),
    CARD.replace("Nguyễn Thị Hồng Nhung", "Nguy?n Th? H?ng Nhung"),  # the scanner cannot type ễ
    CARD.replace("Nguyễn", "Nguy\ufffdn"),
    f"HTTP://192.168.1.10:5000/T/{CODE}?K=7Á3Q9Z",  # Telex turned "AS" into "Á"
])
def test_a_scanner_typing_wrong_characters_is_told_apart_from_a_bad_read(text):
    scan = classify(text)
    assert scan.kind == "garbled" and scan.message == KEYBOARD_MESSAGE


def test_vietnamese_text_is_not_mistaken_for_mojibake():
    for name in ("Lê Thị Hà", "Tô Thành Công", "Đặng Văn Ánh", "Ông Ích Khiêm"):
        assert classify(CARD.replace(NAME, name)).kind == "card", name


# The counter.

def test_card_scanned_on_any_counter_screen_opens_a_filled_intake_with_no_personal_data_in_urls(app, officer):
    response = officer.post("/counter/scan", {"scan": CARD})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"].startswith("innerHTML")
    assert response.headers["HX-Push-Url"] == "/counter/dossiers/new"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'id="intake"' in html and f"Đã đọc thẻ Căn cước của {NAME}." in html
    for name, value in (("applicant_name", NAME), ("applicant_id_number", ID_NUMBER),
                        ("applicant_birth_date", "05/03/1990"), ("applicant_gender", "Nữ")):
        assert f'name="{name}" value="{value}"' in html, name
    for header, value in response.headers.items():
        assert ID_NUMBER not in value and "Nhung" not in value, header


def test_card_at_the_counter_keeps_the_session_cookie_free_of_it(app, officer):
    officer.post("/counter/scan", {"scan": CARD})
    with officer.client.session_transaction() as session:
        assert ID_NUMBER not in json.dumps(dict(session), default=str)


def test_card_while_serving_a_ticket_opens_the_intake_for_that_ticket(app, client, staff):
    assert take(client, app, "A").status_code == 200
    officer = staff("canbo1")
    with app.app_context():
        counter_id = db.session.scalar(select(Counter.id).where(Counter.number == 1))
    assert officer.post("/counter/select", {"counter_id": str(counter_id)}).status_code == 303
    assert "A001" in officer.post("/counter/call-next").get_data(as_text=True)
    response = officer.post("/counter/scan", {"scan": CARD})
    assert response.status_code == 200
    assert re.fullmatch(r"/counter/dossiers/new\?ticket=[0-9a-f-]{32,36}", response.headers["HX-Push-Url"])
    assert "A001" in response.get_data(as_text=True)


def test_card_on_the_intake_form_goes_to_its_own_scan_field(app, officer):
    response = officer.post("/counter/scan", {"scan": CARD, "in_place": "card"})
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Trigger"]) == {"scan-in-place": "card"}
    assert "HX-Redirect" not in response.headers


def test_card_of_a_returning_citizen_fills_in_last_time_details(app, officer):
    receive(app, officer)
    html = officer.post("/counter/scan", {"scan": CARD}).get_data(as_text=True)
    assert "Công dân đã từng nộp hồ sơ" in html
    assert 'name="applicant_phone" value="0912345678"' in html


def test_card_without_htmx_renders_the_intake_page(app, officer):
    response = officer.post("/counter/scan", {"scan": CARD}, htmx=False)
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    assert f'value="{NAME}"' in response.get_data(as_text=True)


def test_receipt_at_the_counter_opens_its_dossier(app, officer):
    row = receive(app, officer)
    response = officer.post("/counter/scan", {"scan": receipt_url(row)})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/counter/dossiers/{row.id}"
    assert officer.get(response.headers["HX-Redirect"]).status_code == 200
    plain = officer.post("/counter/scan", {"scan": receipt_url(row)}, htmx=False)
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/counter/dossiers/{row.id}")


def test_receipt_with_a_wrong_check_or_of_another_site_is_not_found(app, officer):
    row = receive(app, officer)
    wrong = officer.post("/counter/scan", {"scan": receipt_url(row).replace(row.check, "ZZZZZZ")})
    assert wrong.status_code == 404 and wrong.headers["HX-Retarget"] == "#messages"
    assert f"Không tìm thấy hồ sơ {row.code}" in message_of(wrong)
    theirs = receive_elsewhere(app)
    elsewhere = officer.post("/counter/scan", {"scan": receipt_url(theirs)})
    assert elsewhere.status_code == 404 and message_of(elsewhere) == message_of(wrong).replace(
        row.code, theirs.code)


def test_garbled_scan_at_the_counter_gets_the_message_in_messages(app, officer, caplog):
    caplog.set_level(logging.INFO)
    response = officer.post("/counter/scan", {"scan": CARD[:40]})
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#messages" and response.headers["HX-Reswap"] == "innerHTML"
    text = message_of(response)
    assert GARBLED_MESSAGE in text and "Mã QR chỉ có 3 trường thông tin" in text
    assert ID_NUMBER not in caplog.text and "Nhung" not in caplog.text
    url = officer.post("/counter/scan", {"scan": "https://example.com/somewhere"})
    assert url.status_code == 422 and message_of(url) == GARBLED_MESSAGE


def test_counter_scan_needs_a_counter_role_and_a_csrf_token(app, staff):
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login")
    response = anonymous.post("/counter/scan", data={"scan": CARD},
                              headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    assert staff("admin").post("/counter/scan", {"scan": CARD}).status_code == 403
    officer = staff("canbo1")
    no_token = officer.client.post("/counter/scan", data={"scan": CARD}, headers={"HX-Request": "true"})
    assert no_token.status_code == 400


# The kiosk.

def test_receipt_at_the_kiosk_leads_to_its_tracking_result(app, officer, client):
    row = receive(app, officer)
    response = kiosk_post(client, receipt_url(row).lower())
    assert response.status_code == 204
    target = response.headers["HX-Redirect"]
    assert target.startswith("/kiosk/tra-cuu?") and row.check in target and ID_NUMBER not in target
    page = client.get(target)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and row.code in html and "Nguyễn T. H. N." in html


def test_card_at_the_kiosk_is_refused_and_not_echoed(app, client, caplog):
    caplog.set_level(logging.INFO)
    for text in (CARD, CARD[:40]):
        response = kiosk_post(client, text)
        assert response.status_code == 422 and response.headers["HX-Retarget"] == "#messages"
        assert message_of(response) == CARD_MESSAGE
        assert ID_NUMBER not in response.get_data(as_text=True)
    assert ID_NUMBER not in caplog.text


def test_garbled_scan_at_the_kiosk_gets_the_message(app, client):
    response = kiosk_post(client, "ÀÀ&À9À&@#'(-|")
    assert response.status_code == 422 and message_of(response) == GARBLED_MESSAGE


def test_kiosk_scan_needs_the_csrf_token(app, client):
    response = client.post("/kiosk/scan", data={"scan": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 400


def test_scan_messages_have_english():
    from counter.scan import NOT_HERE

    assert [m for m in (GARBLED_MESSAGE, KEYBOARD_MESSAGE, CARD_MESSAGE, NOT_HERE) if m not in EN] == []
