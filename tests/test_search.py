"""Dossier search at the counter: every key finds the citizen, lists mask the ID number and phone,
bad input gets a message (never a 500), another site's dossiers are never shown; the folded name is
kept out of events and rebuilt on replay."""

import re

import pytest
from sqlalchemy import select, update

from domain import validation as check
from domain.dossiers import receive_dossier, validate_intake
from domain.events import record
from domain.search import find_dossiers, masked_id, masked_phone, parse_query
from models import Dossier, Event, Procedure, ReceptionPoint, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_dossiers import dossier, intake

NAME, ID_NUMBER, PHONE = "Nguyễn Thị Hồng Nhung", "001090123456", "0912345678"


@pytest.fixture
def officer(staff):
    return staff("canbo1")


@pytest.fixture
def filed(app, officer):
    """Two dossiers of one citizen and one of another, received at this site."""
    first = dossier(app, intake(officer, app))
    other = dossier(app, intake(officer, app, applicant_name="Trần Văn Đức",
                                applicant_id_number="031095000777", applicant_phone="+84 987 654 321"))
    second = dossier(app, intake(officer, app))
    return first, second, other


def results(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("typed", [
    "nguyen thi hong nhung", "NGUYEN", "hong nhung", "Nhung", "Nguyễn Thị", "nguyễn  thị",
    ID_NUMBER, "001 090 123 456", "0912 345 678", "0912.345.678", "+84 912 345 678",
    "84912345678",
])
def test_every_key_finds_the_citizen(app, officer, filed, typed):
    first, second, other = filed
    page = results(officer.get(f"/counter/search?q={typed}", htmx=True))
    assert first.code in page and second.code in page
    assert other.code not in page
    assert page.index(second.code) < page.index(first.code)  # newest first


def test_a_code_in_full_or_by_its_last_digits(app, officer, filed):
    first, second, other = filed
    page = results(officer.get(f"/counter/search?q={first.code}", htmx=True))
    assert first.code in page and second.code not in page and other.code not in page
    tail = first.code.rsplit("-", 1)[1]  # "0001"
    assert first.code in results(officer.get(f"/counter/search?q={tail}", htmx=True))
    assert first.code in results(officer.get(f"/counter/search?q={int(tail)}", htmx=True))  # "1" as 0001
    assert first.code in results(officer.get(f"/counter/search?q={first.code[-11:].lower()}", htmx=True))


def test_a_name_without_diacritics_and_with_d_for_dj(app, officer, filed):
    other = filed[2]
    page = results(officer.get("/counter/search?q=tran van duc", htmx=True))
    assert other.code in page and "Trần Văn Đức" in page
    assert other.code in results(officer.get("/counter/search?q=Đức", htmx=True))
    assert "Không tìm thấy" in results(officer.get("/counter/search?q=uc", htmx=True))  # a word's start only


def test_lists_show_the_full_name_and_mask_the_id_number_and_phone(app, officer, filed):
    page = results(officer.get("/counter/search?q=nhung"))
    assert NAME in page
    assert ID_NUMBER not in page and "••••••••3456" in page
    assert PHONE not in page and "0912 345 678" not in page and "•••••••678" in page
    assert masked_id(ID_NUMBER) == "••••••••3456" and masked_phone("+84987654321") == "••••••••321"


def test_the_plain_form_works_without_javascript(app, officer, filed):
    page = results(officer.get("/counter/search?q=nhung"))
    assert "<html" in page and 'name="q"' in page and 'value="nhung"' in page and filed[0].code in page
    listing = results(officer.get("/counter/dossiers"))
    assert 'action="/counter/search"' in listing and 'hx-get="/counter/search"' in listing


@pytest.mark.parametrize("typed, message", [
    ("a", "ít nhất 2 chữ"), ("x" * 61, "quá dài"), ("x" * 10_000, "quá dài"), ("<script>", "chỉ gồm chữ"),
    ("50%", "chỉ gồm chữ"), ("a_b", "chỉ gồm chữ"), ("🙂🙂", "chỉ gồm chữ"), ("\x00ab", "chỉ gồm chữ"),
    ("١٢٣٤", "chỉ gồm chữ"), ("12345678901234", "Không rõ"), ("Nguyen 2", "không phải mã hồ sơ"),
    ("\u0301ab", "chỉ gồm chữ"),
])
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(app, officer, typed, message):
    response = officer.client.get("/counter/search", query_string={"q": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'id="search-error"' in page and 'aria-invalid="true"' in page
    fragment = officer.client.get("/counter/search", query_string={"q": typed},
                                  headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and message in fragment.get_data(as_text=True)


def test_an_empty_box_shows_no_list_and_no_error(app, officer, filed):
    page = results(officer.get("/counter/search?q=+++"))
    assert "search-error" not in page and filed[0].code not in page


def test_more_than_the_limit_asks_to_narrow_the_search(app, officer, filed, monkeypatch):
    import counter.search

    with app.app_context():
        site = db.session.get(ReceptionPoint, filed[0].site_id)
        found, more = find_dossiers(site, parse_query("nhung"), limit=1)
        assert len(found) == 1 and more
    monkeypatch.setattr(counter.search, "LIMIT", 1)
    page = results(officer.get("/counter/search?q=nhung"))
    assert "Hãy thu hẹp tìm kiếm" in page and "Hơn 1 hồ sơ khớp" in page and page.count("<tr>") == 2


def test_the_citizens_history_lists_all_their_dossiers_here(app, officer, filed):
    first, second, other = filed
    page = results(officer.get(f"/counter/search/citizen/{first.id}"))
    assert first.code in page and second.code in page and other.code not in page
    assert NAME in page and ID_NUMBER not in page and "Đã tiếp nhận" in page
    assert results(officer.get(f"/counter/search/citizen/{other.id}")).count("<tr>") == 1 + 1


def test_another_sites_dossiers_are_never_found(app, officer, filed):
    with app.app_context(), write_transaction():
        site = ReceptionPoint(agency_code="000.00.13.H56", name="Xã khác")
        db.session.add(site)
        record("site.created", site)
        mine = db.session.scalars(select(Procedure).where(Procedure.code == "1.004859")).one()
        procedure = Procedure(site_id=site.id, code=mine.code, name=mine.name, field=mine.field,
                              documents=mine.documents, deadline_days=mine.deadline_days)
        db.session.add(procedure)
        record("procedure.created", procedure)
        clerk = db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo1")).one()
        values = {"applicant_name": NAME, "applicant_id_number": ID_NUMBER, "applicant_phone": PHONE}
        elsewhere = receive_dossier(site, clerk, validate_intake(procedure, values,
                                                                 set(range(len(procedure.documents)))))
        code, elsewhere_id = elsewhere.code, elsewhere.id
    for typed in ("nhung", ID_NUMBER, PHONE, code, code[-4:]):
        page = results(officer.client.get("/counter/search", query_string={"q": typed},
                                          headers={"HX-Request": "true"}))  # the results, not the box
        assert code not in page and str(elsewhere_id) not in page, typed
    assert officer.get(f"/counter/search/citizen/{elsewhere_id}").status_code == 404
    assert code not in results(officer.get(f"/counter/search/citizen/{filed[0].id}"))


def test_only_counter_roles_search(app, staff, filed):
    assert staff("admin").get("/counter/search?q=nhung").status_code == 403
    assert staff("giamsat").get("/counter/search?q=nhung").status_code == 200
    assert app.test_client().get("/counter/search?q=nhung").status_code in (302, 401)


def test_parse_query_tells_the_keys_apart():
    assert parse_query("001090123456").key == "id_number"
    assert parse_query("+84 912 345 678").value == "0912345678"
    assert parse_query("0012").value == "-0012" and parse_query("12").value == "-0012"
    assert parse_query("000.00.12.H56-261202-0012").key == "code"
    assert parse_query("261202-0012").key == "code_tail"
    assert parse_query("Nguyễn Văn Đức").value == "nguyen van duc"
    assert parse_query("") is None and parse_query("   ") is None
    with pytest.raises(check.InvalidInput):
        parse_query("x" * 10_000)


def test_events_never_carry_the_folded_name_and_replay_rebuilds_it(app, officer, filed):
    with app.app_context():
        payloads = db.session.scalars(select(Event.payload).where(Event.aggregate_type == "dossier")).all()
        assert payloads and all("applicant_search" not in (p.get("dossier") or {}) for p in payloads)
        assert not any(re.search(r"nguyen thi hong", str(p)) for p in payloads)
        from domain.apply import refold

        with write_transaction():
            db.session.execute(update(Dossier.__table__).where(Dossier.__table__.c.id == filed[2].id)
                               .values(applicant_search=""))
            refold("dossier", filed[2].id)
        db.session.expire_all()
        assert db.session.get(Dossier, filed[2].id).applicant_search == "tran van duc"
