"""The site's admin in Chromium: staff accounts on screen (add, password, disable, role), and an admin
form's refusal shown beside its field with what was typed kept and nothing saved.

These tests change accounts and settings, so they run on a site of their own, not the shared one.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.support.live_server import LiveServer

from .conftest import query_db, scripts_ready, shot

STAFF = "/counter/admin/staff"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser-admin-site") / "instance"
    server = LiveServer(instance).start(timeout=90)  # generous: the machine may be busy
    yield server
    server.stop()


def log_in(page, username: str, password: str = "motcua-demo") -> None:
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form.stack button[type="submit"]').click()


def logged_in(pages, base: str, username: str, password: str = "motcua-demo", then: str = ""):
    """A fresh browser logged in as `username`; on `then` if given."""
    page = pages.open(base + "/login" + (f"?next={then}" if then else ""))
    log_in(page, username, password)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def refused_login(pages, base: str, username: str, password: str) -> None:
    page = pages.open(base + "/login")
    log_in(page, username, password)
    expect(page.locator("#messages")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")


def open_account(admin, full_name: str) -> None:
    admin.goto(admin.url.split("/counter")[0] + STAFF)
    admin.locator("#staff-list a", has_text=full_name).click()
    expect(admin.locator("#account h1")).to_contain_text(full_name)
    scripts_ready(admin)


def one_time_password(page) -> str:
    box = page.locator("#one-time-password code")
    expect(box).to_be_visible()
    return box.inner_text().strip()


def test_the_admin_adds_an_officer_resets_a_password_changes_a_role_and_disables(site, pages):
    base = site.url
    admin = logged_in(pages, base, "admin", then=STAFF)
    expect(admin.locator("h1")).to_have_text("Tài khoản cán bộ")
    scripts_ready(admin)

    # A username with accents is refused beside the field; the name typed stays.
    form = admin.locator("#add-account form")
    form.locator('input[name="username"]').fill("Trần Hoà")
    form.locator('input[name="full_name"]').fill("Trần Thị Hoà")
    form.locator('select[name="role"]').select_option("officer")
    form.locator("button[type=submit]").click()
    error = admin.locator("#error-staff_admin\\.add-username")
    expect(error).to_contain_text("Tên đăng nhập chỉ gồm chữ thường không dấu")
    expect(admin.locator('#add-account input[name="username"]')).to_be_focused()
    expect(admin.locator('#add-account input[name="full_name"]')).to_have_value("Trần Thị Hoà")

    # Added with a generated password, shown once; the new officer logs in with it.
    admin.locator('#add-account input[name="username"]').fill("hoa.tran")
    admin.locator("#add-account button[type=submit]").click()
    expect(admin.locator("#notice-staff_admin\\.add")).to_contain_text("Đã thêm tài khoản hoa.tran")
    password = one_time_password(admin)
    expect(admin.locator('tr[data-username="hoa.tran"]')).to_contain_text("Cán bộ tiếp nhận")
    admin.set_viewport_size({"width": 1280, "height": 1000})
    admin.locator("#one-time-password").scroll_into_view_if_needed()
    shot(admin, "admin-staff.png")
    officer = logged_in(pages, base, "hoa.tran", password)
    expect(officer.locator(".who")).to_contain_text("Trần Thị Hoà")

    # Reset the password: the officer's open session ends, the old password stops working, the new works.
    open_account(admin, "Trần Thị Hoà")
    admin.locator("#generate-password").click()
    expect(admin.locator("#notice-staff_admin\\.password")).to_contain_text("Đã đặt lại mật khẩu")
    new_password = one_time_password(admin)
    assert new_password != password
    officer.reload()
    expect(officer.locator('input[name="username"]')).to_be_visible()  # back at the login page
    refused_login(pages, base, "hoa.tran", password)
    officer = logged_in(pages, base, "hoa.tran", new_password)

    # A new role takes effect: the officer becomes a supervisor and reaches the dashboard.
    details = admin.locator("#account-details form")
    details.locator('select[name="role"]').select_option("supervisor")
    details.locator("button[type=submit]").click()
    expect(admin.locator("#account-role")).to_have_text("Lãnh đạo, giám sát")
    officer.goto(base + "/counter/supervisor/")
    expect(officer.locator("h1").first).to_be_visible()
    assert "Bạn không có quyền" not in officer.content()

    # Disable: asked to confirm; the account is logged out and cannot log in.
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.locator("#disable-account").click()
    expect(admin.locator("#account-state")).to_have_text("Đã khoá")
    officer.reload()
    expect(officer.locator('input[name="username"]')).to_be_visible()
    refused_login(pages, base, "hoa.tran", new_password)
    events = [kind for (kind,) in query_db(site, "SELECT type FROM event WHERE type LIKE 'staff.%' "
                                                  "ORDER BY seq")]
    assert events[-4:] == ["staff.created", "staff.password_changed", "staff.role_changed", "staff.disabled"]


def test_the_admin_cannot_lock_themselves_out(site, pages):
    admin = logged_in(pages, site.url, "admin", then=STAFF)
    open_account(admin, "Quản trị")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.locator("#disable-account").click()
    expect(admin.locator("#notice-staff_admin\\.disable")).to_contain_text("không thể tự khoá")
    expect(admin.locator("#account-state")).to_have_text("Đang hoạt động")


def test_a_rejected_printer_url_says_why_beside_the_field_and_keeps_it(site, pages):
    admin = logged_in(pages, site.url, "admin")
    expect(admin.locator("h1")).to_have_text("Cấu hình điểm tiếp nhận")
    scripts_ready(admin)
    before = query_db(site, "SELECT printer_url FROM counter WHERE number = 3")
    row = admin.locator("#counters tr", has_text="Quầy 3")
    row.locator('input[name="printer_url"]').fill("tcp://192.168.1.50:99999")
    row.locator("form button[type=submit]").click()
    row = admin.locator("#counters tr", has_text="Quầy 3")  # the section as it came back
    refused = row.locator(".field-error")
    expect(refused).to_be_visible()
    expect(refused).to_be_in_viewport()
    expect(row.locator('input[name="printer_url"]')).to_have_value("tcp://192.168.1.50:99999")
    expect(row.locator('input[name="printer_url"]')).to_be_focused()
    assert query_db(site, "SELECT printer_url FROM counter WHERE number = 3") == before  # nothing saved
    shot(admin, "admin-error-near-field.png")

    # Corrected, it is saved, and says so beside the same form.
    row = admin.locator("#counters tr", has_text="Quầy 3")
    row.locator('input[name="printer_url"]').fill("tcp://127.0.0.1:9100?width=576")
    row.locator("form button[type=submit]").click()
    expect(admin.locator("#counters tr", has_text="Quầy 3")).to_contain_text("Đã lưu quầy 3")
    assert query_db(site, "SELECT printer_url FROM counter WHERE number = 3") == [
        ("tcp://127.0.0.1:9100?width=576",)]


def test_the_agency_code_xyz_is_refused_beside_the_field(site, pages):
    admin = logged_in(pages, site.url, "admin")
    scripts_ready(admin)
    code = admin.locator('#site-details input[name="agency_code"]')
    code.fill("xyz")
    admin.locator("#site-details button[type=submit]").click()
    error = admin.locator("#error-site-agency_code")
    expect(error).to_contain_text("không hợp lệ")
    expect(error).to_contain_text("000.00.12.H56")
    expect(admin.locator('#site-details input[name="agency_code"]')).to_have_value("xyz")
    expect(admin.locator('#site-details input[name="agency_code"]')).to_be_focused()
    assert query_db(site, "SELECT agency_code FROM reception_point") == [("000.00.12.H56",)]
    assert re.search(r"Mã định danh", admin.locator("#site-details").inner_text())
