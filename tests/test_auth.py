"""Staff access: accounts bound to their site, throttled logins, sessions that really end."""

import statistics
import time
from datetime import timedelta

from sqlalchemy import select

from domain.events import record
from domain.staff import assign_sites, create_staff, end_sessions, find_staff
from models import LoginAttempt, ReceptionPoint, StaffSession, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from .conftest import csrf_token


def login(app, username, password="motcua-demo", ip="192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client, response


def user(username):
    return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()


def another_site(name, **values):
    site = ReceptionPoint(agency_code="000.00.13.H56", name=name, **values)
    db.session.add(site)
    record("site.created", site)
    return site


def test_an_account_of_another_reception_point_cannot_log_in_here(app):
    with app.app_context(), write_transaction():
        other = another_site("Bưu điện văn hóa xã Phúc Xuân", kind="post_office")
        create_staff(other, None, "buudien2", "Hoàng Văn Khác", "postal_officer", "motcua-demo")
    client, response = login(app, "buudien2")
    assert response.status_code == 200
    assert "không được phép làm việc tại điểm tiếp nhận này" in response.get_data(as_text=True)
    assert client.get("/counter").status_code == 302


def test_a_session_of_an_account_moved_to_another_site_is_refused(app):
    client, response = login(app, "canbo1")
    assert response.status_code == 303 and client.get("/counter").status_code == 200
    with app.app_context(), write_transaction():
        other = another_site("Xã khác")
        assign_sites(find_staff("canbo1"), None, [other])  # at central; sync brings it here
    assert client.get("/counter").status_code == 302
    assert client.get("/counter/dossiers", headers={"HX-Request": "true"}).status_code == 401


def test_a_copy_of_the_cookie_stops_working_after_logout(app):
    client, _ = login(app, "canbo1")
    copy = client.get_cookie("session").value
    assert client.get("/counter").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/counter")})
    thief = app.test_client()
    thief.set_cookie("session", copy)
    assert thief.get("/counter").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(StaffSession.revoked_at)).one() is not None


def test_ending_every_session_of_an_account_logs_it_out_everywhere(app):
    office, _ = login(app, "canbo1", ip="192.0.2.10")
    home, _ = login(app, "canbo1", ip="192.0.2.11")
    colleague, _ = login(app, "giamsat")
    with app.app_context(), write_transaction():
        end_sessions(user("canbo1"))
    assert office.get("/counter").status_code == 302 and home.get("/counter").status_code == 302
    assert colleague.get("/counter").status_code == 200
    with app.app_context():
        open_rows = db.session.scalars(select(StaffSession).where(StaffSession.revoked_at.is_(None))).all()
    assert len(open_rows) == 1  # the colleague's


def test_failures_slow_down_only_that_name_from_that_address(app):
    for _ in range(3):
        assert login(app, "admin", "doan-mo", ip="198.51.100.66")[1].status_code == 200
    _, refused = login(app, "admin", ip="198.51.100.66")  # even the right password waits
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau 2 giây" in refused.get_data(as_text=True)
    _, owner = login(app, "admin", ip="192.0.2.10")  # the real admin, at the office
    assert owner.status_code == 303
    _, other = login(app, "canbo1", ip="198.51.100.66")  # another name from that address
    assert other.status_code == 303


def _age_attempts(app, seconds):
    with app.app_context(), write_transaction():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=seconds)


def test_the_wait_doubles_and_passes(app):
    for _ in range(3):
        login(app, "admin", "doan-mo", ip="198.51.100.66")
    _age_attempts(app, 3)  # the 2 s wait is over
    assert login(app, "admin", "doan-mo", ip="198.51.100.66")[1].status_code == 200
    _, refused = login(app, "admin", "doan-mo", ip="198.51.100.66")
    assert "Vui lòng thử lại sau 4 giây" in refused.get_data(as_text=True)
    _age_attempts(app, 5)
    assert login(app, "admin", ip="198.51.100.66")[1].status_code == 303  # success clears the pair
    assert login(app, "admin", "doan-mo", ip="198.51.100.66")[1].status_code == 200


def test_an_address_trying_many_names_is_stopped_but_not_the_accounts(app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 5
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert login(app, name, "x", ip="198.51.100.66")[1].status_code == 200
    _, refused = login(app, "canbo1", ip="198.51.100.66")
    assert refused.status_code == 429 and "phút" in refused.get_data(as_text=True)
    assert login(app, "canbo1", ip="192.0.2.10")[1].status_code == 303


def test_an_unknown_name_takes_as_long_as_a_wrong_password(app):
    app.config["LOGIN_FREE_FAILURES"] = 100

    def median_seconds(username):
        times = []
        for _ in range(5):
            client = app.test_client()
            token = csrf_token(client, "/login")
            started = time.perf_counter()
            client.post("/login", data={"username": username, "password": "sai", "csrf_token": token})
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    median_seconds("nobody")  # warm up: the dummy hash is made once
    assert median_seconds("nobody") / median_seconds("canbo1") > 0.3
