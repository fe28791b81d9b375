"""Printer status end to end: paper out, near end, silent, refusing — messages, waiting, order, reprint."""

import pytest
from sqlalchemy import select

from domain.printing import process_due_jobs
from domain.site import current_site
from domain.site_config import set_printer
from hardware.ticket import render_ticket
from models import Counter, Kiosk, PrinterState, PrintJob
from motcua.extensions import db
from motcua.transactions import write_transaction

from .support.escpos_decode import printed_page
from .support.fake_printer import FakePrinter
from .test_counter import at_counter
from .test_kiosk import take


@pytest.fixture
def printer():
    device = FakePrinter("online")
    yield device
    device.close()


def use_printer(app, url):
    with app.app_context(), write_transaction():
        site = current_site()
        set_printer(site, None, db.session.scalars(select(Kiosk)).one(), url)
        set_printer(site, None, db.session.scalars(select(Counter).where(Counter.number == 1)).one(), url)


def run_worker(app):
    with app.app_context():
        return process_due_jobs()


def jobs(app):
    with app.app_context():
        rows = db.session.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        db.session.expunge_all()
        return rows


def state(app):
    with app.app_context():
        row = db.session.scalars(select(PrinterState)).first()
        db.session.expunge_all()
        return row


def test_paper_out_holds_the_line_then_prints_each_job_once_in_order(client, app, staff, printer):
    use_printer(app, printer.url)
    printer.mode = "paper_out"
    for _ in range(3):
        assert take(client, app, "A").status_code == 200
    assert run_worker(app) == 0
    assert [(j.status, j.attempts) for j in jobs(app)] == [("pending", 0)] * 3  # waiting, not failing
    assert state(app).paper == "out" and printer.jobs == []
    home = client.get("/kiosk").get_data(as_text=True)
    assert "Máy in vé đang tạm hỏng" in home
    ticket = take(client, app, "A").get_data(as_text=True)
    assert "A004" in ticket and "Máy in đang gặp sự cố" in ticket  # the number is still given
    workspace = at_counter(staff, app, 1).get("/counter").get_data(as_text=True)
    assert "Máy in hết giấy" in workspace
    printer.mode = "online"  # paper loaded
    for _ in range(10):  # one round; a slow answer under load takes one more, never a second copy
        if run_worker(app) == 0 and all(j.status == "sent" for j in jobs(app)):
            break
    assert [j.status for j in jobs(app)] == ["sent"] * 4
    pages = [printed_page(data).tobytes() for data in printer.wait_for_jobs(4)]
    assert pages == [render_ticket(j.payload, 576).tobytes() for j in jobs(app)]  # A001…A004, once each
    assert "Máy in vé đang tạm hỏng" not in client.get("/kiosk").get_data(as_text=True)


def test_paper_near_end_prints_and_warns_staff(client, app, staff, printer):
    use_printer(app, printer.url)
    printer.mode = "paper_near_end"
    take(client, app, "A")
    assert run_worker(app) == 1
    assert state(app).paper == "near_end"
    assert "Máy in sắp hết giấy" in at_counter(staff, app, 1).get("/counter").get_data(as_text=True)


def test_silent_printer_is_unknown_not_ok_and_its_unconfirmed_job_holds_the_line(client, app, staff):
    silent = FakePrinter("silent")
    try:
        use_printer(app, silent.url)
        take(client, app, "A")
        run_worker(app)
        row = state(app)
        assert row.online is None and row.paper is None  # no answer is not "OK"
        first = jobs(app)[0]
        assert (first.status, first.sent_at, first.attempts) == ("sent", None, 1)  # took it; not resent
        assert "không được gửi lại" in state(app).last_error
        take(client, app, "A")
        assert run_worker(app) == 0 and jobs(app)[1].status == "pending"  # held until the printer answers
        supervisor = staff("giamsat")
        page = supervisor.get(f"/counter/printers?url={silent.url}").get_data(as_text=True)
        assert "chưa xác nhận" in page
        response = supervisor.post(f"/counter/printers/jobs/{first.id}/cancel", {"url": silent.url})
        assert "Đã huỷ lệnh in" in response.get_data(as_text=True)  # staff checked the paper: line freed
        run_worker(app)
        assert [j.status for j in jobs(app)] == ["cancelled", "sent"]
    finally:
        silent.close()
    assert len(silent.jobs) == 2  # each job went out once


def test_refusing_printer_shows_on_the_printers_page_and_failed_jobs_can_be_cancelled(client, app, staff):
    dead = FakePrinter("refuse")
    use_printer(app, dead.url)
    app.config["PRINT_MAX_ATTEMPTS"] = 1
    take(client, app, "B")
    run_worker(app)
    assert jobs(app)[0].status == "failed"
    supervisor = staff("giamsat")
    page = supervisor.get(f"/counter/printers?url={dead.url}").get_data(as_text=True)
    assert "Không kết nối được máy in" in page and "In lỗi" in page
    job = jobs(app)[0]
    response = supervisor.post(f"/counter/printers/jobs/{job.id}/cancel", {"url": dead.url})
    assert "Đã huỷ lệnh in" in response.get_data(as_text=True)
    assert jobs(app)[0].status == "cancelled"


def test_a_failed_job_is_reprinted_when_the_printer_is_back(client, app, staff):
    dead = FakePrinter("refuse")
    use_printer(app, dead.url)
    app.config["PRINT_MAX_ATTEMPTS"] = 1
    take(client, app, "C")
    run_worker(app)
    back = FakePrinter("online", port=dead.port)
    try:
        supervisor = staff("giamsat")
        supervisor.post(f"/counter/printers/jobs/{jobs(app)[0].id}/reprint", {"url": dead.url})
        for _ in range(10):  # a slow answer under load takes one round more, never a second copy
            if run_worker(app) == 0 and jobs(app)[1].status == "sent":
                break
        received = back.wait_for_jobs(1)
    finally:
        back.close()
    assert [j.status for j in jobs(app)] == ["failed", "sent"] and len(received) == 1 == len(back.jobs)
    assert state(app).last_error == ""


def test_technician_cli_prints_a_test_page_and_reads_status(app, runner, printer):
    use_printer(app, printer.url + "?width=384")
    result = runner.invoke(args=["printer", "test", "K1"])
    assert "đã in trang thử" in result.output, result.output
    assert printed_page(printer.wait_for_jobs(1)[0]).width == 384
    printer.mode = "paper_near_end"
    result = runner.invoke(args=["printer", "status", "1"])
    assert "đang bật" in result.output and "sắp hết giấy" in result.output
    assert "Không có thiết bị" in runner.invoke(args=["printer", "status", "K9"]).output
