"""Dossiers: intake decisions, the national code and its daily sequence, every legal step,
the transitions the law forbids, masking on the public page, the receipt's QR."""

import re
import uuid
from datetime import date, datetime, timedelta

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from domain import dossiers as dossier_operations
from domain import lifecycle
from domain.clock import VN, to_local, utcnow
from domain.events import record
from models import CalendarOverride, Counter, Dossier, Event, Procedure
from motcua.extensions import db
from motcua.transactions import write_transaction

CARD = "001090123456|012345678|Nguyễn Thị Hồng Nhung|05031990|Nữ|Xóm Hồng Thái 2, xã Tân Cương|15042021"


def procedure_id(app, code):
    with app.app_context():
        return str(db.session.scalar(select(Procedure.id).where(Procedure.code == code)))


def intake(officer, app, code="1.004859", decision="receive", documents=None, **extra):
    pid = procedure_id(app, code)
    with app.app_context():
        count = len(db.session.scalar(select(Procedure).where(Procedure.code == code)).documents)
    form = {"procedure_id": pid, "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_id_number": "001090123456", "applicant_phone": "0912 345 678",
            "applicant_address": "Xóm Hồng Thái 2, xã Tân Cương", "decision": decision,
            "documents": [str(i) for i in range(count)] if documents is None else documents, **extra}
    return officer.post("/counter/dossiers", form, htmx=False)


def dossier(app, response=None, **filters):
    with app.app_context():
        query = select(Dossier).order_by(Dossier.created_at.desc())
        if response is not None:
            query = query.where(Dossier.id == uuid.UUID(response.headers["Location"].rsplit("/", 1)[1]))
        row = db.session.scalars(query.filter_by(**filters)).first()
        db.session.expunge_all()
        return row


def step(officer, row, name, **form):
    return officer.post(f"/counter/dossiers/{row.id}/steps/{name}", form)


def travel(monkeypatch, to: datetime) -> None:
    """Take the dossier operations' clock to `to` (naive UTC), still running: their steps, dates,
    numbers and the overdue watch are as if it were then. The event log keeps the real time."""
    offset = to - utcnow()
    for module in (dossier_operations, lifecycle):
        monkeypatch.setattr(module, "utcnow", lambda: utcnow() + offset)


def set_counter_printer(app, number: int, url: str) -> None:
    """Point counter `number` at a printer, as the admin screen would (with its event)."""
    with app.app_context(), write_transaction():
        counter = db.session.scalars(select(Counter).where(Counter.number == number)).one()
        counter.printer_url = url
        record("counter.updated", counter, context={"change": "printer"})


@pytest.fixture
def officer(staff):
    return staff("canbo1")


def test_complete_dossier_is_received_with_code_log_entry_due_date_and_event(app, officer):
    response = intake(officer, app)
    assert response.status_code == 303
    row = dossier(app, response)
    today = to_local(utcnow()).date()
    assert re.fullmatch(rf"000\.00\.12\.H56-{today:%y%m%d}-0001", row.code)
    assert (row.status, row.log_number, row.rule_set) == ("received", 1, "2025")
    assert row.applicant_phone == "0912345678" and len(row.check) == 6
    assert to_local(row.due_at).hour == 16 and row.due_at > row.received_at
    assert row.clock_started_at == row.received_at
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.aggregate_id == row.id)).one()
    assert event.type == "dossier.received" and event.payload["dossier"]["code"] == row.code
    second = dossier(app, intake(officer, app, code="1.004194"))
    assert second.code.endswith("-0002") and second.log_number == 2


def test_incomplete_dossier_gets_mau_02_listing_everything_missing(app, officer):
    refused = intake(officer, app, documents=["0"])  # "receive" with papers missing
    assert refused.status_code == 409
    assert "Hồ sơ còn thiếu" in refused.get_data(as_text=True) and dossier(app) is None
    response = intake(officer, app, decision="supplement", documents=["0"],
                      missing_extra="Bản sao sổ hộ khẩu\n")
    row = dossier(app, response)
    assert row.status == "incomplete" and row.code is None
    assert row.missing == ["Giấy tờ làm căn cứ thay đổi, cải chính",
                           "Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu)", "Bản sao sổ hộ khẩu"]


def test_refusal_at_intake_needs_reasons(app, officer):
    assert intake(officer, app, decision="refuse").status_code == 409
    row = dossier(app, intake(officer, app, decision="refuse", reasons="Không thuộc thẩm quyền của xã"))
    assert (row.status, row.reasons, row.code) == ("refused_at_intake", "Không thuộc thẩm quyền của xã", None)


@pytest.mark.parametrize(("field", "value", "message", "status"), [
    ("applicant_id_number", "12345", "đúng 12 chữ số", 409),
    ("applicant_id_number", "٠٠١٠٩٠١٢٣٤٥٦", "đúng 12 chữ số", 422),  # Arabic-Indic digits
    ("applicant_name", " ", "Hãy nhập Họ và tên", 422),
    ("applicant_name", "Nguyễn Văn 2", "chỉ gồm chữ cái", 422),
    ("applicant_name", "N" * 121, "dài quá 120 ký tự", 422),  # refused, no longer cut silently
    ("applicant_address", "Xóm\u202eHồng", "ký tự không hợp lệ", 422),
    ("applicant_phone", "abc", "Số điện thoại", 409),
    ("applicant_email", "a@", "thư điện tử", 409),
    ("applicant_birth_date", "01/01/0001", "phải trong khoảng 01/01/1900", 422),
    ("channel", "fax", "Kênh nộp", 409),
    ("proxy_name", "Lê Văn Bình", "giấy ủy quyền", 409),
    ("fee", "1" + "0" * 23, "Lệ phí phải là số nguyên từ 0 đến 999.999.999.999", 422),
    ("sets", "²", "Số bộ hồ sơ phải là số nguyên", 422),
    ("reused_fields", "١٢", "phải là số nguyên", 422),
    ("documents", ["0", "²"], "Giấy tờ đã nhận phải là số nguyên", 422),
    ("documents", ["99"], "Giấy tờ đã nhận phải là số nguyên", 422),
])
def test_bad_intake_fields_get_clear_messages_and_nothing_is_saved(app, officer, field, value, message,
                                                                   status):
    response = intake(officer, app, **{field: value})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert dossier(app) is None


def test_refused_intake_shows_the_form_again_as_it_was_typed(app, officer):
    response = intake(officer, app, documents=["0"], fee="1" + "0" * 23, proxy_name="Lê Văn Bình",
                      proxy_authorisation="Giấy ủy quyền số 12", notes="Dòng một\nDòng hai", sets="2")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'role="alert"' in html and "Lệ phí phải là số nguyên" in html
    for kept in ('value="Nguyễn Thị Hồng Nhung"', 'value="001090123456"', 'value="Lê Văn Bình"',
                 'value="Giấy ủy quyền số 12"', "Dòng một\nDòng hai</textarea>", 'name="sets" value="2"',
                 'value="1' + "0" * 23 + '"', 'value="0" checked'):
        assert kept in html, kept
    assert 'value="1" checked' not in html


def test_postal_channel_refused_for_in_person_procedures(app, officer):
    response = intake(officer, app, code="1.000894", channel="postal")
    assert response.status_code == 409 and "bưu chính" in response.get_data(as_text=True)


def test_card_scan_fills_the_applicant_and_a_returning_citizen_is_offered_old_details(app, officer):
    response = officer.post("/counter/dossiers/scan-card", {"card_payload": CARD})
    html = response.get_data(as_text=True)
    assert 'value="001090123456"' in html and 'value="05/03/1990"' in html and 'value="Nữ"' in html
    intake(officer, app, applicant_email="nhung@example.vn")
    again = officer.post("/counter/dossiers/scan-card", {"card_payload": CARD}).get_data(as_text=True)
    assert 'value="0912345678"' in again and 'value="nhung@example.vn"' in again
    assert 'name="reused_fields" value="2"' in again
    garbage = officer.post("/counter/dossiers/scan-card", {"card_payload": "xin chào"})
    assert garbage.status_code == 422 and "không phải của thẻ Căn cước" in garbage.get_data(as_text=True)


def test_full_lifecycle_with_supplement_restarting_the_deadline(app, officer, monkeypatch):
    travel(monkeypatch, utcnow() - timedelta(days=2))  # the citizen comes back two days later
    row = dossier(app, intake(officer, app))
    assert step(officer, row, "transfer", agency="UBND xã Tân Cương").status_code == 200
    assert step(officer, row, "request-supplement", items="Bản sao giấy khai sinh").status_code == 200
    assert dossier(app).status == "supplement_requested"
    travel(monkeypatch, utcnow())
    step(officer, row, "supplemented")
    restarted = dossier(app)
    assert restarted.status == "transferred" and restarted.clock_started_at > utcnow() - timedelta(minutes=1)
    assert (restarted.received_at, restarted.code, restarted.log_number) == (row.received_at, row.code, 1)
    with app.app_context():
        from domain.calendar import calendar_for, due_from
        from domain.site import current_site

        procedure = db.session.get(Procedure, row.procedure_id)
        restarted_due = due_from(calendar_for(current_site()), restarted.clock_started_at, procedure)
    assert restarted.due_at == restarted_due and restarted.original_due_at == row.due_at
    step(officer, row, "result-ready", note="Trích lục cải chính số 12")
    refused = step(officer, row, "return", collected_by="applicant")
    assert refused.status_code == 422 and "giấy tờ tùy thân" in refused.get_data(as_text=True)
    assert step(officer, row, "return", collected_by="proxy", id_checked="on").status_code == 422
    asked = step(officer, row, "return", collected_by="proxy", id_checked="on", proxy_name="Lê Văn Bình",
                 authorisation="Giấy ủy quyền số 5/UQ")
    assert "Xác nhận trả kết quả hồ sơ" in asked.get_data(as_text=True)
    assert dossier(app).status == "result_ready"  # asked, not done
    step(officer, row, "return", collected_by="proxy", id_checked="on", proxy_name="Lê Văn Bình",
         authorisation="Giấy ủy quyền số 5/UQ", confirmed="yes")
    final = dossier(app)
    assert final.status == "returned" and final.returned_at is not None
    with app.app_context():
        kinds = db.session.scalars(select(Event.type).where(Event.aggregate_id == row.id)
                                   .order_by(Event.seq)).all()
    assert kinds == ["dossier.received", "dossier.transferred", "dossier.supplement_requested",
                     "dossier.supplemented", "dossier.result_ready", "dossier.returned"]


@pytest.mark.parametrize(("path", "status"), [
    (["result-ready", "transfer"], "result_ready"),  # no going back
    (["result-ready", "refuse"], "result_ready"),
    (["stop", "result-ready"], "stopped"),
    (["refuse", "return"], "refused"),
    (["supplemented"], "received"),  # nothing was asked
])
def test_transitions_the_law_forbids_are_refused(app, officer, path, status):
    row = dossier(app, intake(officer, app))
    forms = {"refuse": {"reasons": "Không đủ điều kiện", "confirmed": "yes"},
             "stop": {"reason": "Công dân rút hồ sơ", "confirmed": "yes"},
             "return": {"collected_by": "applicant", "id_checked": "on", "confirmed": "yes"}}
    responses = [step(officer, row, name, **forms.get(name, {})) for name in path]
    assert responses[-1].status_code == 409
    assert "không thể thực hiện bước này" in responses[-1].get_data(as_text=True)
    assert dossier(app).status == status


def test_apology_moves_the_date_once_and_only_a_working_day_ahead(app, officer):
    row = dossier(app, intake(officer, app, code="1.004222"))  # 7 working days
    due = to_local(row.due_at).date()
    later = due + timedelta(days=7)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    bad = step(officer, row, "reschedule", reason="Chờ xác minh", new_date=due.strftime("%d/%m/%Y"))
    assert bad.status_code == 422 and "sau ngày hẹn cũ" in bad.get_data(as_text=True)
    ok = step(officer, row, "reschedule", reason="Chờ xác minh", new_date=later.strftime("%d/%m/%Y"))
    assert ok.status_code == 200
    moved = dossier(app)
    assert moved.rescheduled and to_local(moved.due_at).date() == later
    assert moved.original_due_at == row.due_at
    again = (later + timedelta(days=7)).strftime("%d/%m/%Y")
    second = step(officer, row, "reschedule", reason="Lại chậm", new_date=again)
    assert second.status_code == 409 and "lần thứ hai" in second.get_data(as_text=True)


def test_apology_on_the_last_day_is_too_late(app, officer, monkeypatch):
    row = dossier(app, intake(officer, app, code="1.004859"))
    travel(monkeypatch, row.due_at - timedelta(hours=1))  # due today: less than a working day left
    response = step(officer, row, "reschedule", reason="Chậm", new_date="31/12/2030")
    assert response.status_code == 409 and "chậm nhất 1 ngày làm việc" in response.get_data(as_text=True)


def test_overdue_watch_shows_what_is_late_due_today_and_next(app, officer, monkeypatch):
    travel(monkeypatch, utcnow() - timedelta(days=30))  # a month earlier: due long before the others
    rows = [dossier(app, intake(officer, app))]
    travel(monkeypatch, utcnow())
    rows += [dossier(app, intake(officer, app)) for _ in range(2)]
    travel(monkeypatch, rows[1].due_at - timedelta(minutes=1))
    html = officer.get("/counter/dossiers").get_data(as_text=True)
    overdue = html[html.index('id="watch-overdue"'):html.index('id="watch-today"')]
    today = html[html.index('id="watch-today"'):html.index('id="watch-next_day"')]
    assert rows[0].code in overdue and rows[1].code not in overdue
    assert rows[1].code in today and rows[2].code in today


def test_public_page_masks_the_applicant_and_hides_id_phone_address(app, officer, client):
    row = dossier(app, intake(officer, app))
    html = client.get(f"/T/{row.code}?K={row.check}").get_data(as_text=True)
    assert "Nguyễn T. H. N." in html and "Thay đổi, cải chính hộ tịch" in html
    for secret in ("Nhung", "001090123456", "0912345678", "Hồng Thái"):
        assert secret not in html
    assert "Đã tiếp nhận hồ sơ" in html


@pytest.mark.parametrize("mangle", ["wrong-check", "wrong-code", "no-check"])
def test_wrong_code_or_check_gets_one_generic_answer(app, officer, client, mangle):
    row = dossier(app, intake(officer, app))
    code, check = row.code, row.check
    if mangle == "wrong-check":
        check = "ZZZZZZ" if check != "ZZZZZZ" else "YYYYYY"
    elif mangle == "wrong-code":
        code = code[:-1] + ("9" if code[-1] != "9" else "8")
    else:
        check = ""
    response = client.get(f"/t/{code}?k={check}")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập" in response.get_data(as_text=True)


def test_tracking_lookups_are_rate_limited(app, client):
    app.config["TRACKING_LOOKUPS_PER_MINUTE"] = 3  # the limiter is the app's own: nothing to reset
    codes = [client.get("/t/000.00.12.H56-261122-0001?k=AAAAAA").status_code for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_kiosk_lookup_by_scanned_receipt_url(app, officer, client):
    row = dossier(app, intake(officer, app))
    scanned = f"HTTP://LOCALHOST/T/{row.code}?K={row.check}"
    page = client.get("/kiosk/tra-cuu", query_string={"scan": scanned})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and row.code in html and "Nguyễn T. H. N." in html
    assert 'data-idle-seconds' in html  # still the kiosk: it returns home by itself


def test_receipt_pdf_has_vietnamese_text_and_a_qr_that_leads_to_the_tracking_page(app, officer, client):
    row = dossier(app, intake(officer, app))
    response = officer.get(f"/counter/dossiers/{row.id}/receipt.pdf?paper=A4")
    assert response.mimetype == "application/pdf"
    path = app.instance_path + "/receipt.pdf"
    with open(path, "wb") as out:
        out.write(response.data)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Nguyễn Thị Hồng Nhung", "Thay đổi, cải chính hộ tịch", row.code):
        assert expected in text
    pdf = pypdfium2.PdfDocument(path)
    image = pdf[0].render(scale=150 / 72).to_pil()
    pdf.close()
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert decoded == [f"HTTP://LOCALHOST/T/{row.code}?K={row.check}"]
    follow = client.get(decoded[0].replace("HTTP://LOCALHOST", ""))
    assert follow.status_code == 200 and "Đã tiếp nhận" in follow.get_data(as_text=True)


def test_dossier_keeps_the_rule_set_in_force_when_received(app):
    from domain.rules import rules_in_force

    control = ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
    assert rules_in_force(date(2025, 6, 30)).form("control") == control
    assert rules_in_force(date(2025, 7, 1)).form("control")[0] == "06"
    assert rules_in_force(date(2025, 7, 1)).form("log")[0] == "07"


def test_make_up_saturday_from_the_override_table_counts(app, officer):
    with app.app_context():
        site_id = db.session.scalar(select(Procedure.site_id))
    now = datetime.now(VN)
    saturday = (now + timedelta(days=(5 - now.weekday()) % 7 or 7)).date()
    with app.app_context(), write_transaction():
        override = CalendarOverride(site_id=site_id, day=saturday, working=True, note="Làm bù")
        db.session.add(override)
        record("calendar.set", override)
    from domain.calendar import calendar_for
    from domain.site import current_site

    with app.app_context():
        assert calendar_for(current_site()).is_working_day(saturday)


def test_scanned_paper_is_checked_stored_outside_static_and_shown_to_staff_only(app, officer, client):
    import io

    from PIL import Image

    row = dossier(app, intake(officer, app))
    exif = Image.Exif()
    exif[0x010F] = "Máy quét"  # Make
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(photo, "JPEG", exif=exif)
    upload = {"document": "Tờ khai", "file": (io.BytesIO(photo.getvalue()), "to-khai.jpg")}
    post = officer.client.post(f"/counter/dossiers/{row.id}/attachments", data=upload,
                               headers={"X-CSRFToken": officer.token, "HX-Request": "true"},
                               content_type="multipart/form-data")
    assert post.status_code == 200 and "Đã lưu bản số hóa" in post.get_data(as_text=True)
    with app.app_context():
        from models import Attachment

        item = db.session.scalars(select(Attachment)).one()
    stored = officer.get(f"/counter/dossiers/attachments/{item.id}")
    assert stored.headers["Content-Disposition"].startswith("attachment")
    assert Image.open(io.BytesIO(stored.data)).getexif() == {}
    assert client.get(f"/counter/dossiers/attachments/{item.id}").status_code == 302  # not for the public
    fake = officer.client.post(f"/counter/dossiers/{row.id}/attachments",
                               data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "scan.pdf")},
                               headers={"X-CSRFToken": officer.token, "HX-Request": "true"},
                               content_type="multipart/form-data")
    assert fake.status_code == 409 and "không phải PDF, JPEG hoặc PNG" in fake.get_data(as_text=True)


def test_a_dossier_cannot_pass_its_date_silently(app, officer, staff, monkeypatch):
    from domain.lifecycle import flag_overdue
    from domain.site import current_site

    row = dossier(app, intake(officer, app))
    early = step(officer, row, "late-reason", reason="Chờ UBND ký")
    assert early.status_code == 409 and "chưa quá hạn" in early.get_data(as_text=True)
    travel(monkeypatch, row.due_at + timedelta(minutes=5))
    with app.app_context(), write_transaction():
        assert flag_overdue(current_site()) == 1
    with app.app_context(), write_transaction():
        assert flag_overdue(current_site()) == 0  # recorded once
    with app.app_context():
        kinds = db.session.scalars(select(Event.type).where(Event.aggregate_id == row.id)).all()
    assert kinds.count("dossier.overdue") == 1
    listing = officer.get("/counter/dossiers").get_data(as_text=True)
    assert "Chưa ghi lý do quá hạn" in listing
    step(officer, row, "late-reason", reason="Chờ xác minh của Công an xã")
    listing = officer.get("/counter/dossiers").get_data(as_text=True)
    assert "Chờ xác minh của Công an xã" in listing and "Chưa ghi lý do" not in listing
    from .test_counter import at_counter

    workspace = at_counter(staff, app, 1, username="giamsat").get("/counter").get_data(as_text=True)
    assert "Hồ sơ quá hạn: 1" in workspace


def test_thermal_receipt_goes_to_the_counter_printer_and_its_qr_leads_to_the_dossier(app, staff, client):
    from domain.printing import process_due_jobs

    from .support.escpos_decode import printed_page
    from .support.fake_printer import FakePrinter
    from .test_counter import at_counter

    printer = FakePrinter("online")
    try:
        set_counter_printer(app, 2, f"{printer.url}?width=384")
        officer = at_counter(staff, app, 2)
        row = dossier(app, intake(officer, app))
        response = officer.post(f"/counter/dossiers/{row.id}/print-slip")
        assert "Đã gửi giấy tiếp nhận tới máy in của quầy 2" in response.get_data(as_text=True)
        with app.app_context():
            assert process_due_jobs() == 1
    finally:
        printer.close()
    page = printed_page(printer.jobs[0])
    assert page.width == 384
    [url] = [barcode.text for barcode in zxingcpp.read_barcodes(page.convert("L"))]
    assert url == f"HTTP://LOCALHOST/T/{row.code}?K={row.check}"
    assert row.code in client.get(url.replace("HTTP://LOCALHOST", "")).get_data(as_text=True)
