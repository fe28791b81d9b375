"""Thermal slips at 58 and 80 mm: receipt, Mẫu 02, result return — nothing clipped, QR scans."""

import pytest
import zxingcpp
from PIL import ImageOps
from sqlalchemy import select

from domain.printing import process_due_jobs
from hardware.compact import compact_ticket
from hardware.profiles import resolve
from models import Counter, PrintJob
from motcua.extensions import db
from motcua.transactions import write_transaction

from .support.escpos_decode import printed_page
from .support.fake_printer import FakePrinter
from .test_counter import at_counter
from .test_dossiers import dossier, intake, step


def print_slip(app, staff, row_id, kind, width):
    printer = FakePrinter("online")
    try:
        with app.app_context(), write_transaction():
            db.session.scalars(select(Counter).where(Counter.number == 2)).one().printer_url = \
                f"{printer.url}?width={width}"
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
    step(officer, row, "return", collected_by="applicant", id_checked="on")
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
            from models import Kiosk

            db.session.scalars(select(Kiosk)).one().printer_url = f"{printer.url}?compact=1&profile=TM-T20II"
        take(client, app, "A")
        with app.app_context():
            assert process_due_jobs() == 1
            job = db.session.scalars(select(PrintJob)).one()
    finally:
        printer.close()
    assert printer.jobs[0] == compact_ticket(job.payload, resolve("TM-T20II"))  # status queries set apart
    assert len(printer.jobs[0]) < 8192
