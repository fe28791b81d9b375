"""The counter: call order, priority cap, every ticket action, transfers, roles, CSRF."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.clock import utcnow
from models import Counter, Event, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .test_kiosk import take

SERVING = re.compile(r'id="serving-code">([A-Z]\d+)<')


def at_counter(staff, app, number, username="canbo1"):
    officer = staff(username)
    with app.app_context():
        counter_id = db.session.scalar(select(Counter.id).where(Counter.number == number))
    assert officer.post("/counter/select", {"counter_id": str(counter_id)}).status_code == 303
    return officer


def call(officer):
    html = officer.post("/counter/call-next").get_data(as_text=True)
    match = SERVING.search(html)
    return match.group(1) if match else None


def ticket(app, code):
    with app.app_context():
        return db.session.scalars(select(Ticket).where(Ticket.code == code)).one()


def issue(client, app, letters, priority=""):
    for letter in letters:
        assert take(client, app, letter, priority=priority).status_code == 200


def test_calls_in_issue_order_across_the_counters_queues(client, app, staff):
    issue(client, app, "BAB")
    officer = at_counter(staff, app, 1)  # counter 1 serves A and B
    assert [call(officer) for _ in range(3)] == ["B001", "A001", "B002"]
    assert "Không có công dân nào đang chờ" in officer.post("/counter/call-next").get_data(as_text=True)
    assert ticket(app, "B001").status == "done"  # "next" closes the citizen being served
    assert ticket(app, "B002").status == "done"


def test_priority_first_but_capped_so_normal_tickets_are_not_starved(client, app, staff):
    app.config["PRIORITY_MAX_CONSECUTIVE"] = 2
    issue(client, app, "A")  # A001 normal, waiting longest
    issue(client, app, "AAAA", priority="elderly")  # A002–A005 priority
    officer = at_counter(staff, app, 1)
    assert [call(officer) for _ in range(5)] == ["A002", "A003", "A001", "A004", "A005"]


def test_recall_announces_again_and_actions_record_events(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    a001 = ticket(app, "A001")
    assert officer.post(f"/counter/tickets/{a001.id}/recall").status_code == 200
    assert ticket(app, "A001").call_count == 2
    assert officer.post(f"/counter/tickets/{a001.id}/finish").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(select(Event.type).where(Event.aggregate_id == a001.id)
                                   .order_by(Event.seq)).all()
        actors = db.session.scalars(select(Event.actor_id).where(Event.type == "ticket.finished")).all()
    assert kinds == ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.finished"]
    assert actors[0] is not None


def test_hold_lets_the_counter_serve_others_then_resume(client, app, staff):
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    call(officer)
    a001 = ticket(app, "A001")
    html = officer.post(f"/counter/tickets/{a001.id}/hold").get_data(as_text=True)
    assert "Đang tạm giữ" in html and "A001" in html
    assert call(officer) == "A002"
    refused = officer.post(f"/counter/tickets/{a001.id}/resume")
    assert refused.status_code == 409 and "Quầy đang phục vụ số A002" in refused.get_data(as_text=True)
    officer.post(f"/counter/tickets/{ticket(app, 'A002').id}/finish")
    html = officer.post(f"/counter/tickets/{a001.id}/resume").get_data(as_text=True)
    assert SERVING.search(html).group(1) == "A001"


def test_no_show_and_finished_tickets_refuse_further_actions(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    a001 = ticket(app, "A001")
    assert officer.post(f"/counter/tickets/{a001.id}/no-show").status_code == 200
    assert ticket(app, "A001").status == "no_show"
    again = officer.post(f"/counter/tickets/{a001.id}/finish")  # a stale screen in a second tab
    assert again.status_code == 409
    assert "đã đánh dấu vắng mặt" in again.get_data(as_text=True)
    assert officer.post(f"/counter/tickets/{a001.id}/explode").status_code == 409


def test_transfer_to_a_counter_keeps_issue_time_and_goes_first_there(client, app, staff):
    issue(client, app, "A")
    with app.app_context(), write_transaction():  # A001 has waited ten minutes
        db.session.scalars(select(Ticket)).one().issued_at = utcnow() - timedelta(minutes=10)
    issue(client, app, "C")  # C001, newer
    first = at_counter(staff, app, 1)
    call(first)
    issued_at = ticket(app, "A001").issued_at
    with app.app_context():
        counter3 = db.session.scalar(select(Counter.id).where(Counter.number == 3))
    response = first.post(f"/counter/tickets/{ticket(app, 'A001').id}/transfer", {"target": f"c:{counter3}"})
    assert response.status_code == 200 and "Đã chuyển số A001" in response.get_data(as_text=True)
    moved = ticket(app, "A001")
    assert (moved.status, moved.issued_at, moved.target_counter_id) == ("waiting", issued_at, counter3)
    third = at_counter(staff, app, 3, username="giamsat")  # counter 3 serves C and D only
    assert call(third) == "A001"
    assert call(third) == "C001"


def test_transfer_to_another_queue(client, app, staff):
    issue(client, app, "A")
    officer = at_counter(staff, app, 1)
    call(officer)
    with app.app_context():
        from models import Queue
        queue_d = db.session.scalar(select(Queue.id).where(Queue.letter == "D"))
    bad = officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/transfer", {"target": ""})
    assert bad.status_code == 409 and "Hãy chọn hàng đợi hoặc quầy" in bad.get_data(as_text=True)
    officer.post(f"/counter/tickets/{ticket(app, 'A001').id}/transfer", {"target": f"q:{queue_d}"})
    moved = ticket(app, "A001")
    assert (moved.queue_id, moved.code, moved.status) == (queue_d, "A001", "waiting")


def test_waiting_list_shows_priority_first_with_waiting_minutes(client, app, staff):
    issue(client, app, "A")
    issue(client, app, "A", priority="pregnant")
    officer = at_counter(staff, app, 1)
    html = officer.get("/counter/waiting", htmx=True).get_data(as_text=True)
    assert html.index("A002") < html.index("A001")
    assert "Ưu tiên" in html and "0 phút" in html


def test_estimated_wait_uses_todays_real_service_times(client, app, staff):
    issue(client, app, "AA")
    officer = at_counter(staff, app, 1)
    call(officer)
    with app.app_context(), write_transaction():
        first = db.session.scalars(select(Ticket).where(Ticket.code == "A001")).one()
        first.service_started_at = utcnow() - timedelta(minutes=12)
    call(officer)  # finishes A001 after a 12-minute service
    issue(client, app, "AA")  # A003 waits; A004 has one person ahead
    html = take(client, app, "A").get_data(as_text=True)  # A005: two ahead, one open counter
    assert "2 người" in html and "khoảng 24 phút" in html


ZERO = "00000000-0000-0000-0000-000000000000"
COUNTER_ROUTES = [
    ("get", "/counter"),
    ("get", "/counter/dossiers"),
    ("get", "/counter/dossiers/new"),
    ("get", "/counter/dossiers/checklist"),
    ("get", "/counter/dossiers/log"),
    ("post", "/counter/dossiers"),
    ("post", "/counter/dossiers/scan-card"),
    ("post", "/counter/dossiers/applicant-check"),
    ("get", f"/counter/dossiers/{ZERO}"),
    ("get", f"/counter/dossiers/{ZERO}/receipt.pdf"),
    ("post", f"/counter/dossiers/{ZERO}/print-slip"),
    ("post", f"/counter/dossiers/{ZERO}/steps/transfer"),
    ("post", f"/counter/dossiers/{ZERO}/attachments"),
    ("get", f"/counter/dossiers/attachments/{ZERO}"),
    ("get", f"/counter/dossiers/{ZERO}/forms/control.pdf"),
    ("get", "/counter/dossiers/log.pdf"),
    ("get", "/counter/printers"),
    ("post", f"/counter/printers/jobs/{ZERO}/cancel"),
    ("get", "/counter/waiting"),
    ("post", "/counter/select"),
    ("post", "/counter/release"),
    ("post", "/counter/call-next"),
    ("post", "/counter/scan"),
    ("post", "/counter/tickets/00000000-0000-0000-0000-000000000000/finish"),
    ("get", "/counter/pakn"),
    ("get", "/counter/pakn/new"),
    ("post", "/counter/pakn/new"),
    ("get", f"/counter/pakn/{ZERO}"),
    ("post", f"/counter/pakn/{ZERO}/assign"),
    ("post", f"/counter/pakn/{ZERO}/print"),
    ("post", f"/counter/pakn/{ZERO}/answer"),
    ("get", "/counter/search"),
    ("get", f"/counter/search/citizen/{ZERO}"),
]


def test_every_counter_route_is_listed_here(app):
    # The supervisor's pages are for supervisors and admins (tests/test_routes_matrix.py, SUPERVISION);
    # /counter/admin/… are the admin's (ADMIN there).
    rules = {re.sub(r"<[^>]+>", "<>", r.rule) for r in app.url_map.iter_rules()
             if r.rule.startswith("/counter")
             and not r.rule.startswith(("/counter/supervisor", "/counter/admin"))}
    listed = {path.replace(ZERO, "<>").replace("/finish", "/<>").replace("/steps/transfer", "/steps/<>")
              .replace("/control.pdf", "/<>.pdf").replace("/cancel", "/<>").replace("/answer", "/<>")
              for _, path in COUNTER_ROUTES}
    assert rules == listed


@pytest.mark.parametrize(("method", "path"), COUNTER_ROUTES)
def test_counter_routes_need_login_and_a_counter_role(app, staff, method, path):
    anonymous = app.test_client()
    response = getattr(anonymous, method)(path, headers={"HX-Request": "true"})
    assert response.status_code in (400, 401)  # POST without a session fails CSRF first
    if method == "get":
        assert response.headers["HX-Redirect"].startswith("/login")
        assert getattr(anonymous, method)(path).status_code == 302
    admin = staff("admin")
    response = admin.post(path) if method == "post" else admin.get(path)
    assert response.status_code == 403
    assert "không có quyền" in response.get_data(as_text=True)


def test_every_post_route_requires_a_csrf_token(app, staff):
    officer = staff("canbo1")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = re.sub(r"<[^>]+>", "00000000-0000-0000-0000-000000000000", rule.rule)
        response = officer.client.post(path, data={}, headers={"HX-Request": "true"})
        if rule.rule.startswith("/api/"):  # machine to machine: a credential, never a cookie
            assert response.status_code in (401, 404) and response.is_json, rule.rule
            continue
        assert response.status_code == 400, rule.rule
        assert response.headers.get("HX-Refresh") == "true"
