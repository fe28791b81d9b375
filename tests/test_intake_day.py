"""Intake through a working day: the ID number against the card's facts, errors that keep the form,
names never cut, procedures of the ticket's queue, the ticket finished with its dossier, the session's
clock and where a login after expiry leads."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.cccd import id_mismatch
from domain.dossiers import IntakeRefused, narrowed_procedures, validate_intake
from domain.site import current_site
from domain.tickets import call_next, issue_ticket
from models import Counter, Procedure, Queue, StaffUser, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction
from tests.test_dossiers import dossier, intake, procedure_id


@pytest.fixture
def officer(staff):
    return staff("canbo1")


@pytest.mark.parametrize(("number", "born", "gender", "year", "implied"), [
    ("001190123456", date(1990, 3, 5), "Nữ", None, ""),  # 1: a woman of the 1900s, year 90
    ("001090123456", date(1990, 3, 5), "Nữ", None, "Nam"),  # 0: a man
    ("001090123456", date(1990, 3, 5), "nam", None, ""),  # the gender as typed, any case
    ("001290123456", date(1990, 3, 5), "Nam", 2090, ""),  # 2: the 2000s
    ("001305123456", date(2005, 1, 1), "Nữ", None, ""),  # 3: a woman of the 2000s, year 05
    ("001191123456", date(1990, 3, 5), "Nữ", 1991, ""),  # the year digits
    ("001290123456", date(1990, 3, 5), "Nữ", 2090, "Nam"),  # both
])
def test_the_id_number_century_gender_and_year_digits_against_what_was_entered(number, born, gender,
                                                                              year, implied):
    found = id_mismatch(number, born, gender)
    assert (found.birth_year, found.gender, bool(found)) == (year, implied, bool(year or implied))


@pytest.mark.parametrize(("number", "born", "gender"), [
    ("00109012345", date(1990, 3, 5), "Nữ"),  # not 12 digits: the format check says so, not this
    ("001090123456", None, ""),  # nothing to compare
    ("001090123456", None, "khác"),  # a gender the number cannot say
    ("٠٠١٠٩٠١٢٣٤٥٦", date(1990, 3, 5), "Nữ"),
])
def test_nothing_to_compare_is_no_mismatch(number, born, gender):
    assert not id_mismatch(number, born, gender)


def test_a_mismatch_asks_for_the_comparison_then_receives(app, officer):
    card = {"applicant_gender": "Nữ", "applicant_birth_date": "05/03/1990"}  # 001090…: a man's number
    refused = intake(officer, app, **card)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'id="e-id_card_checked"' in html and dossier(app) is None
    assert "ứng với giới tính Nam" in html and 'value="05/03/1990"' in html
    received = intake(officer, app, id_card_checked="on", **card)
    assert received.status_code == 303 and dossier(app, received).status == "received"


def test_the_warning_is_computed_on_the_server_as_the_officer_types(officer):
    html = officer.post("/counter/dossiers/applicant-check", {
        "applicant_id_number": "001290123456", "applicant_birth_date": "05/03/1990"}).get_data(as_text=True)
    assert "ứng với người sinh năm 2090" in html and 'name="id_card_checked"' in html
    quiet = officer.post("/counter/dossiers/applicant-check", {
        "applicant_id_number": "001190123456", "applicant_birth_date": "05/03/1990",
        "applicant_gender": "Nữ"}).get_data(as_text=True)
    assert "id_card_checked" not in quiet


def post_intake(officer, app, **extra):
    """The intake form as htmx posts it: a complete dossier of 1.004859 unless `extra` says otherwise."""
    form = {"procedure_id": procedure_id(app, "1.004859"), "applicant_name": "Trần Thị Mai Anh",
            "applicant_id_number": "001190123456", "decision": "receive", "documents": ["0", "1", "2"],
            **extra}
    return officer.post("/counter/dossiers", form)


@pytest.mark.parametrize(("form", "field", "status"), [
    ({"documents": []}, "documents", 409),
    ({"decision": "refuse"}, "reasons", 409),
    ({"decision": "supplement"}, "missing_extra", 409),
    ({"applicant_birth_date": "31/02/1990"}, "applicant_birth_date", 422),
    ({"applicant_id_number": "12345"}, "applicant_id_number", 409),
    ({"applicant_phone": "09abc"}, "applicant_phone", 409),
    ({"applicant_name": "N" * 121}, "applicant_name", 422),
    ({"procedure_id": ""}, "procedure_id", 422),
    ({"proxy_name": "Lê Văn Bình"}, "proxy_authorisation", 409),
])
def test_each_refusal_is_beside_its_field_linked_from_the_summary_and_focused(app, officer, form, field,
                                                                              status):
    response = post_intake(officer, app, notes="Ghi chú giữ lại", proxy_phone="0987654321", **form)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    assert f'<p class="field-error" id="e-{field}">' in html
    assert f'href="#f-{field}"' in html and 'id="error-summary"' in html
    assert html.count(" autofocus") == 1 and f'id="f-{field}" aria-invalid="true"' in html
    assert "Ghi chú giữ lại</textarea>" in html and 'value="0987654321"' in html
    assert '<form id="intake"' in html and "<html" not in html  # htmx: the form replaces itself
    assert dossier(app) is None


def test_without_htmx_the_page_comes_back_whole_with_the_form(app, officer):
    response = officer.post("/counter/dossiers", {"applicant_name": "Trần Thị Mai Anh"}, htmx=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and 'id="e-procedure_id"' in html
    assert 'value="Trần Thị Mai Anh"' in html


def test_a_received_dossier_sends_htmx_to_its_page(app, officer):
    response = post_intake(officer, app)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/counter/dossiers/")


def test_names_and_texts_longer_than_their_column_are_refused_never_cut(app):
    with app.app_context():
        procedure = db.session.scalars(select(Procedure).where(Procedure.code == "1.004859")).one()
        base = {"applicant_name": "Trần Thị Mai Anh", "applicant_id_number": "001190123456"}
        with pytest.raises(IntakeRefused) as name:
            validate_intake(procedure, base | {"applicant_name": "A" * 121}, set())
        assert name.value.field == "applicant_name"
        with pytest.raises(IntakeRefused) as address:
            validate_intake(procedure, base | {"proxy_name": "Lê Văn Bình", "proxy_authorisation": "UQ 1",
                                               "proxy_address": "x" * 301}, set())
        assert address.value.field == "proxy_address"
        kept = validate_intake(procedure, base | {"applicant_name": "A" * 120}, set())
        assert kept.applicant_name == "A" * 120


def test_a_scanned_card_with_a_name_too_long_says_so_beside_the_name(officer):
    name = "Nguyễn " + "Thị " * 30 + "An"
    card = f"001190123456|012345678|{name}|05031990|Nữ|Xóm 2|15042021"
    html = officer.post("/counter/dossiers/scan-card", {"card_payload": card}).get_data(as_text=True)
    assert 'id="e-applicant_name"' in html and "dài hơn 120 ký tự" in html
    assert f'value="{name}"' in html and 'maxlength="120"' in html


class Named:
    def __init__(self, field, id_=None):
        self.field, self.id = field, id_ or field


def test_procedures_are_narrowed_to_the_queue_fields_keeping_the_chosen_one():
    every = [Named("Hộ tịch"), Named("Chứng thực"), Named("Cư trú")]
    assert narrowed_procedures(every, ["Chứng thực"]) == ([every[1]], True)
    assert narrowed_procedures(every, ["Chứng thực"], every[2]) == ([every[1], every[2]], True)
    assert narrowed_procedures(every, []) == (every, False)
    assert narrowed_procedures(every, ["Đất đai"]) == (every, False)  # nothing matches: all


def sit(app, officer) -> None:
    """canbo1 sits at counter 1 (queues A and B)."""
    with app.app_context():
        counter_id = str(db.session.scalars(select(Counter).where(Counter.number == 1)).one().id)
    assert officer.post("/counter/select", {"counter_id": counter_id}, htmx=False).status_code == 303


def serve(app, letter) -> str:
    """Counter 1 calls a fresh ticket of queue `letter`: its id."""
    with app.app_context(), write_transaction():
        queue = db.session.scalars(select(Queue).where(Queue.letter == letter)).one()
        issue_ticket(current_site(), queue)
        counter = db.session.scalars(select(Counter).where(Counter.number == 1)).one()
        return str(call_next(counter, db.session.get(StaffUser, counter.officer_id)).id)


def test_from_a_ticket_only_its_queue_procedures_unless_all_are_asked_for(app, officer):
    sit(app, officer)
    ticket_id = serve(app, "B")
    html = officer.get(f"/counter/dossiers/new?ticket={ticket_id}").get_data(as_text=True)
    assert "Chứng thực ·" in html and "Hộ tịch ·" not in html and "Hiện tất cả thủ tục" in html
    every = officer.get(f"/counter/dossiers/new?ticket={ticket_id}&all_procedures=1").get_data(as_text=True)
    assert "Hộ tịch ·" in every


def test_receiving_from_the_served_ticket_finishes_it_unless_kept_open(app, officer):
    sit(app, officer)
    first = serve(app, "A")
    response = intake(officer, app, ticket_id=first, finish_ticket="on")
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="ticket-done"' in page and "Gọi số tiếp theo" in page and "/counter/call-next" in page
    second = serve(app, "A")
    intake(officer, app, ticket_id=second)  # "Kết thúc số" unticked: the citizen has another dossier
    with app.app_context():
        statuses = {str(t.id): t.status for t in db.session.scalars(select(Ticket))}
    assert (statuses[first], statuses[second]) == ("done", "called")
    assert 'id="ticket-done"' not in officer.get(response.headers["Location"]).get_data(as_text=True)


def test_the_session_clock_typing_keeps_it_and_the_page_knows_the_seconds_left(app, officer):
    page = officer.get("/counter/dossiers/new")
    shown = re.search(r'name="session-remaining" content="(\d+)"', page.get_data(as_text=True))
    assert 890 <= int(shown.group(1)) <= 900  # 15 minutes
    assert 895 <= int(page.headers["X-Session-Remaining"]) <= 900
    with officer.client.session_transaction() as session:
        session["last_action"] -= 600
    assert 295 <= officer.get("/staff/session", htmx=True).json["remaining"] <= 300  # passive: unchanged
    assert officer.post("/staff/session/alive").json["remaining"] >= 895  # typing counts
    assert officer.get("/staff/session", htmx=True).json["remaining"] >= 895


def expired(officer):
    with officer.client.session_transaction() as session:
        session["last_action"] -= 3600
    return officer


def test_a_submit_on_an_expired_session_leads_back_to_the_form_not_the_post(app, staff):
    officer = expired(staff("canbo1"))
    form_page = "http://localhost/counter/dossiers/new?ticket=abc"
    htmx = officer.client.post("/counter/dossiers", data={"csrf_token": officer.token},
                               headers={"HX-Request": "true", "HX-Current-URL": form_page})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login?next=/counter/dossiers/new?ticket%3Dabc"
    officer = expired(staff("buudien"))
    plain = officer.client.post("/counter/dossiers", data={"csrf_token": officer.token},
                                headers={"Referer": "http://localhost/counter/dossiers/new"})
    assert plain.headers["Location"] == "/login?next=/counter/dossiers/new"
    officer = expired(staff("giamsat"))
    elsewhere = officer.client.post("/counter/dossiers", data={"csrf_token": officer.token},
                                    headers={"Referer": "http://evil.example/x"})
    assert elsewhere.headers["Location"] == "/login?next="  # no way back to another site


def test_a_timeout_given_in_seconds_from_the_environment_is_read(make_app):
    app = make_app(STAFF_IDLE_TIMEOUT=30)
    assert app.config["STAFF_IDLE_TIMEOUT"] == timedelta(seconds=30)
