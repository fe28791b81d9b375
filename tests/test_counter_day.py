"""A day at the counter: a takeover a supervisor confirms, feedback after every action, finish and
call next in one step, the declared priority checked, and a board that shows each number once."""

import re
import shutil

from sqlalchemy import select

from domain.apply import apply_event, envelope
from models import Counter, Event, LoginAttempt, Queue, Ticket
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_config_events import events, the_event, user_id
from .test_counter import SERVING, at_counter, call, issue, ticket

STATUS = re.compile(r'<div class="message info" role="status">([^<]*)</div>')


def counter_id(app, number: int) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Counter.id).where(Counter.number == number)))


def occupant(app, number: int):
    with app.app_context():
        return db.session.scalar(select(Counter.officer_id).where(Counter.number == number))


def said(response) -> str:
    """The workspace's message (role=status), or "" when it says nothing."""
    match = STATUS.search(response.get_data(as_text=True))
    return match.group(1) if match else ""


def take_over(officer, app, number: int, **form):
    return officer.post("/counter/select", {"counter_id": counter_id(app, number), "take_over": "1", **form},
                        htmx=False)


# ---- Takeover: a supervisor confirms ------------------------------------------------------------

def test_an_officer_taking_an_occupied_counter_is_asked_for_a_supervisor(app, staff):
    at_counter(staff, app, 1)  # canbo1
    postal = staff("buudien")
    asked = postal.post("/counter/select", {"counter_id": counter_id(app, 1)}, htmx=False)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Quầy số 1 đang do Nguyễn Văn Tiếp Nhận sử dụng. Tiếp nhận quầy?" in html
    assert 'name="supervisor"' in html and 'name="supervisor_password"' in html and 'name="reason"' in html


def test_a_wrong_password_takes_nothing_and_keeps_what_was_typed(app, staff):
    at_counter(staff, app, 1)
    postal = staff("buudien")
    answer = take_over(postal, app, 1, supervisor="giamsat", supervisor_password="sai-mat-khau",
                       reason="Cán bộ nghỉ ốm")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert re.search(r'id="supervisor_password-error"[^>]*>Sai tên đăng nhập hoặc mật khẩu.<', html)
    assert 'value="giamsat"' in html and 'value="Cán bộ nghỉ ốm"' in html
    assert occupant(app, 1) == user_id(app, "canbo1")
    assert events(app, "counter.taken_over") == []
    with app.app_context():  # counted as a failed login of the supervisor's name
        assert db.session.scalars(select(LoginAttempt.success).where(LoginAttempt.username == "giamsat")
                                  .order_by(LoginAttempt.at.desc())).first() is False


def test_missing_reason_and_an_officers_password_take_nothing(app, staff):
    at_counter(staff, app, 1)
    postal = staff("buudien")
    html = take_over(postal, app, 1, supervisor="giamsat", supervisor_password="motcua-demo",
                     reason="  ").get_data(as_text=True)
    assert re.search(r'id="reason-error"[^>]*>Hãy nhập lý do tiếp nhận quầy.<', html)
    html = take_over(postal, app, 1, supervisor="canbo1", supervisor_password="motcua-demo",
                     reason="Thay ca").get_data(as_text=True)
    assert re.search(r'id="supervisor-error"[^>]*>Nguyễn Văn Tiếp Nhận không phải giám sát', html)
    assert occupant(app, 1) == user_id(app, "canbo1")
    assert events(app, "counter.taken_over") == []


def test_guessing_a_supervisors_password_is_throttled_like_a_login(app, staff):
    at_counter(staff, app, 1)
    postal = staff("buudien")
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        take_over(postal, app, 1, supervisor="giamsat", supervisor_password="sai", reason="Thay ca")
    html = take_over(postal, app, 1, supervisor="giamsat", supervisor_password="motcua-demo",
                     reason="Thay ca").get_data(as_text=True)
    assert "Đăng nhập sai nhiều lần. Vui lòng thử lại sau" in html
    assert occupant(app, 1) == user_id(app, "canbo1")


def test_a_supervisors_password_takes_it_names_them_and_tells_the_officer_displaced(app, staff):
    officer = at_counter(staff, app, 1)
    postal = staff("buudien")
    taken = take_over(postal, app, 1, supervisor="GiamSat ", supervisor_password="motcua-demo",
                      reason="Cán bộ nghỉ ốm")
    assert taken.status_code == 303
    assert occupant(app, 1) == user_id(app, "buudien")
    event = the_event(app, "counter.taken_over")
    assert event.actor_id == user_id(app, "buudien")
    assert event.payload["context"] == {"from_officer_id": str(user_id(app, "canbo1")),
                                        "confirmed_by_id": str(user_id(app, "giamsat")),
                                        "reason": "Cán bộ nghỉ ốm"}
    told = ("Quầy số 1 đã được Lê Thị Bưu Điện tiếp nhận, Trần Thị Giám Sát xác nhận "
            "(lý do: Cán bộ nghỉ ốm)")
    polled = officer.get("/counter/waiting", htmx=True)  # the waiting list's poll: back to the choice
    assert polled.status_code == 200 and polled.headers["HX-Redirect"] == "/counter"
    page = officer.get("/counter").get_data(as_text=True)
    assert told in page and "Chọn quầy làm việc" in page
    refused = officer.post("/counter/call-next")  # a stale tab's next action says it too
    assert refused.status_code == 409 and told in refused.get_data(as_text=True)


def test_an_administrator_may_confirm_and_a_supervisor_needs_nobody(app, staff):
    at_counter(staff, app, 1)
    postal = staff("buudien")
    assert take_over(postal, app, 1, supervisor="admin", supervisor_password="motcua-demo",
                     reason="Điều động").status_code == 303
    supervisor = staff("giamsat")
    asked = supervisor.post("/counter/select", {"counter_id": counter_id(app, 1)}, htmx=False)
    assert 'name="supervisor_password"' not in asked.get_data(as_text=True)
    assert take_over(supervisor, app, 1, reason="Hỗ trợ giờ cao điểm").status_code == 303
    last = events(app, "counter.taken_over")[-1]
    assert last.actor_id == user_id(app, "giamsat")
    assert last.payload["context"] == {"from_officer_id": str(user_id(app, "buudien")),
                                       "reason": "Hỗ trợ giờ cao điểm"}


# ---- Feedback after each action ------------------------------------------------------------------

def test_recall_hold_resume_no_show_and_finish_each_say_what_they_did(client, app, staff):
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    call(officer)
    a001, a002 = ticket(app, "A001").id, ticket(app, "A002").id
    assert said(officer.post(f"/counter/tickets/{a001}/recall")) == "Đã gọi lại số A001 (lần 2)."
    assert said(officer.post(f"/counter/tickets/{a001}/recall")) == "Đã gọi lại số A001 (lần 3)."
    assert said(officer.post(f"/counter/tickets/{a001}/hold")) == "Đã tạm giữ số A001."
    assert said(officer.post(f"/counter/tickets/{a001}/resume")) == "Đang phục vụ tiếp số A001."
    assert said(officer.post(f"/counter/tickets/{a001}/finish")) == "Đã kết thúc số A001."
    call(officer)
    assert said(officer.post(f"/counter/tickets/{a002}/no-show")) == "Đã ghi số A002 vắng mặt."


# ---- Finish and call next -----------------------------------------------------------------------

def test_next_finishes_the_one_served_calls_the_next_and_says_both(client, app, staff):
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    first = officer.post("/counter/call-next")
    assert said(first) == "Đang gọi số A001."
    assert "Xong, gọi số tiếp theo" in first.get_data(as_text=True)
    second = officer.post("/counter/call-next")
    assert said(second) == "Đã kết thúc A001; đang gọi A002."
    assert SERVING.search(second.get_data(as_text=True)).group(1) == "A002"
    last = officer.post("/counter/call-next")
    assert said(last) == "Đã kết thúc A002. Không có công dân nào đang chờ."
    assert "Xong, gọi số tiếp theo" not in last.get_data(as_text=True)
    assert (ticket(app, "A001").status, ticket(app, "A002").status) == ("done", "done")


def test_next_from_a_plain_form_goes_back_to_the_workspace_with_the_message(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    answer = officer.post("/counter/call-next", htmx=False)  # the dossier page's button
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/counter")
    page = officer.get("/counter")
    assert said(page) == "Đang gọi số A001.", page.get_data(as_text=True)[-3000:]
    assert SERVING.search(page.get_data(as_text=True))
    assert said(officer.get("/counter")) == ""  # said once


# ---- The declared priority ----------------------------------------------------------------------

def test_the_counter_confirms_or_rejects_a_declared_priority(client, app, staff):
    issue(client, app, "AA", priority="elderly")
    officer = at_counter(staff, app, 1)
    html = officer.post("/counter/call-next").get_data(as_text=True)
    assert "Ưu tiên: Người cao tuổi — đối chiếu giấy tờ" in html and 'data-shortcut="x"' in html
    a001 = ticket(app, "A001").id
    confirmed = officer.post(f"/counter/tickets/{a001}/priority-confirm")
    assert said(confirmed) == "Đã xác nhận số A001 thuộc đối tượng ưu tiên."
    assert 'id="priority-check"' not in confirmed.get_data(as_text=True)
    again = officer.post(f"/counter/tickets/{a001}/priority-reject")
    assert again.status_code == 409 and "đã được ghi nhận trước đó" in again.get_data(as_text=True)
    officer.post("/counter/call-next")
    rejected = officer.post(f"/counter/tickets/{ticket(app, 'A002').id}/priority-reject")
    assert said(rejected) == "Đã ghi nhận số A002 không đúng đối tượng ưu tiên."
    assert (ticket(app, "A001").priority_checked, ticket(app, "A002").priority_checked) == \
        ("confirmed", "rejected")
    assert [e.aggregate_id for e in events(app, "ticket.priority_confirmed")] == [a001]
    assert len(events(app, "ticket.priority_rejected")) == 1


def test_a_ticket_without_priority_has_nothing_to_check(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    assert 'id="priority-check"' not in officer.post("/counter/call-next").get_data(as_text=True)
    refused = officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/priority-confirm")
    assert refused.status_code == 409 and "Số A001 không đăng ký ưu tiên." in refused.get_data(as_text=True)


def test_a_peer_applying_the_events_sets_priority_checked(client, app, staff, tmp_path, empty_database):
    issue(client, app, "A", priority="pregnant")
    officer = at_counter(staff, app, 1)
    officer.post("/counter/call-next")
    officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/priority-reject")
    with app.app_context():
        wire = [envelope(e) for e in db.session.scalars(select(Event).order_by(Event.seq))]
    shutil.copy(empty_database, tmp_path / "motcua.sqlite3")
    peer = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "EVENT_GUARD": "raise"})
    with peer.app_context():
        with write_transaction():
            assert {apply_event(env).outcome for env in wire} == {"applied"}
        assert db.session.scalars(select(Ticket.priority_checked)).one() == "rejected"
        db.engine.dispose()


# ---- The display board --------------------------------------------------------------------------

def board(client, after=None, shown=None):
    query = "&".join(f"{k}={v}" for k, v in (("after", after), ("shown", shown)) if v is not None)
    return client.get(f"/display/board?{query}", headers={"HX-Request": "true"})


def codes_on(html: str) -> list[str]:
    now = re.findall(r'id="now-code">([A-Z]\d+)<', html)
    return now + re.findall(r"<tr><td>([A-Z]\d+)</td>", html)


def test_the_board_shows_each_number_once_and_drops_a_no_show(client, app, staff):
    issue(client, app, "AAB")
    officer = at_counter(staff, app, 1)
    call(officer)  # A001
    a001 = ticket(app, "A001").id
    officer.post(f"/counter/tickets/{a001}/recall")
    call(officer)  # A002 (A001 done)
    officer.post(f"/counter/tickets/{a001}/finish")  # already done: refused, changes nothing
    html = client.get("/display").get_data(as_text=True)
    assert codes_on(html) == ["A002", "A001"]
    after = re.search(r'data-latest="(\d+)"', html).group(1)
    shown = re.search(r"shown=(\w+)", html).group(1)
    assert board(client, after, shown).status_code == 204  # nothing changed
    officer.post(f"/counter/tickets/{ticket(app, 'A002').id}/no-show")
    changed = board(client, after, shown)  # no new call, but a number left the board
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert codes_on(html) == ["A001"] and 'class="announce"' not in html
    assert board(client, after).status_code == 204  # a board that does not say what it shows


def test_a_recall_is_announced_once_more_but_listed_once(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    after = re.search(r'data-latest="(\d+)"', client.get("/display").get_data(as_text=True)).group(1)
    officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/recall")
    html = board(client, after).get_data(as_text=True)
    assert codes_on(html) == ["A001"] and html.count('class="announce"') == 1


def test_a_ticket_sent_back_to_a_queue_leaves_the_board_until_called_again(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    with app.app_context():
        queue_b = db.session.scalar(select(Queue.id).where(Queue.letter == "B"))
    officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/transfer", {"target": f"q:{queue_b}"})
    assert codes_on(client.get("/display").get_data(as_text=True)) == []
    assert call(at_counter(staff, app, 2, username="giamsat")) == "A001"  # counter 2 serves B
    html = client.get("/display").get_data(as_text=True)
    assert codes_on(html) == ["A001"] and "Quầy 2" in html
