"""A dossier's steps at the counter, and procedure facts computed once in Python (issue 11, steps).

What the counter offers is exactly what the operations accept; an irreversible step asks for a
reason where the law needs one and for confirmation; the 15:00 rule follows the procedure's switch;
deadlines in hours read as hours; the paper's received time never changes.
"""

import uuid
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from domain import DomainError, lifecycle
from domain import validation as check
from domain.calendar import calendar_for, due_from, local_date
from domain.clock import to_local, utcnow
from domain.dossiers import receive_dossier, validate_intake
from domain.procedure_facts import procedure_facts
from domain.site import current_site
from domain.workdays import WorkCalendar
from models import Dossier, Procedure, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_dossiers import travel

SEVEN_DAYS = "1.004222"  # Đăng ký thường trú: 7 working days, time to apologise
VALID = {  # each step's operation with input it must accept
    "transfer": lambda s, d, o: lifecycle.transfer(s, d, o, "UBND xã"),
    "result-ready": lambda s, d, o: lifecycle.result_ready(s, d, o, "Đã ký"),
    "request-supplement": lambda s, d, o: lifecycle.request_supplement(s, d, o, ["Bản sao hộ khẩu"], "Thiếu"),
    "reschedule": lambda s, d, o: lifecycle.reschedule(
        s, d, o, "Chờ xác minh", calendar_for(s).add_working_days(local_date(d.due_at), 2)),
    "late-reason": lambda s, d, o: lifecycle.note_late_reason(s, d, o, "Chờ ý kiến cơ quan phối hợp"),
    "supplemented": lambda s, d, o: lifecycle.supplemented(s, d, o),
    "return": lambda s, d, o: lifecycle.return_result(s, d, o, "applicant", True),
    "refuse": lambda s, d, o: lifecycle.refuse(s, d, o, "Không đủ điều kiện"),
    "stop": lambda s, d, o: lifecycle.stop(s, d, o, "Công dân rút hồ sơ"),
}
# The paths that bring a fresh dossier to each state the counter meets.
PATHS = {
    "received": [],
    "transferred": ["transfer"],
    "supplement_requested": ["transfer", "request-supplement"],
    "supplemented": ["request-supplement", "supplemented"],
    "rescheduled": ["reschedule"],
    "result_ready": ["result-ready"],
    "returned": ["result-ready", "return"],
    "refused": ["refuse"],
    "stopped": ["stop"],
}


class Undo(Exception):
    """Raised to roll a tried step back."""


def officer() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "canbo1"))


def received(app, code=SEVEN_DAYS) -> uuid.UUID:
    with app.app_context(), write_transaction():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
        values = {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001090123456"}
        intake = validate_intake(procedure, values, set(range(len(procedure.documents))))
        return receive_dossier(current_site(), officer(), intake).id


def take(app, dossier_id, *steps) -> None:
    for name in steps:
        with app.app_context(), write_transaction():
            VALID[name](current_site(), db.session.get(Dossier, dossier_id), officer())


def verdicts(app, dossier_id) -> tuple[tuple, dict]:
    """(what allowed_steps offers, {step: accepted?}) — each step tried, then rolled back."""
    with app.app_context():
        offered = lifecycle.allowed_steps(current_site(), db.session.get(Dossier, dossier_id)).steps
    accepted = {}
    for name, operation in VALID.items():
        try:
            with app.app_context(), write_transaction():
                operation(current_site(), db.session.get(Dossier, dossier_id), officer())
                raise Undo
        except Undo:
            accepted[name] = True
        except DomainError:
            accepted[name] = False
    return offered, accepted


CLOSED = ("returned", "refused", "stopped")


@pytest.mark.parametrize("state", [state for state in PATHS if state not in CLOSED])
def test_every_step_offered_is_accepted_and_every_other_refused(app, state):
    dossier_id = received(app)
    take(app, dossier_id, *PATHS[state])
    offered, accepted = verdicts(app, dossier_id)
    assert offered and set(offered) == {name for name, ok in accepted.items() if ok}, (state, accepted)


@pytest.mark.parametrize("state", CLOSED)
def test_a_closed_dossier_offers_no_step_and_every_step_is_refused(app, state):
    dossier_id = received(app)
    take(app, dossier_id, *PATHS[state])
    offered, accepted = verdicts(app, dossier_id)
    assert offered == () and not any(accepted.values()), accepted


def test_an_overdue_dossier_offers_the_late_reason_and_no_apology(app, monkeypatch):
    dossier_id = received(app, "1.004859")
    with app.app_context():
        due = db.session.get(Dossier, dossier_id).due_at
    travel(monkeypatch, due + timedelta(minutes=5))
    offered, accepted = verdicts(app, dossier_id)
    assert "late-reason" in offered and "reschedule" not in offered
    assert set(offered) == {name for name, ok in accepted.items() if ok}


def test_what_a_dossier_can_print_follows_its_state(app):
    stopped, refused = received(app), received(app)
    take(app, stopped, "reschedule", "stop")
    take(app, refused, "request-supplement", "refuse")
    with app.app_context():
        site = current_site()
        after_stop = lifecycle.allowed_steps(site, db.session.get(Dossier, stopped))
        after_refusal = lifecycle.allowed_steps(site, db.session.get(Dossier, refused))
    assert after_stop.forms == ("control", "apology", "stop") and after_stop.slips == ("receipt",)
    assert after_refusal.forms == ("control", "supplement", "refusal")
    assert after_refusal.slips == ("receipt", "supplement") and after_refusal.receipt


@pytest.mark.parametrize("reason", ["", "   "])
def test_stop_without_a_reason_is_refused_on_the_reason_field(app, reason):
    dossier_id = received(app)
    with app.app_context(), pytest.raises(check.InvalidInput) as refused:
        lifecycle.stop(current_site(), db.session.get(Dossier, dossier_id), officer(), reason)
    assert refused.value.field == "reason"
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).status == "received"


# ---- the counter's screens ----

@pytest.fixture
def counter(staff):
    return staff("canbo1")


def post_step(counter, dossier_id, name, **form):
    return counter.post(f"/counter/dossiers/{dossier_id}/steps/{name}", form)


def status(app, dossier_id) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).status


def test_stop_with_an_empty_reason_shows_the_message_beside_the_field(app, counter):
    dossier_id = received(app)
    response = post_step(counter, dossier_id, "stop", reason=" ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html.index('name="reason"', html.index('id="step-stop"'))
    message = html.index('id="stop-reason-error"')
    assert field < message < html.index("</label>", field) < html.index("Dừng giải quyết</button>")
    assert "Hãy ghi rõ lý do công dân đề nghị dừng giải quyết hồ sơ." in html
    assert status(app, dossier_id) == "received"


def test_a_refused_step_keeps_what_was_typed_in_its_form(app, counter):
    dossier_id = received(app)
    response = post_step(counter, dossier_id, "reschedule", reason="Chờ xác minh", new_date="31/02/2027")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="31/02/2027"' in html and 'value="Chờ xác minh"' in html
    assert 'id="reschedule-new_date-error"' in html


def test_stop_asks_for_confirmation_then_stops_with_the_reason_on_the_notice(app, counter):
    dossier_id = received(app)
    asked = post_step(counter, dossier_id, "stop", reason="Công dân xin rút hồ sơ để bổ sung giấy tờ")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and status(app, dossier_id) == "received"
    assert "Xác nhận dừng giải quyết hồ sơ" in html and "không hoàn tác được" in html
    assert 'name="confirmed" value="yes"' in html
    assert 'name="reason" value="Công dân xin rút hồ sơ để bổ sung giấy tờ"' in html
    assert 'id="confirm-no"' in html and 'id="step-stop"' not in html  # nothing else to press meanwhile
    done = post_step(counter, dossier_id, "stop", reason="Công dân xin rút hồ sơ để bổ sung giấy tờ",
                     confirmed="yes")
    assert done.status_code == 200 and status(app, dossier_id) == "stopped"
    assert 'id="form-stop"' in done.get_data(as_text=True)
    pdf = counter.get(f"/counter/dossiers/{dossier_id}/forms/stop.pdf")
    from .test_notices import flat

    assert "Lý do: Công dân xin rút hồ sơ để bổ sung giấy tờ" in flat(pdf.data)


@pytest.mark.parametrize(("name", "form", "question"), [
    ("refuse", {"reasons": "Không đủ điều kiện"}, "Xác nhận từ chối giải quyết hồ sơ"),
    ("return", {"collected_by": "applicant", "id_checked": "on"}, "Xác nhận trả kết quả hồ sơ"),
])
def test_refusal_and_return_are_confirmed_first(app, counter, name, form, question):
    dossier_id = received(app)
    if name == "return":
        take(app, dossier_id, "result-ready")
    before = status(app, dossier_id)
    asked = post_step(counter, dossier_id, name, **form)
    assert question in asked.get_data(as_text=True) and status(app, dossier_id) == before
    post_step(counter, dossier_id, name, confirmed="yes", **form)
    assert status(app, dossier_id) != before


def test_an_empty_refusal_is_not_even_asked(app, counter):
    dossier_id = received(app)
    response = post_step(counter, dossier_id, "refuse", reasons="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Xác nhận" not in html.split('id="messages"')[1][:200]
    assert 'id="refuse-reasons-error"' in html and status(app, dossier_id) == "received"


def test_the_paper_received_time_stays_after_a_supplement(app, counter, client, monkeypatch):
    dossier_id = received(app)
    take(app, dossier_id, "request-supplement")
    travel(monkeypatch, utcnow() + timedelta(days=2))
    take(app, dossier_id, "supplemented")
    with app.app_context():
        row = db.session.get(Dossier, dossier_id)
        code, key, received_at, restarted = row.code, row.check, row.received_at, row.clock_started_at
    assert restarted > received_at
    shown = f"{to_local(received_at):%H:%M %d/%m/%Y}"
    for html in (counter.get(f"/counter/dossiers/{dossier_id}").get_data(as_text=True),
                 client.get(f"/T/{code}?K={key}").get_data(as_text=True)):
        assert f'id="received">{shown}<' in html
        assert "Thời hạn tính lại từ" in html and f"{to_local(restarted):%H:%M %d/%m/%Y}" in html


# ---- the 15:00 rule, per procedure ----

def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@pytest.mark.parametrize(("received", "cutoff", "due"), [
    (at(date(2026, 3, 3), 14, 59), True, date(2026, 3, 5)),  # Tuesday before 15:00: counts from Tuesday
    (at(date(2026, 3, 3), 15, 1), True, date(2026, 3, 6)),  # after 15:00: from Wednesday
    (at(date(2026, 3, 3), 15, 1), False, date(2026, 3, 5)),  # no 15:00 rule: still Tuesday
    (at(date(2026, 3, 6), 15, 30), True, date(2026, 3, 11)),  # Friday after 15:00: from Monday
    (at(date(2026, 3, 6), 15, 30), False, date(2026, 3, 10)),
    (at(date(2026, 4, 29), 15, 30), True, date(2026, 5, 6)),  # 30/4, 1/5 off, then the weekend
    (at(date(2026, 4, 29), 15, 30), False, date(2026, 5, 5)),
    (at(date(2026, 3, 7), 9, 0), False, date(2026, 3, 11)),  # a Saturday counts from Monday either way
])
def test_two_day_deadline_across_15_00_weekends_and_holidays(received, cutoff, due):
    assert WorkCalendar().due_at(received, days=2, cutoff=cutoff) == at(due, 16)


@pytest.mark.parametrize(("received", "cutoff", "due"), [
    (at(date(2026, 3, 3), 14, 0), True, at(date(2026, 3, 3), 16)),
    (at(date(2026, 3, 3), 15, 30), True, at(date(2026, 3, 4), 16)),
    (at(date(2026, 3, 3), 15, 30), False, at(date(2026, 3, 3), 16)),  # same day without the rule
    (at(date(2026, 3, 3), 16, 30), False, at(date(2026, 3, 4), 16)),  # never before it was received
    (at(date(2026, 4, 29), 15, 30), True, at(date(2026, 5, 4), 16)),
    (at(date(2026, 4, 29), 15, 30), False, at(date(2026, 4, 29), 16)),
])
def test_same_day_procedures_and_the_15_00_rule(received, cutoff, due):
    assert WorkCalendar().due_at(received, same_day=True, cutoff=cutoff) == due


def test_due_from_reads_the_procedures_switch():
    procedure = SimpleNamespace(same_day=False, deadline_days=2, deadline_hours=0, cutoff_applies=True)
    friday_late = datetime(2026, 3, 6, 8, 30)  # 15:30 in Vietnam, stored as naive UTC
    assert to_local(due_from(WorkCalendar(), friday_late, procedure)).date() == date(2026, 3, 11)
    procedure.cutoff_applies = False
    assert to_local(due_from(WorkCalendar(), friday_late, procedure)).date() == date(2026, 3, 10)


# ---- procedure facts ----

def facts_of(app, **fields):
    procedure = SimpleNamespace(**{"same_day": False, "deadline_days": 0, "deadline_hours": 0,
                                   "cutoff_applies": True, "fee": 0, "fee_note": "", "in_person_only": False,
                                   "postal_allowed": True, "documents": [], **fields})
    with app.test_request_context("/"):
        return procedure_facts(procedure)


def test_procedure_facts_say_hours_days_and_the_same_day(app):
    assert facts_of(app, deadline_hours=4).deadline == "Trong 4 giờ làm việc"
    assert facts_of(app, deadline_days=5).deadline == "5 ngày làm việc"
    assert facts_of(app, deadline_days=1, deadline_hours=4).deadline == "1 ngày 4 giờ làm việc"
    same_day = facts_of(app, same_day=True)
    assert same_day.deadline == "Trong ngày làm việc" and "trước 15 giờ" in same_day.cutoff
    assert facts_of(app, same_day=True, cutoff_applies=False).cutoff == ""
    assert "sau 15 giờ" in facts_of(app, deadline_days=3).cutoff


def test_procedure_facts_fee_papers_and_filing(app):
    facts = facts_of(app, fee=20000, in_person_only=True,
                     documents=[{"name": "Tờ khai", "kind": "copy", "count": 2}])
    assert facts.fee == "20.000 đồng" and facts_of(app).fee == "Miễn phí"
    assert facts.filing == "Phải nộp trực tiếp" and facts_of(app).filing == "Trực tiếp hoặc qua bưu điện"
    assert [(p.name, p.kind, p.count) for p in facts.papers] == [("Tờ khai", "Bản sao", 2)]


def test_an_hours_procedure_shows_hours_at_the_kiosk_and_at_intake(app, counter, client):
    with app.app_context(), write_transaction():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.004859"))
        procedure.deadline_days, procedure.deadline_hours = 0, 4
        procedure_id = str(procedure.id)
    kiosk = client.get(f"/kiosk/thu-tuc/{procedure_id}").get_data(as_text=True)
    intake = counter.get(f"/counter/dossiers/checklist?procedure_id={procedure_id}", htmx=True)
    for html in (kiosk, intake.get_data(as_text=True)):
        assert "Trong 4 giờ làm việc" in html and "0 ngày làm việc" not in html
