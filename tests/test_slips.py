"""Thermal slips at 58 and 80 mm: receipt, Mẫu 02, result return — nothing clipped, QR scans."""

import pytest
import zxingcpp
from PIL import ImageOps
from sqlalchemy import select

from domain.printing import process_due_jobs
from hardware.compact import compact_ticket
from hardware.profiles import resolve
from models import PrintJob
from motcua.extensions import db
from motcua.transactions import write_transaction

from .support.escpos_decode import printed_page
from .support.fake_printer import FakePrinter
from .test_counter import at_counter
from .test_dossiers import dossier, intake, set_counter_printer, step


def print_slip(app, staff, row_id, kind, width):
    printer = FakePrinter("online")
    try:
        set_counter_printer(app, 2, f"{printer.url}?width={width}")
        officer = at_counter(staff, app, 2, username="giamsat")
        response = officer.post(f"/counter/dossiers/{row_id}/print-slip", {"kind": kind})
        assert response.status_code == 200, response.get_data(as_text=True)
        with app.app_context():
            assert process_due_jobs() == 1
            assert db.session.scalars(select(PrintJob)).all()[-1].status == "sent"
    finally:
        printer.close()
    return printed_page(printer.jobs[0])


def unclipped(page, width):
    assert page.width == width
    ink = ImageOps.invert(page.convert("L")).getbbox()
    assert ink[0] >= 4 and ink[2] <= width - 4


@pytest.mark.parametrize("width", [384, 576])
def test_result_return_slip_prints_and_its_qr_scans(app, staff, width):
    officer = staff("canbo1")
    row = dossier(app, intake(officer, app))
    step(officer, row, "result-ready")
    step(officer, row, "return", collected_by="applicant", id_checked="on", confirmed="yes")
    page = print_slip(app, staff, row.id, "return", width)
    unclipped(page, width)
    assert [b.text for b in zxingcpp.read_barcodes(page.convert("L"))] == [
        f"HTTP://LOCALHOST/T/{row.code}?K={row.check}"]


@pytest.mark.parametrize("width", [384, 576])
def test_supplement_slip_lists_what_is_missing(app, staff, width):
    officer = staff("canbo1")
    row = dossier(app, intake(officer, app, decision="supplement", documents=["0"],
                              missing_extra="Bản sao sổ hộ khẩu"))
    page = print_slip(app, staff, row.id, "supplement", width)
    unclipped(page, width)
    assert page.height > 300  # three numbered items, not an empty slip
    assert zxingcpp.read_barcodes(page.convert("L")) == []  # no code yet, so no QR


def test_a_slip_the_dossier_does_not_have_is_refused(app, staff):
    officer = staff("canbo1")
    row = dossier(app, intake(officer, app))
    at_counter(staff, app, 2, username="giamsat")
    response = at_counter(staff, app, 1).post(f"/counter/dossiers/{row.id}/print-slip", {"kind": "return"})
    assert response.status_code == 409 and "không có phiếu đó" in response.get_data(as_text=True)


def test_compact_url_option_sends_the_small_job(client, app):
    from .test_kiosk import take

    printer = FakePrinter("online")
    try:
        with app.app_context(), write_transaction():
            from domain.events import record
            from models import Kiosk

            kiosk = db.session.scalars(select(Kiosk)).one()
            kiosk.printer_url = f"{printer.url}?compact=1&profile=TM-T20II"
            record("kiosk.updated", kiosk, context={"change": "printer"})
        take(client, app, "A")
        with app.app_context():
            assert process_due_jobs() == 1
            job = db.session.scalars(select(PrintJob)).one()
    finally:
        printer.close()
    assert printer.jobs[0] == compact_ticket(job.payload, resolve("TM-T20II"))  # status queries set apart
    assert len(printer.jobs[0]) < 8192


def test_a_printed_slip_keeps_personal_data_only_for_the_reprint_window(client, app, staff):
    from datetime import timedelta
    from pathlib import Path

    from domain.clock import utcnow
    from domain.print_retention import purge_personal_data

    from .test_kiosk import take

    officer = staff("canbo1")
    row = dossier(app, intake(officer, app))
    set_counter_printer(app, 2, "preview://")
    supervisor = at_counter(staff, app, 2, username="giamsat")
    assert supervisor.post(f"/counter/dossiers/{row.id}/print-slip", {"kind": "receipt"}).status_code == 200
    take(client, app, "A")  # a ticket on the kiosk's preview printer too
    with app.app_context():
        assert process_due_jobs() == 2
        slip = db.session.scalars(select(PrintJob).where(PrintJob.document == "receipt")).one()
        ticket_id = db.session.scalars(select(PrintJob.id).where(PrintJob.document == "ticket")).one()
        slip_id = slip.id
        personal = [slip.payload["applicant_name"], slip.payload["applicant_id"], slip.payload["phone"]]
    previews = Path(app.instance_path) / "print_preview"
    kept = {previews / f"{job_id}.{ext}" for job_id in (slip_id, ticket_id) for ext in ("png", "bin")}
    assert all(path.exists() for path in kept)
    assert personal == ["Nguyễn Thị Hồng Nhung", "001090123456", "0912345678"]

    with app.app_context():  # within the window (24 h by default): an officer can still reprint
        assert purge_personal_data(utcnow() + timedelta(hours=23)) == (0, 0)
    response = supervisor.post(f"/counter/printers/jobs/{slip_id}/reprint", {"url": "preview://"})
    assert "Đã gửi lệnh in lại" in response.get_data(as_text=True)
    with app.app_context():
        assert process_due_jobs() == 1
        reprint_id = db.session.scalars(select(PrintJob.id).order_by(PrintJob.id.desc())).first()
        erased, files = purge_personal_data(utcnow() + timedelta(hours=25))
        jobs = {job.id: job for job in db.session.scalars(select(PrintJob))}
    assert erased == 2  # the slip and its reprint; the ticket had nothing personal
    for job_id in (slip_id, reprint_id):
        assert jobs[job_id].payload == {"redacted": True, "dossier_code": row.code}
    assert jobs[ticket_id].payload["code"] == "A001"
    assert files == 6 and not any(previews.iterdir())  # slip, reprint and ticket pictures and bytes

    response = supervisor.post(f"/counter/printers/jobs/{slip_id}/reprint", {"url": "preview://"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "không còn được lưu" in text and "màn hình hồ sơ" in text
    page = supervisor.get("/counter/printers?url=preview://").get_data(as_text=True)
    assert "Đã xoá thông tin cá nhân" in page and personal[0] not in page
    again = supervisor.post(f"/counter/dossiers/{row.id}/print-slip", {"kind": "receipt"})
    assert again.status_code == 200  # the dossier still has the data: print from there
    with app.app_context():
        assert process_due_jobs() == 1
        latest = db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()
        assert latest.payload["applicant_name"] == personal[0]
