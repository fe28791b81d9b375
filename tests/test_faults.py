"""Faults a user or a device can cause: each gets a clear message and loses nothing."""

from datetime import timedelta

from sqlalchemy import func, select, text

from domain.clock import utcnow
from domain.site import current_site
from models import ClockState, Event, PrintJob, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .conftest import csrf_token
from .test_kiosk import take


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_unknown_pages_get_a_vietnamese_page_not_a_stack_trace(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    assert client.put("/kiosk/tickets").status_code == 405


def test_full_disk_refuses_with_a_message_and_leaves_nothing_half_written(client, app):
    token = csrf_token(client)
    take(client, app, "A", token=token)
    with app.app_context():
        pages = db.session.execute(text("PRAGMA page_count")).scalar()
    from sqlalchemy import event

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _tiny(dbapi_conn, _):  # the disk is full: no page may be added
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

        db.engine.dispose()
    statuses = []
    for _ in range(40):  # fill what is left of the last pages, then hit the wall
        response = take(client, app, "A", token=token)
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert "Bộ nhớ của máy chủ đã đầy" in response.get_data(as_text=True)
            break
    assert 503 in statuses
    issued = statuses.count(200) + 1
    assert count(app, Ticket) == issued == count(app, PrintJob)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(Event)
                                   .where(Event.type == "ticket.issued"))
        numbers = sorted(db.session.scalars(select(Ticket.number)))
    assert events == issued and numbers == list(range(1, issued + 1))


def test_clock_running_backwards_blocks_new_tickets_until_confirmed(client, app, runner):
    take(client, app, "A")
    with app.app_context(), write_transaction():
        state = db.session.scalars(select(ClockState)).one()
        state.last_ms += 3_600_000  # as if an hour ago the clock read an hour later than now
        state.wall_ms = state.last_ms
    response = take(client, app, "A")
    assert response.status_code == 409
    assert "Đồng hồ máy chủ đang chậm hơn" in response.get_data(as_text=True)
    assert count(app, Ticket) == 1
    assert "Đã xác nhận giờ" in runner.invoke(args=["clock", "confirm"]).output
    assert take(client, app, "A").status_code == 200


def test_login_is_rate_limited_after_repeated_failures(app, staff):
    for _ in range(3):
        assert staff("canbo1", "sai-mat-khau").login_status == 200  # the form again, with the error
    locked = staff("canbo1")  # even the right password waits now (tests/test_auth.py: how long)
    assert locked.login_status == 429
    page = locked.client.get("/login")
    assert page.status_code == 200


def test_wrong_password_message(app):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "canbo1", "password": "x", "csrf_token": token})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_idle_timeout_counts_actions_not_polling(app, staff):
    from .test_counter import at_counter

    app.config["STAFF_IDLE_TIMEOUT"] = timedelta(minutes=15)
    officer = at_counter(staff, app, 1)
    with officer.client.session_transaction() as session:
        session["last_action"] -= 14 * 60  # last real action 14 minutes ago
    assert officer.get("/counter/waiting", htmx=True).status_code == 200  # polling
    with officer.client.session_transaction() as session:
        session["last_action"] -= 2 * 60  # 16 minutes without a human action
    response = officer.get("/counter/waiting", htmx=True)
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    page = officer.client.get("/login").get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in page


def test_session_version_bump_logs_out_everywhere(app, staff):
    from models import StaffUser

    officer = staff("canbo1")
    assert officer.get("/counter").status_code == 200
    with app.app_context(), write_transaction():
        db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo1")).one().session_version += 1
    assert officer.get("/counter").status_code == 302


def test_staff_pages_are_not_cached(app, staff):
    assert staff("canbo1").get("/counter").headers["Cache-Control"] == "no-store"


def test_recent_events_have_increasing_hybrid_clock(client, app):
    for _ in range(3):
        take(client, app, "A")
    with app.app_context():
        clocks = db.session.scalars(select(Event.hlc).where(Event.type == "ticket.issued")
                                    .order_by(Event.seq)).all()
        node = current_site().id.hex
    assert clocks == sorted(clocks) and len(set(clocks)) == 3
    assert all(clock.endswith(f"-{node}") for clock in clocks)  # two sites never give equal values
    assert utcnow()  # naive UTC timestamps are what rows store
