"""The kiosk: tickets, double taps, closed and unknown queues, stale forms, languages."""

import re
import unicodedata

from sqlalchemy import func, select

from domain.clock import business_date
from models import Event, PrintJob, Queue, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .conftest import csrf_token

TICKET = re.compile(r'id="ticket-number">([A-Z]\d+)<')


def queue_id(app, letter):
    with app.app_context():
        return str(db.session.scalar(select(Queue.id).where(Queue.letter == letter)))


def take(client, app, letter="A", priority="", key=None, token=None):
    token = token or csrf_token(client)
    return client.post("/kiosk/tickets", data={
        "queue_id": queue_id(app, letter), "priority": priority,
        "request_key": key or "", "csrf_token": token}, headers={"HX-Request": "true"})


def test_ticket_shows_number_queue_wait_and_is_recorded_with_event_and_print_job(client, app):
    response = take(client, app, "A")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TICKET.search(html).group(1) == "A001"
    assert "Hộ tịch" in html and "Trung tâm Phục vụ hành chính công xã Tân Cương" in html
    assert "Đang chờ trước bạn" in html and "0 người" in html
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.code, ticket.status, ticket.business_date) == ("A001", "waiting", business_date())
        event = db.session.scalars(select(Event).where(Event.type == "ticket.issued")).one()
        assert event.aggregate_id == ticket.id and event.payload["ticket"]["code"] == "A001"
        job = db.session.scalars(select(PrintJob)).one()
        assert job.ticket_id == ticket.id and job.status == "pending" and job.payload["code"] == "A001"


def test_numbers_run_per_queue_and_people_ahead_count_up(client, app):
    token = csrf_token(client)
    codes = [TICKET.search(take(client, app, letter, token=token).get_data(as_text=True)).group(1)
             for letter in "AABAB"]
    assert codes == ["A001", "A002", "B001", "A003", "B002"]
    html = take(client, app, "A", token=token).get_data(as_text=True)
    assert "3 người" in html  # A001–A003 wait ahead of A004


def test_double_tap_with_same_form_key_gives_one_ticket(client, app):
    token = csrf_token(client)
    first = take(client, app, "B", key="tap-1", token=token).get_data(as_text=True)
    second = take(client, app, "B", key="tap-1", token=token).get_data(as_text=True)
    assert TICKET.search(first).group(1) == TICKET.search(second).group(1) == "B001"
    assert "không cấp thêm số mới" in second
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 1
    next_one = take(client, app, "B", key="tap-2", token=token).get_data(as_text=True)
    assert TICKET.search(next_one).group(1) == "B002"


def test_closed_queue_refuses_with_message_and_loses_nothing(client, app):
    token = csrf_token(client)
    page = client.get(f"/kiosk/queues/{queue_id(app, 'C')}").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    with app.app_context(), write_transaction():  # closed while the citizen was choosing
        db.session.scalars(select(Queue).where(Queue.letter == "C")).one().is_open = False
    response = take(client, app, "C", key=key, token=token)
    assert response.status_code == 409
    assert "đang tạm dừng phát số" in response.get_data(as_text=True)
    home = client.get("/kiosk").get_data(as_text=True)
    assert "Tạm dừng phát số" in home
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_unknown_queue_and_priority_get_clear_messages(client, app):
    token = csrf_token(client)
    response = client.post("/kiosk/tickets", data={"queue_id": "not-a-queue", "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "Hàng đợi bạn chọn không còn tồn tại" in response.get_data(as_text=True)
    response = take(client, app, "A", priority="vip", token=token)
    assert response.status_code == 409
    assert "Diện ưu tiên" in response.get_data(as_text=True)
    assert client.get("/kiosk/queues/00000000-0000-0000-0000-000000000000").status_code == 404


def test_priority_ticket_shows_its_category(client, app):
    html = take(client, app, "A", priority="elderly").get_data(as_text=True)
    assert "Người cao tuổi" in html
    with app.app_context():
        assert db.session.scalars(select(Ticket)).one().priority.code == "elderly"


def test_post_without_csrf_token_is_refused_and_issues_nothing(client, app):
    response = client.post("/kiosk/tickets", data={"queue_id": queue_id(app, "A")})
    assert response.status_code == 400
    assert "Biểu mẫu đã cũ" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_kiosk_token_stays_valid_all_day(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_english_switch_and_nfd_input_is_normalised(client, app):
    client.get("/lang/en?next=/kiosk")
    html = client.get("/kiosk").get_data(as_text=True)
    assert "Choose the field" in html and "Civil status" in html
    nfd = unicodedata.normalize("NFD", "vip người")
    response = take(client, app, "A", priority=nfd)
    assert unicodedata.normalize("NFC", nfd) in response.get_data(as_text=True)


def test_kiosk_shows_what_a_procedure_needs(client, app):
    listing = client.get("/kiosk/thu-tuc").get_data(as_text=True)
    assert "Chứng thực bản sao từ bản chính" in listing and "Hộ tịch" in listing
    with app.app_context():
        from models import Procedure

        procedure_id = db.session.scalar(select(Procedure.id).where(Procedure.code == "1.004222"))
    page = client.get(f"/kiosk/thu-tuc/{procedure_id}").get_data(as_text=True)
    assert "Tờ khai thay đổi thông tin cư trú (CT01)" in page and "Bản sao" in page
    assert "7 ngày làm việc" in page and "20.000 đồng" in page
    assert "Tra cứu hồ sơ" in client.get("/kiosk").get_data(as_text=True)


def test_a_ticket_the_printer_did_not_confirm_is_not_called_printed(client, app):
    """Its bytes went out but the printer never answered: the citizen is told to check, not 'printed'."""
    take(client, app, "A")
    with app.app_context(), write_transaction():
        job = db.session.scalars(select(PrintJob)).one()
        job.status, job.sent_at, job.attempts = "sent", None, 1  # what the print line records then
        ticket_id = job.ticket_id
    html = client.get(f"/kiosk/tickets/{ticket_id}/print").get_data(as_text=True)
    assert "Máy in chưa xác nhận đã in vé" in html
    assert "Vé đã được in" not in html
