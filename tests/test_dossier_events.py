"""Every dossier operation writes a step (DossierStep) and records its event in the same transaction:
the type, the officer, and complete snapshots of the dossier and the step as they stand after it
(personal columns sealed with the dossier's key). The rows written are the rows the event carries."""

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from domain import DomainError, lifecycle
from domain.calendar import calendar_for, local_date
from domain.clock import to_local, utcnow
from domain.dossiers import receive_dossier, refuse_at_intake, request_supplement_at_intake, validate_intake
from domain.site import current_site
from domain.snapshots import row_values
from models import Attachment, Dossier, DossierStep, Event, Procedure, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_dossiers import travel

NAME = "Nguyễn Thị Hồng Nhung"


@dataclass
class Recorded:
    """The latest event of a dossier, its snapshots read back as column values."""

    type: str
    actor: str | None  # the officer's username
    dossier: dict
    step: dict | None
    payload: dict


def officer(username="canbo1") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def intake(missing: int = 0):
    """A valid Mẫu 01 for procedure 1.004859; the last `missing` papers not handed in."""
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004859"))
    values = {"applicant_name": NAME, "applicant_id_number": "001090123456",
              "proxy_name": "Lê Văn Bình", "proxy_authorisation": "Giấy ủy quyền số 3/UQ"}
    return validate_intake(procedure, values, set(range(len(procedure.documents) - missing)))


def received(app) -> uuid.UUID:
    with app.app_context(), write_transaction():
        return receive_dossier(current_site(), officer(), intake()).id


def act(app, dossier_id, operation, username="canbo1") -> None:
    """operation(site, dossier, officer) in one write transaction, as a request would run it."""
    with app.app_context(), write_transaction():
        operation(current_site(), db.session.get(Dossier, dossier_id), officer(username))


def columns(row) -> dict:
    return {column.name: getattr(row, column.key) for column in row.__table__.columns}


def latest(app, dossier_id) -> Recorded:
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.aggregate_id == dossier_id)
                                   .order_by(Event.seq.desc())).first()
        actor = db.session.get(StaffUser, event.actor_id).username if event.actor_id else None
        dossier, _ = row_values("dossier", event.payload["dossier"])
        assert columns(db.session.get(Dossier, dossier_id)) == dossier  # the row is what the event says
        step = None
        if "dossier_step" in event.payload:
            step, _ = row_values("dossier_step", event.payload["dossier_step"])
            assert columns(db.session.get(DossierStep, step["id"])) == step
        return Recorded(event.type, actor, dossier, step, event.payload)


def test_receiving_records_the_dossier_and_its_first_step(app):
    dossier_id = received(app)
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["status"]) == ("dossier.received", "canbo1", "received")
    assert event.dossier["received_at"] == event.dossier["clock_started_at"] == event.step["at"]
    assert event.dossier["code"] and event.dossier["log_number"] == 1
    assert (event.step["type"], event.step["status"], event.step["due_at"]) == (
        "dossier.received", "received", event.dossier["due_at"])
    assert (event.step["dossier_id"], event.step["actor_id"]) == (dossier_id, event.dossier["received_by_id"])


def test_personal_data_travels_sealed(app):
    dossier_id = received(app)
    act(app, dossier_id, lambda s, d, o: lifecycle.result_ready(s, d, o))
    act(app, dossier_id, lambda s, d, o: lifecycle.return_result(
        s, d, o, "proxy", True, proxy_name="Trần Văn Cường", authorisation="Giấy ủy quyền số 9/UQ"))
    event = latest(app, dossier_id)
    for snapshot in (event.payload["dossier"], event.payload["dossier_step"]):
        assert snapshot["sealed"] and "applicant_name" not in snapshot and "proxy_name" not in snapshot
    text = str(event.payload)
    assert "Nhung" not in text and "Cường" not in text and "9/UQ" not in text
    assert event.dossier["applicant_name"] == NAME and event.step["proxy_name"] == "Trần Văn Cường"


def test_asking_for_papers_at_intake_and_refusing_at_intake(app):
    with app.app_context(), write_transaction():
        asked = request_supplement_at_intake(current_site(), officer(), intake(missing=1), ["Ảnh 4x6"]).id
        refused = refuse_at_intake(current_site(), officer(), intake(), "Không thuộc thẩm quyền").id
    event = latest(app, asked)
    assert (event.type, event.actor, event.dossier["status"]) == (
        "dossier.supplement_requested_at_intake", "canbo1", "incomplete")
    asked_for = ["Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu)", "Ảnh 4x6"]
    assert event.step["items"] == event.dossier["missing"] == asked_for
    assert event.dossier["code"] is None and event.dossier["received_at"] is None
    event = latest(app, refused)
    assert (event.type, event.dossier["status"], event.step["status"]) == (
        "dossier.refused_at_intake", "refused_at_intake", "refused_at_intake")
    assert event.step["reason"] == event.dossier["reasons"] == "Không thuộc thẩm quyền"


def test_transfer_records_the_agency_and_the_day_it_was_due(app):
    dossier_id = received(app)
    act(app, dossier_id, lambda s, d, o: lifecycle.transfer(s, d, o, "Công chức Tư pháp - Hộ tịch"))
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["status"]) == (
        "dossier.transferred", "canbo1", "transferred")
    with app.app_context():
        by = calendar_for(current_site()).clock_start(to_local(event.dossier["clock_started_at"]))
    assert (event.step["agency"], event.step["transfer_by"], event.step["on_time"]) == (
        "Công chức Tư pháp - Hộ tịch", by, True)


def test_a_supplement_asked_after_three_working_days_is_flagged_late(app, monkeypatch):
    travel(monkeypatch, utcnow() - timedelta(days=20))  # at least nine working days, even over Tết
    dossier_id = received(app)
    travel(monkeypatch, utcnow())
    act(app, dossier_id, lambda s, d, o: lifecycle.request_supplement(s, d, o, ["Bản sao giấy khai sinh"],
                                                                      "Thiếu giấy tờ"))
    event = latest(app, dossier_id)
    assert (event.type, event.dossier["status"], event.step["status"]) == (
        "dossier.supplement_requested", "supplement_requested", "supplement_requested")
    assert (event.step["items"], event.step["reason"], event.step["late"]) == (
        ["Bản sao giấy khai sinh"], "Thiếu giấy tờ", True)
    assert event.dossier["missing"] == ["Bản sao giấy khai sinh"]


def test_supplemented_restarts_the_clock_but_keeps_the_day_received(app, monkeypatch):
    travel(monkeypatch, utcnow() - timedelta(days=3))
    dossier_id = received(app)
    act(app, dossier_id, lambda s, d, o: lifecycle.request_supplement(s, d, o, ["Ảnh 4x6"], ""))
    assert latest(app, dossier_id).step["late"] is False
    first = latest(app, dossier_id).dossier
    travel(monkeypatch, utcnow())
    act(app, dossier_id, lambda s, d, o: lifecycle.supplemented(s, d, o))
    event = latest(app, dossier_id)
    assert (event.type, event.dossier["status"], event.dossier["missing"]) == (
        "dossier.supplemented", "transferred", [])
    assert event.dossier["received_at"] == first["received_at"] and event.dossier["code"] == first["code"]
    assert event.dossier["clock_started_at"] == event.step["at"] > first["clock_started_at"]
    assert event.step["due_at"] == event.dossier["due_at"] > first["due_at"]
    assert event.dossier["original_due_at"] == first["original_due_at"]


def test_result_ready_and_return_to_the_applicant(app):
    dossier_id = received(app)
    act(app, dossier_id, lambda s, d, o: lifecycle.result_ready(s, d, o, "Trích lục số 12"))
    event = latest(app, dossier_id)
    assert (event.type, event.dossier["status"], event.dossier["result_note"]) == (
        "dossier.result_ready", "result_ready", "Trích lục số 12")
    act(app, dossier_id, lambda s, d, o: lifecycle.return_result(s, d, o, "applicant", True), "giamsat")
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["status"]) == ("dossier.returned", "giamsat", "returned")
    assert event.dossier["returned_at"] == event.step["at"]
    assert (event.step["collected_by"], event.step["proxy_name"], event.step["on_time"]) == (
        "applicant", "", True)


@pytest.mark.parametrize(("name", "operation", "status"), [
    ("dossier.refused", lambda s, d, o: lifecycle.refuse(s, d, o, "Không đủ điều kiện"), "refused"),
    ("dossier.stopped", lambda s, d, o: lifecycle.stop(s, d, o, "Không đủ điều kiện"), "stopped"),
])
def test_refusal_and_stop_carry_their_reason(app, name, operation, status):
    dossier_id = received(app)
    act(app, dossier_id, operation)
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["status"], event.step["status"]) == (
        name, "canbo1", status, status)
    assert event.step["reason"] == event.dossier["reasons"] == "Không đủ điều kiện"


def test_rescheduling_records_both_appointments(app):
    with app.app_context(), write_transaction():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004222"))  # 7 days
        values = {"applicant_name": NAME, "applicant_id_number": "001090123456"}
        dossier_id = receive_dossier(current_site(), officer(), validate_intake(
            procedure, values, set(range(len(procedure.documents))))).id
    before = latest(app, dossier_id).dossier["due_at"]
    with app.app_context():
        new_day = calendar_for(current_site()).add_working_days(local_date(before), 3)
    act(app, dossier_id, lambda s, d, o: lifecycle.reschedule(s, d, o, "Chờ xác minh", new_day))
    event = latest(app, dossier_id)
    assert (event.type, event.dossier["status"], event.dossier["rescheduled"]) == (
        "dossier.rescheduled", "received", True)
    assert (event.step["previous_due_at"], event.step["reason"]) == (before, "Chờ xác minh")
    assert event.step["due_at"] == event.dossier["due_at"] and local_date(event.step["due_at"]) == new_day
    assert event.dossier["original_due_at"] == before


def test_the_watch_flags_an_overdue_dossier_once_and_the_officer_notes_why(app, monkeypatch):
    dossier_id = received(app)
    due = latest(app, dossier_id).dossier["due_at"]
    travel(monkeypatch, due + timedelta(minutes=5))
    with app.app_context(), write_transaction():
        assert lifecycle.flag_overdue(current_site()) == 1
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["status"], event.step["actor_id"]) == (
        "dossier.overdue", None, "received", None)
    assert event.dossier["overdue_at"] == event.step["at"] and event.step["due_at"] == due
    act(app, dossier_id, lambda s, d, o: lifecycle.note_late_reason(s, d, o, "Chờ UBND ký"))
    event = latest(app, dossier_id)
    assert (event.type, event.actor, event.dossier["late_reason"], event.step["reason"]) == (
        "dossier.late_reason", "canbo1", "Chờ UBND ký", "Chờ UBND ký")


def test_a_scanned_paper_is_recorded_with_its_attachment_row(app, staff):
    from .test_dossiers import dossier as latest_dossier

    officer_client = staff("canbo1")
    dossier_id = received(app)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(photo, "JPEG")
    response = officer_client.client.post(
        f"/counter/dossiers/{dossier_id}/attachments",
        data={"document": "Tờ khai", "file": (io.BytesIO(photo.getvalue()), "to-khai.jpg")},
        headers={"X-CSRFToken": officer_client.token, "HX-Request": "true"},
        content_type="multipart/form-data")
    assert response.status_code == 200
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.aggregate_id == dossier_id)
                                   .order_by(Event.seq.desc())).first()
        item = db.session.scalars(select(Attachment)).one()
        actor = db.session.get(StaffUser, event.actor_id).username
    assert (event.type, actor, set(event.payload)) == ("dossier.document_scanned", "canbo1", {"attachment"})
    values, _ = row_values("attachment", event.payload["attachment"])
    assert values == columns(item)
    assert (values["dossier_id"], values["document"]) == (dossier_id, "Tờ khai")
    assert latest_dossier(app).status == "received"  # the dossier itself did not change
    assert "Số hóa giấy tờ" in response.get_data(as_text=True)  # and its history lists the scan


def test_the_history_on_screen_and_for_the_public_comes_from_the_steps(app, staff, client):
    dossier_id = received(app)
    act(app, dossier_id, lambda s, d, o: lifecycle.transfer(s, d, o, "Công chức Tư pháp - Hộ tịch"))
    with app.app_context():
        row = db.session.get(Dossier, dossier_id)
        code, check = row.code, row.check
    page = staff("canbo1").get(f"/counter/dossiers/{dossier_id}").get_data(as_text=True)
    history = page[page.index('class="events"'):]
    assert "Đã chuyển cơ quan giải quyết" in history and "Công chức Tư pháp - Hộ tịch" in history
    assert "Nguyễn Văn Tiếp Nhận" in history
    public = client.get(f"/t/{code}?k={check}").get_data(as_text=True)
    assert "Đã tiếp nhận hồ sơ" in public and "Đã chuyển cơ quan giải quyết" in public


def test_nothing_is_recorded_when_an_operation_is_refused(app):
    dossier_id = received(app)
    with pytest.raises(DomainError, match="không thể thực hiện bước này"):
        act(app, dossier_id, lambda s, d, o: lifecycle.supplemented(s, d, o))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(DossierStep)
                                 .where(DossierStep.dossier_id == dossier_id)) == 1
    assert latest(app, dossier_id).type == "dossier.received"


def test_step_rows_keep_the_order_they_were_taken_in(app):
    dossier_id = received(app)
    for operation in (lambda s, d, o: lifecycle.transfer(s, d, o, ""),
                      lambda s, d, o: lifecycle.request_supplement(s, d, o, ["Ảnh"], ""),
                      lambda s, d, o: lifecycle.supplemented(s, d, o),
                      lambda s, d, o: lifecycle.result_ready(s, d, o)):
        act(app, dossier_id, operation)
    with app.app_context():
        from domain.form_data import dossier_steps

        steps = dossier_steps([dossier_id])
        types = [event.type for event in db.session.scalars(
            select(Event).where(Event.aggregate_id == dossier_id).order_by(Event.seq))]
    assert [step.type for step in steps] == types == [
        "dossier.received", "dossier.transferred", "dossier.supplement_requested", "dossier.supplemented",
        "dossier.result_ready"]
    assert [step.status for step in steps] == [
        "received", "transferred", "supplement_requested", "transferred", "result_ready"]
    assert [step.at for step in steps] == sorted(step.at for step in steps)
