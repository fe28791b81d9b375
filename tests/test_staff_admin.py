"""Staff accounts on the admin's screen: list, add, role, sites, password, disable — each an event,
each refusal beside its field; read-only where central manages the accounts."""

import re
import uuid

import pytest
from sqlalchemy import select

from domain import staff as staff_domain
from models import Event, StaffUser, SyncState
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_config_events import assert_closed, at_counter

BASE = "/counter/admin/staff"
ONE_TIME = re.compile(r'id="one-time-password".*?<code>([^<]+)</code>', re.S)


def account_id(app, username):
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def events(app, type_name):
    with app.app_context():
        return list(db.session.scalars(select(Event).where(Event.type == type_name).order_by(Event.seq)))


def field_error(html: str, key: str, field: str) -> str:
    found = re.search(rf'id="error-{re.escape(key)}-{field}">([^<]*)<', html)
    return found.group(1) if found else ""


def test_the_list_shows_who_works_here_in_vietnamese_order(staff):
    page = staff("admin").get(BASE).get_data(as_text=True)
    names = re.findall(r'<tr data-username="([^"]+)"', page)
    assert set(names) >= {"admin", "giamsat", "canbo1", "buudien"}
    assert "Đang hoạt động" in page and "Cán bộ tiếp nhận" in page
    with_given_names = re.findall(r'<tr data-username="[^"]+"[^>]*>\s*<td><a [^>]+>([^<]+)</a>', page)
    given = [name.split()[-1] for name in with_given_names]
    from domain.collation import vi_key
    assert given == sorted(given, key=vi_key)


def test_only_the_admin_manages_accounts(staff):
    for username in ("canbo1", "giamsat", "buudien"):
        assert staff(username).get(BASE).status_code == 403
        assert staff(username).post(BASE, {"username": "x.moi", "full_name": "Ai Đó"}).status_code == 403


def test_the_admin_adds_an_officer_who_logs_in_with_the_password_shown_once(app, staff):
    admin = staff("admin")
    response = admin.post(BASE, {"username": "Lan.Pham", "full_name": "Phạm Thị  Lan", "role": "officer"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã thêm tài khoản lan.pham" in page
    password = ONE_TIME.search(page).group(1)
    assert staff("lan.pham", password).login_status == 303
    assert "one-time-password" not in admin.get(BASE).get_data(as_text=True)  # shown once
    created = events(app, "staff.created")[-1]
    assert created.actor_id == account_id(app, "admin")
    assert created.payload["staff_user"]["full_name"] == "Phạm Thị Lan"
    assert password not in str(created.payload)


@pytest.mark.parametrize(("form", "field", "problem"), [
    ({"username": "có dấu"}, "username", "Tên đăng nhập chỉ gồm"),
    ({"username": "canbo1"}, "username", "đã có"),
    ({"full_name": "  "}, "full_name", "Hãy nhập họ và tên"),
    ({"password": "ngan", "password_again": "ngan"}, "password", "ít nhất 10 ký tự"),
    ({"password": "mat-khau-dai-2026", "password_again": "mat-khau-khac"}, "password_again", "không khớp"),
    ({"password": "nguyenvanb-2026", "password_again": "nguyenvanb-2026"}, "password", "tên đăng nhập"),
])
def test_a_refused_account_keeps_what_was_typed_with_the_reason_beside_the_field(app, staff, form, field,
                                                                                  problem):
    typed = {"username": "nguyenvanb", "full_name": "Nguyễn Văn Bình", "role": "supervisor", **form}
    response = staff("admin").post(BASE, typed)
    page = response.get_data(as_text=True)
    assert response.status_code in (409, 422)
    assert problem in field_error(page, "staff_admin.add", field)
    assert 'aria-invalid="true"' in page and "autofocus" in page
    if typed["full_name"].strip():
        assert f'value="{typed["full_name"]}"' in page
    assert '<option value="supervisor" selected>' in page
    assert account_id(app, "nguyenvanb") is None


def test_resetting_a_password_ends_the_sessions_and_only_the_new_one_works(app, staff):
    officer = staff("canbo1")
    admin = staff("admin")
    reset = f"{BASE}/{account_id(app, 'canbo1')}/password"
    page = admin.post(reset, {"mode": "generate"}).get_data(as_text=True)
    password = ONE_TIME.search(page).group(1)
    assert officer.get("/counter").status_code == 302  # logged out everywhere
    assert staff("canbo1").login_status == 200  # the old password no longer works
    assert staff("canbo1", password).login_status == 303
    changed = events(app, "staff.password_changed")[-1]
    assert changed.actor_id == account_id(app, "admin") and password not in str(changed.payload)
    new = "mat-khau-moi-2026"
    typed = admin.post(reset, {"mode": "typed", "password": new, "password_again": new})
    assert typed.status_code == 200 and "one-time-password" not in typed.get_data(as_text=True)
    assert staff("canbo1", "mat-khau-moi-2026").login_status == 303
    mismatch = admin.post(reset, {"mode": "typed", "password": "mat-khau-moi-2027", "password_again": "khac"})
    page = mismatch.get_data(as_text=True)
    assert "không khớp" in field_error(page, "staff_admin.password", "password_again")


def test_disabling_an_account_closes_its_counter_and_logs_it_out(app, staff):
    officer = at_counter(staff, app, 1)
    admin = staff("admin")
    page = admin.post(f"{BASE}/{account_id(app, 'canbo1')}/disable").get_data(as_text=True)
    assert "Đã khoá tài khoản canbo1" in page and "Đã khoá" in page
    assert_closed(app, events(app, "counter.closed")[-1], "account_disabled", "admin", 1)
    assert officer.get("/counter").status_code == 302
    assert staff("canbo1").login_status == 200
    admin.post(f"{BASE}/{account_id(app, 'canbo1')}/enable")
    assert staff("canbo1").login_status == 303
    assert [e.actor_id for e in events(app, "staff.enabled")] == [account_id(app, "admin")]


def test_changing_a_role_and_name(app, staff):
    admin = staff("admin")
    page = admin.post(f"{BASE}/{account_id(app, 'canbo1')}/details",
                      {"full_name": "Nguyễn Văn Tiếp", "role": "supervisor"}).get_data(as_text=True)
    assert "Đã lưu tài khoản canbo1" in page and "Lãnh đạo, giám sát" in page
    assert events(app, "staff.role_changed")[-1].payload["staff_user"]["role"] == "supervisor"
    assert events(app, "staff.renamed")[-1].payload["staff_user"]["full_name"] == "Nguyễn Văn Tiếp"
    assert staff("canbo1").get("/counter/supervisor/").status_code == 200


def test_an_admin_cannot_lock_themselves_out(app, staff):
    admin = staff("admin")
    me = account_id(app, "admin")
    demoted = admin.post(f"{BASE}/{me}/details", {"full_name": "Quản trị", "role": "officer"})
    assert demoted.status_code == 409
    page = demoted.get_data(as_text=True)
    assert "tự bỏ vai trò quản trị" in field_error(page, "staff_admin.details", "role")
    assert 'value="Quản trị"' in page and '<option value="officer" selected>' in page
    disabled = admin.post(f"{BASE}/{me}/disable")
    assert disabled.status_code == 409 and "tự khoá" in disabled.get_data(as_text=True)
    assert admin.get(BASE).status_code == 200  # still an active admin
    assert not events(app, "staff.role_changed") and not events(app, "staff.disabled")


def test_the_last_active_admin_stays(app):
    with app.app_context(), write_transaction():
        admin, officer = staff_domain.find_staff("admin"), staff_domain.find_staff("canbo1")
        with pytest.raises(staff_domain.StaffError, match="cuối cùng"):
            staff_domain.disable_staff(admin, officer)
        with pytest.raises(staff_domain.StaffError, match="cuối cùng"):
            staff_domain.change_role(admin, officer, "officer")
        staff_domain.change_role(officer, admin, "admin")  # a second admin: now the first may go
        staff_domain.disable_staff(admin, officer)
        assert not admin.active


def test_an_enrolled_site_shows_the_accounts_read_only(app, staff):
    from domain.site import current_site

    with app.app_context(), write_transaction():
        db.session.add(SyncState(id=1, central_url="http://central.test", credential="k.s",
                                 site_id=current_site().id, cursor=0, pushed_seq=0, public_url="",
                                 last_error="", failures=0))
    admin = staff("admin")
    page = admin.get(BASE).get_data(as_text=True)
    assert "Tài khoản do máy chủ trung tâm quản lý" in page and 'id="add-account"' not in page
    refused = admin.post(BASE, {"username": "moi.canbo", "full_name": "Cán Bộ Mới", "role": "officer"})
    assert refused.status_code == 409 and "máy chủ trung tâm quản lý" in refused.get_data(as_text=True)
    assert admin.post(f"{BASE}/{account_id(app, 'canbo1')}/disable").status_code == 409
    assert account_id(app, "moi.canbo") is None and not events(app, "staff.disabled")


def test_an_unknown_account_is_a_clear_404(staff):
    admin = staff("admin")
    assert admin.get(f"{BASE}/{uuid.uuid4()}").status_code == 404
    assert admin.get(f"{BASE}/khong-phai-uuid").status_code == 404


def test_the_cli_keeps_the_same_password_rules(runner):
    result = runner.invoke(args=["staff", "password", "canbo1", "--password", "ngan"])
    assert result.exit_code != 0 and "ít nhất 10 ký tự" in result.output


# ---- At central: the province's accounts, each assigned to the reception points where it works ----

@pytest.fixture
def central(tmp_path):
    from sync.demo import seed_reference
    from tests.support.central_app import central_app

    with central_app(tmp_path / "central") as app:
        with app.app_context(), write_transaction():
            seed_reference()
        yield app


def test_the_province_admin_manages_accounts_at_central(central):
    from domain.events import FEED_ALL
    from models import ReceptionPoint

    from .conftest import Staff

    with central.app_context():
        places = {p.agency_code: str(p.id) for p in db.session.scalars(select(ReceptionPoint))}
    admin = Staff(central.test_client(), "tinh.admin")
    assert admin.login_status == 303
    page = admin.get(BASE).get_data(as_text=True)
    assert "tancuong.canbo1" in page and "quyetthang.canbo1" in page and 'id="add-account"' in page
    nobody = admin.post(BASE, {"username": "luan.canbo", "full_name": "Hà Văn Luân", "role": "officer"})
    assert "ít nhất một điểm tiếp nhận" in field_error(nobody.get_data(as_text=True), "staff_admin.add",
                                                        "site_ids")
    added = admin.post(BASE, {"username": "luan.canbo", "full_name": "Hà Văn Luân", "role": "officer",
                              "site_ids": [places["000.00.12.H56"], places["000.00.13.H56"]]})
    assert added.status_code == 200 and ONE_TIME.search(added.get_data(as_text=True))
    user_id = account_id(central, "luan.canbo")
    moved = admin.post(f"{BASE}/{user_id}/sites", {"site_ids": [places["000.00.31.H56"]]})
    assert "Đã lưu nơi làm việc" in moved.get_data(as_text=True)
    with central.app_context():
        created, changed = (db.session.scalars(select(Event).where(Event.type == kind)).all()[-1]
                            for kind in ("staff.created", "staff.sites_changed"))
        assert sorted(created.payload["staff_user"]["site_ids"]) == sorted(
            [places["000.00.12.H56"], places["000.00.13.H56"]])
        assert changed.payload["staff_user"]["site_ids"] == [places["000.00.31.H56"]]
        assert created.audience == changed.audience == FEED_ALL  # every site pulls the province's accounts


# ---- The admin page: each form's answer beside it --------------------------------------------

def test_an_agency_code_like_xyz_is_refused_beside_its_field_with_an_example(app, staff):
    from models import ReceptionPoint

    admin = staff("admin")
    form = {"name": "Trung tâm xã Tân Cương", "parent_agency": "UBND xã", "kind": "commune_centre",
            "address": "Xóm 2", "agency_code": "xyz"}
    response = admin.post("/admin/site", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "000.00.12.H56" in field_error(page, "site", "agency_code")
    assert 'value="xyz"' in page and 'value="Xóm 2"' in page and 'value="Trung tâm xã Tân Cương"' in page
    with app.app_context():
        assert db.session.scalar(select(ReceptionPoint.agency_code)) == "000.00.12.H56"
    for code in ("000.00.13.h56", "H55.242"):
        assert admin.post("/admin/site", {**form, "agency_code": code}).status_code == 200
    for code in ("XYZ", "000.00.12", "H5", "12.H56", "000.00.12.Z56", "A" * 36):
        assert admin.post("/admin/site", {**form, "agency_code": code}).status_code in (409, 422), code


def test_a_refused_printer_url_is_shown_beside_its_counter_and_kept(app, staff):
    from models import Counter

    with app.app_context():
        counter = db.session.scalars(select(Counter).where(Counter.number == 2)).one()
        counter_id, queues = str(counter.id), [str(q.id) for q in counter.queues]
    admin = staff("admin")
    bad = {"queue_ids": queues, "printer_url": "tcp//10.0.0.5"}
    response = admin.post(f"/admin/counters/{counter_id}", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "không đúng định dạng" in field_error(page, f"counter-{counter_id}", "printer_url")
    assert 'value="tcp//10.0.0.5"' in page and "autofocus" in page
    saved = admin.post(f"/admin/counters/{counter_id}", {"queue_ids": queues[:1], "printer_url": "preview://"})
    assert f'id="notice-counter-{counter_id}"' in saved.get_data(as_text=True)
    assert "Đã lưu quầy 2" in saved.get_data(as_text=True)


def test_a_refused_procedure_marks_each_bad_cell_beside_it(app, staff):
    admin = staff("admin")
    form = {"ma_thu_tuc": "DP.MOI.02", "ten_thu_tuc": "Thủ tục mới", "linh_vuc": "Hộ tịch",
            "thoi_han_ngay": "-1", "le_phi": "abc", "giay_to": "Đơn (bản chính) x1"}
    page = admin.post("/admin/procedures", form).get_data(as_text=True)
    assert field_error(page, "procedure-new", "thoi_han_ngay")
    assert field_error(page, "procedure-new", "le_phi")
    assert 'value="Thủ tục mới"' in page and '<details class="procedure" open>' in page


def test_a_bad_calendar_day_and_a_taken_queue_letter_are_shown_beside_their_fields(staff):
    admin = staff("admin")
    page = admin.post("/admin/calendar", {"day": "31/02/2026", "working": "0", "note": "Nghỉ bù"}).get_data(
        as_text=True)
    assert field_error(page, "calendar", "day") and 'value="Nghỉ bù"' in page
    assert '<option value="0" selected>' in page
    page = admin.post("/admin/queues", {"letter": "A", "name": "Trùng chữ"}).get_data(as_text=True)
    assert "đã được dùng" in field_error(page, "queue-new", "letter") and 'value="Trùng chữ"' in page


def test_the_cli_gives_a_generated_password_once(app, runner, staff):
    result = runner.invoke(args=["staff", "reset-password", "canbo1"])
    assert result.exit_code == 0
    password = result.output.strip().rsplit(" ", 1)[-1]
    assert staff("canbo1").login_status == 200 and staff("canbo1", password).login_status == 303
