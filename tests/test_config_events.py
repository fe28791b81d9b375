"""Every configuration and session change is a domain operation that records its event.

Each test takes one path (a screen, a session ending, a CLI command) and checks the event it left:
type, actor, context and the snapshot's values. The guard (EVENT_GUARD="raise") fails any of
them that changed a covered row without its event.
"""

import io
import uuid

import pytest
from sqlalchemy import select

from models import CalendarOverride, Counter, Event, Kiosk, PriorityCategory, Procedure, Queue, StaffUser
from motcua.extensions import db

from .test_counter import at_counter


def events(app, type_name: str) -> list[Event]:
    """The test's events of `type_name`, oldest first (not the demo's: it is seeded in one transaction)."""
    with app.app_context():
        seed = select(Event.tx_id).where(Event.type == "site.created").scalar_subquery()
        found = list(db.session.scalars(select(Event).where(Event.type == type_name, Event.tx_id != seed)
                                        .order_by(Event.seq)))
        db.session.expunge_all()
        return found


def the_event(app, type_name: str) -> Event:
    [event] = events(app, type_name)
    return event


def user_id(app, username: str) -> uuid.UUID:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def row_id(app, model, **filters) -> uuid.UUID:
    with app.app_context():
        return db.session.scalar(select(model.id).filter_by(**filters))


def counter_number(app, event: Event) -> int:
    with app.app_context():
        return db.session.get(Counter, event.aggregate_id).number


def assert_closed(app, event: Event, why: str, actor: str | None, number: int) -> None:
    assert event.payload["context"] == {"why": why}
    assert event.actor_id == (user_id(app, actor) if actor else None)
    snapshot = event.payload["counter"]
    assert (snapshot["number"], snapshot["is_open"], snapshot["officer_id"]) == (number, False, None)


# ---- Counters and sessions ------------------------------------------------------------------

def test_opening_a_counter_and_leaving_it(app, staff):
    officer = at_counter(staff, app, 1)
    opened = the_event(app, "counter.opened")
    assert opened.actor_id == user_id(app, "canbo1") and "context" not in opened.payload
    assert (opened.payload["counter"]["is_open"], opened.payload["counter"]["officer_id"]) == (
        True, str(user_id(app, "canbo1")))
    assert sorted(opened.payload["counter"]["queue_ids"]) == sorted(
        str(row_id(app, Queue, letter=letter)) for letter in "AB")
    assert officer.post("/counter/release").status_code == 303
    assert_closed(app, the_event(app, "counter.closed"), "officer", "canbo1", 1)


def test_opening_a_second_counter_closes_the_first(app, staff):
    officer = at_counter(staff, app, 1)
    with app.app_context():
        third = str(db.session.scalar(select(Counter.id).where(Counter.number == 3)))
    assert officer.post("/counter/select", {"counter_id": third}).status_code == 303
    assert_closed(app, the_event(app, "counter.closed"), "opened_elsewhere", "canbo1", 1)
    assert [counter_number(app, e) for e in events(app, "counter.opened")] == [1, 3]


def test_an_idle_session_closes_its_counter(app, staff):
    officer = at_counter(staff, app, 2)
    with officer.client.session_transaction() as session:
        session["last_action"] -= app.config["STAFF_IDLE_TIMEOUT"].total_seconds() + 60
    assert officer.get("/counter/waiting", htmx=True).status_code == 401  # the list's poll ends it
    assert_closed(app, the_event(app, "counter.closed"), "idle", "canbo1", 2)


def test_logging_in_elsewhere_closes_the_counter_held(app, staff):
    first = at_counter(staff, app, 2)
    staff("canbo1")  # the same account, another browser
    assert_closed(app, the_event(app, "counter.closed"), "login_elsewhere", "canbo1", 2)
    assert "Chọn quầy làm việc" in first.get("/counter").get_data(as_text=True)


def test_logout_closes_the_counter(app, staff):
    officer = at_counter(staff, app, 3)
    assert officer.post("/logout", htmx=False).status_code == 303
    assert_closed(app, the_event(app, "counter.closed"), "logout", "canbo1", 3)


def test_taking_over_names_the_officer_displaced(app, staff):
    at_counter(staff, app, 1)
    supervisor = staff("giamsat")
    first = str(row_id(app, Counter, number=1))
    assert supervisor.post("/counter/select", {"counter_id": first}).status_code == 200  # asked first
    assert events(app, "counter.taken_over") == []
    supervisor.post("/counter/select", {"counter_id": first, "take_over": "1"})
    taken = the_event(app, "counter.taken_over")
    assert taken.actor_id == user_id(app, "giamsat")
    assert taken.payload["context"] == {"from_officer_id": str(user_id(app, "canbo1"))}
    assert taken.payload["counter"]["officer_id"] == str(user_id(app, "giamsat"))


# ---- Admin ----------------------------------------------------------------------------------

def test_pausing_and_resuming_a_queue(app, staff):
    admin = staff("admin")
    queue_a = row_id(app, Queue, letter="A")
    admin.post(f"/admin/queues/{queue_a}/toggle")
    admin.post(f"/admin/queues/{queue_a}/toggle")
    paused, resumed = the_event(app, "queue.paused"), the_event(app, "queue.resumed")
    assert paused.seq < resumed.seq and paused.aggregate_id == resumed.aggregate_id == queue_a
    assert (paused.payload["queue"]["is_open"], resumed.payload["queue"]["is_open"]) == (False, True)
    assert paused.actor_id == resumed.actor_id == user_id(app, "admin")


def test_disabling_a_priority_category(app, staff):
    elderly = row_id(app, PriorityCategory, code="elderly")
    staff("admin").post(f"/admin/categories/{elderly}/toggle")
    event = the_event(app, "priority_category.disabled")
    assert (event.aggregate_id, event.actor_id) == (elderly, user_id(app, "admin"))
    assert (event.payload["priority_category"]["code"], event.payload["priority_category"]["active"]) == (
        "elderly", False)


def test_site_settings(app, staff):
    staff("admin").post("/admin/site", {"name": "Trung tâm xã Phúc Xuân", "parent_agency": "UBND xã",
                                        "kind": "commune_centre", "agency_code": "000.00.12.H56",
                                        "address": "Xóm 1"})
    event = the_event(app, "site.updated")
    assert event.aggregate_id == event.origin_site_id and event.actor_id == user_id(app, "admin")
    site = event.payload["reception_point"]
    assert (site["name"], site["parent_agency"], site["address"]) == (
        "Trung tâm xã Phúc Xuân", "UBND xã", "Xóm 1")


def test_setting_a_printer_url(app, staff):
    admin = staff("admin")
    counter = row_id(app, Counter, number=2)
    kiosk = row_id(app, Kiosk, code="K1")
    admin.post(f"/admin/printers/counter/{counter}", {"printer_url": "tcp://127.0.0.1:9100"})
    admin.post(f"/admin/printers/kiosk/{kiosk}", {"printer_url": "tcp://127.0.0.1:9101"})
    admin.post(f"/admin/printers/kiosk/{kiosk}", {"printer_url": "tcp://127.0.0.1:9101"})  # unchanged
    for type_name, device, url in (("counter.updated", counter, "tcp://127.0.0.1:9100"),
                                   ("kiosk.updated", kiosk, "tcp://127.0.0.1:9101")):
        event = the_event(app, type_name)
        assert (event.aggregate_id, event.actor_id) == (device, user_id(app, "admin"))
        assert event.payload["context"] == {"change": "printer"}
        assert event.payload[type_name.split(".")[0]]["printer_url"] == url


def test_adding_and_editing_queues_counters_and_kiosks(app, staff):
    admin = staff("admin")
    admin.post("/admin/queues", {"letter": "E", "name": "Thuế", "fields": "Thuế"})
    queue_e = row_id(app, Queue, letter="E")
    admin.post(f"/admin/queues/{queue_e}", {"name": "Thuế, phí", "fields": "Thuế, Phí"})
    admin.post("/admin/counters", {"number": "4", "queue_ids": [str(queue_e)]})
    counter = row_id(app, Counter, number=4)
    queue_a = row_id(app, Queue, letter="A")
    admin.post(f"/admin/counters/{counter}", {"queue_ids": [str(queue_a), str(queue_e)]})
    admin.post("/admin/kiosks", {"code": "k2", "name": "Kiosk tầng 2"})
    assert the_event(app, "queue.created").payload["queue"]["name"] == "Thuế"
    assert the_event(app, "queue.updated").payload["queue"]["fields"] == ["Thuế", "Phí"]
    assert the_event(app, "counter.created").payload["counter"]["queue_ids"] == [str(queue_e)]
    updated = the_event(app, "counter.updated")
    assert updated.payload["context"] == {"change": "queues"}
    assert sorted(updated.payload["counter"]["queue_ids"]) == sorted([str(queue_a), str(queue_e)])
    assert the_event(app, "kiosk.created").payload["kiosk"]["code"] == "K2"
    assert {e.actor_id for t in ("queue.created", "counter.updated", "kiosk.created")
            for e in events(app, t)} == {user_id(app, "admin")}


def test_setting_and_removing_a_calendar_day(app, staff):
    admin = staff("admin")
    admin.post("/admin/calendar", {"day": "22/08/2026", "working": "1", "note": "Làm bù"})
    override = row_id(app, CalendarOverride)
    admin.post(f"/admin/calendar/{override}/delete")
    added, removed = the_event(app, "calendar.set"), the_event(app, "calendar.removed")
    assert added.actor_id == removed.actor_id == user_id(app, "admin")
    assert added.payload["calendar_override"] | {"id": None, "site_id": None} == {
        "id": None, "site_id": None, "day": "2026-08-22", "working": True, "note": "Làm bù",
        "created_at": added.payload["calendar_override"]["created_at"]}
    assert removed.payload["calendar_override"]["deleted"] is True and removed.aggregate_id == override
    assert row_id(app, CalendarOverride) is None


def test_calendar_cli_records_without_an_actor(app, runner):
    assert runner.invoke(args=["calendar", "set", "04/05/2026", "--off"]).exit_code == 0
    event = the_event(app, "calendar.set")
    assert event.actor_id is None and event.payload["calendar_override"]["working"] is False
    refused = runner.invoke(args=["calendar", "set", "31/02/2026"])
    assert refused.exit_code != 0 and "không đúng dạng dd/mm/yyyy" in refused.output


def test_editing_a_procedure_in_the_admin_form(app, staff):
    form = {"ma_thu_tuc": "1.004194", "ten_thu_tuc": "Đăng ký tạm trú", "linh_vuc": "Cư trú",
            "co_quan": "Công an cấp xã", "thoi_han_ngay": "3", "le_phi": "17.000", "ap_dung_15h": "on",
            "cho_phep_buu_chinh": "on", "dang_ap_dung": "on", "giay_to": "Tờ khai CT01 (bản chính) x1"}
    assert staff("admin").post("/admin/procedures", form).status_code == 200
    event = the_event(app, "procedure.updated")
    assert (event.actor_id, event.payload["context"]) == (user_id(app, "admin"), {"source": "admin"})
    assert (event.payload["procedure"]["code"], event.payload["procedure"]["fee"]) == ("1.004194", 17000)


def test_a_csv_import_records_one_event_per_row_it_creates_or_changes(app, staff):
    admin = staff("admin")
    exported = admin.get("/admin/procedures.csv").data.decode("utf-8-sig")
    new_row = "\r\nDP.BT.01,Xác nhận hộ nghèo,Bảo trợ xã hội,,5" + "," * 9
    edited = (exported.replace("20000", "25000", 1).rstrip("\r\n") + new_row + "\r\n").encode("utf-8-sig")
    response = admin.client.post("/admin/procedures/import", data={"file": (io.BytesIO(edited), "dm.csv")},
                                 headers={"X-CSRFToken": admin.token, "HX-Request": "true"},
                                 content_type="multipart/form-data")
    assert "1 thủ tục mới, 1 thủ tục được cập nhật" in response.get_data(as_text=True)
    updated = the_event(app, "procedure.updated")
    created = the_event(app, "procedure.created")
    assert created.payload["procedure"]["code"] == "DP.BT.01"
    assert created.payload["context"] == {"source": "import"}
    assert created.aggregate_id == row_id(app, Procedure, code="DP.BT.01")
    assert updated.payload["context"] == {"source": "import"} and updated.payload["procedure"]["fee"] == 25000
    assert updated.tx_id == created.tx_id and updated.actor_id == created.actor_id == user_id(app, "admin")


# ---- Staff accounts (CLI) -------------------------------------------------------------------

def staff_row(app, username):
    with app.app_context():
        found = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
        db.session.expunge(found)
        return found


def test_cli_adds_an_account(app, runner):
    result = runner.invoke(args=["staff", "add", "CanBo2", "Phạm  Văn Mới", "--role", "officer",
                                 "--password", "mat-khau-dai-2026"])
    assert result.exit_code == 0, result.output
    event = the_event(app, "staff.created")
    account = event.payload["staff_user"]
    assert event.actor_id is None and event.aggregate_id == staff_row(app, "canbo2").id
    assert (account["username"], account["full_name"], account["role"], account["active"]) == (
        "canbo2", "Phạm Văn Mới", "officer", True)
    assert account["password_hash"] == staff_row(app, "canbo2").password_hash != "mat-khau-dai-2026"
    assert "mat-khau-dai-2026" not in str(event.payload)


def test_cli_changes_a_role(app, runner):
    assert runner.invoke(args=["staff", "role", "canbo1", "supervisor"]).exit_code == 0
    event = the_event(app, "staff.role_changed")
    assert event.payload["staff_user"]["role"] == "supervisor" and event.actor_id is None
    refused = runner.invoke(args=["staff", "role", "nobody", "officer"])
    assert refused.exit_code != 0 and "Không có tài khoản “nobody”" in refused.output


def test_cli_password_change_ends_the_accounts_sessions(app, runner, staff):
    officer = staff("canbo1")
    before = staff_row(app, "canbo1").session_version
    result = runner.invoke(args=["staff", "password", "canbo1", "--password", "mat-khau-moi-2026"])
    assert result.exit_code == 0
    event = the_event(app, "staff.password_changed")
    assert event.payload["staff_user"]["session_version"] == before + 1
    assert event.payload["staff_user"]["password_hash"] == staff_row(app, "canbo1").password_hash
    assert officer.get("/counter").status_code == 302  # logged out
    assert staff("canbo1", "mat-khau-moi-2026").login_status == 303


def test_cli_disabling_an_account_closes_its_counter(app, runner, staff):
    officer = at_counter(staff, app, 1)
    assert runner.invoke(args=["staff", "disable", "canbo1"]).exit_code == 0
    closed, disabled = the_event(app, "counter.closed"), the_event(app, "staff.disabled")
    assert_closed(app, closed, "account_disabled", None, 1)
    assert closed.seq < disabled.seq and closed.tx_id == disabled.tx_id
    assert disabled.payload["staff_user"]["active"] is False
    assert officer.get("/counter").status_code == 302
    assert staff("canbo1").login_status == 200  # refused
    assert runner.invoke(args=["staff", "enable", "canbo1"]).exit_code == 0
    assert the_event(app, "staff.enabled").payload["staff_user"]["active"] is True
    assert staff("canbo1").login_status == 303


@pytest.mark.parametrize(("args", "problem"), [
    (["staff", "add", "canbo1", "Trùng tên", "--password", "mat-khau-2026"], None),  # an existing name: reset
    (["staff", "add", "có dấu", "Ai đó", "--password", "x"], "Tên đăng nhập chỉ gồm"),
    (["staff", "rename", "canbo1", "  "], "Hãy nhập họ và tên"),
])
def test_cli_staff_refusals_and_resets(app, runner, args, problem):
    result = runner.invoke(args=args)
    if problem is None:
        assert result.exit_code == 0
        assert the_event(app, "staff.renamed").payload["staff_user"]["full_name"] == "Trùng tên"
        assert events(app, "staff.password_changed")
    else:
        assert result.exit_code != 0 and problem in result.output
