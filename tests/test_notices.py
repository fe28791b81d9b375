"""Mẫu 02, 03, 04, the stop notice, the control slip and the tracking log: exact Vietnamese text,
built from dossiers and their steps, numbered by the dossier's rule set, served to staff only."""

import io
import unicodedata
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from counter.forms import bp as forms_bp
from domain import DomainError, form_data
from domain.clock import VN, to_local
from domain.rules import rule_set
from domain.site import current_site
from hardware.forms import (
    ApologyNotice,
    Applicant,
    ControlSlip,
    Handoff,
    Letterhead,
    LogEntry,
    RefusalNotice,
    StopNotice,
    SupplementRequest,
    TrackingLog,
    control_slip_pdf,
    notice_pdf,
    tracking_log_pdf,
)
from models import Dossier, Procedure
from motcua.extensions import db
from motcua.transactions import transactional

from .test_dossiers import travel

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "control-slip.png"
UNIT = "Trung tâm Phục vụ hành chính công xã Tân Cương"
AGENCY = "Ủy ban nhân dân xã Tân Cương"
NAME = "Nguyễn Thị Hồng Nhung"
PROCEDURE = "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"
CODE = "000.00.12.H56-261116-0007"
OFFICER = "Nguyễn Văn Tiếp Nhận"  # canbo1 in the demo data
APPLICANT = Applicant(NAME, "019186004321", "Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên", "0912345678",
                      "hongnhung.nguyen@example.vn")


def head(kind: str, rules: str = "2025", number: str | None = "0007/PBS") -> Letterhead:
    form_no, title = rule_set(rules).form(kind)
    return Letterhead(AGENCY, UNIT, "Tân Cương", date(2026, 11, 16), form_no, title, number)


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert unicodedata.is_normalized("NFC", text)
    return text


def flat(pdf: bytes) -> str:
    """The PDF's text on one line: table cells wrap, so compare words, not line breaks."""
    return " ".join(pdf_text(pdf).split())


def page_sizes_mm(pdf: bytes) -> set[tuple[int, int]]:
    return {(round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4))
            for page in PdfReader(io.BytesIO(pdf)).pages}


def font_names(pdf: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def in_order(text: str, *parts: str) -> bool:
    """Each part is in the text, after the one before it."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after {text[max(position - 60, 0):position]!r}"
        position = found + len(part)
    return True


# The PDFs themselves, from hand-made data.

def test_supplement_request_lists_each_missing_item_once_and_who_to_ask():
    items = ("Bản sao giấy khai sinh", "Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu)")
    pdf = notice_pdf(SupplementRequest(head("supplement"), APPLICANT, PROCEDURE, items,
                                       "Hồ sơ còn thiếu giấy tờ", contact_name="Lê Văn Đức",
                                       contact_phone="0208 3855 123", guide_name="Lê Văn Đức"))
    text = flat(pdf)
    for expected in ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 0007/PBS",
                     "Tân Cương, ngày 16 tháng 11 năm 2026",
                     f"Hồ sơ của: {NAME}", f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
                     "Số định danh cá nhân/tổ chức: 019186004321",
                     "Số điện thoại: 0912345678", "Email: hongnhung.nguyen@example.vn",
                     "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", f"1. {items[0]}", f"2. {items[1]}",
                     "Lý do: Hồ sơ còn thiếu giấy tờ", "liên hệ với Lê Văn Đức, số điện thoại 0208 3855 123",
                     "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)"):
        assert expected in text, expected
    assert [text.count(item) for item in items] == [1, 1]
    assert "Mã hồ sơ" not in text  # asked at intake: no code yet
    assert page_sizes_mm(pdf) == {(210, 297)}
    assert font_names(pdf) and all("+Tinos" in name for name in font_names(pdf))


def test_refusal_names_the_applicant_the_request_and_the_reasons_and_both_sign():
    reasons = "Thủ tục không thuộc thẩm quyền giải quyết của cấp xã"
    pdf = notice_pdf(RefusalNotice(head("refusal", number="……/PTC"), APPLICANT, PROCEDURE, reasons, CODE,
                                   "Lê Văn Đức"))
    text = flat(pdf)
    for expected in ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: ……/PTC",
                     f"{UNIT} tiếp nhận hồ sơ của:", f"Ông/Bà: {NAME}",
                     "Số định danh cá nhân/tổ chức: 019186004321",
                     "Địa chỉ: Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên", f"Mã hồ sơ: {CODE}",
                     f"Nội dung yêu cầu giải quyết: {PROCEDURE}", "với lý do cụ thể như sau:",
                     "Thủ tục không thuộc thẩm quyền giải quyết của cấp xã", "NGƯỜI NỘP HỒ SƠ",
                     "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Văn Đức"):
        assert expected in text, expected


def apology(rules: str = "2025") -> ApologyNotice:
    return ApologyNotice(head("apology", rules, "0007/PXL"), APPLICANT, PROCEDURE, AGENCY,
                         received_at=datetime(2026, 11, 16, 9, 5),
                         original_due_at=datetime(2026, 11, 19, 16, 0),
                         new_due_at=datetime(2026, 11, 24, 16, 0),
                         reason="Chờ kết quả xác minh của Công an xã", dossier_code=CODE)


def test_apology_states_the_lateness_the_reason_and_the_new_date_signed_by_the_head():
    text = flat(notice_pdf(apology()))
    assert in_order(text, "Mẫu số 04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                    f"Kính gửi: Ông/Bà {NAME}", f"Ngày 16/11/2026, {UNIT} tiếp nhận hồ sơ",
                    f"thủ tục hành chính: {PROCEDURE}", "Số định danh cá nhân/tổ chức: 019186004321",
                    f"Mã hồ sơ: {CODE}", "hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 19/11/2026",
                    f"Tuy nhiên, đến nay {AGENCY} chưa giải quyết xong hồ sơ",
                    "Lý do: Chờ kết quả xác minh của Công an xã", f"{AGENCY} xin lỗi Ông/Bà",
                    "vào: 16 giờ 00 phút, ngày 24/11/2026", "THỦ TRƯỞNG CƠ QUAN",
                    "(Ký, ghi rõ họ tên và đóng dấu)")


def test_the_2018_rules_give_the_apology_its_old_title():
    text = flat(notice_pdf(apology("2018")))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "GIA HẠN" not in text


def test_stop_notice_says_from_when_and_why():
    notice = StopNotice(head("stop", number="0007/TB"), APPLICANT, PROCEDURE, AGENCY,
                        datetime(2026, 11, 16, 9, 5), datetime(2026, 11, 17, 10, 30),
                        "Công dân đề nghị dừng giải quyết để bổ sung giấy tờ", CODE)
    text = flat(notice_pdf(notice))
    assert in_order(text, "Mẫu số 05", "Số: 0007/TB", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                    f"Kính gửi: Ông/Bà {NAME}", f"Mã hồ sơ: {CODE}",
                    "dừng giải quyết hồ sơ nêu trên kể từ 10 giờ 30 phút, ngày 17/11/2026",
                    "Lý do: Công dân đề nghị dừng giải quyết để bổ sung giấy tờ", "THỦ TRƯỞNG CƠ QUAN")


def sample_slip() -> ControlSlip:
    return ControlSlip(
        head("control", number="0007/PKS"), CODE, NAME, PROCEDURE, AGENCY, datetime(2026, 11, 16, 9, 5),
        datetime(2026, 11, 19, 16, 0), (
            Handoff(NAME, UNIT, datetime(2026, 11, 16, 9, 5), note="Tiếp nhận hồ sơ",
                    receiver_name="Lê Văn Đức"),
            Handoff(UNIT, AGENCY, datetime(2026, 11, 16, 14, 30), "on_time", sender_name="Lê Văn Đức"),
            Handoff(AGENCY, UNIT, datetime(2026, 11, 18, 10, 0), "early", "Trích lục cải chính số 12",
                    receiver_name="Lê Văn Đức"),
            Handoff(UNIT, NAME),
        ))


def test_control_slip_has_a_row_per_hand_off_with_its_time_and_result_and_blanks_for_what_is_to_come():
    pdf = control_slip_pdf(sample_slip())
    text = flat(pdf)
    assert in_order(text, "Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Mã hồ sơ: {CODE}",
                    f"Kèm theo hồ sơ của: {NAME}", f"Cơ quan (bộ phận) giải quyết hồ sơ: {AGENCY}",
                    "Cơ quan phối hợp giải quyết hồ sơ: …………",
                    "Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 16/11/2026",
                    "Thời gian hẹn trả kết quả: 16 giờ 00 phút, ngày 19/11/2026",
                    "TÊN CƠ QUAN", "(Trước hạn/ đúng hạn/ quá hạn)", "GHI CHÚ",
                    f"1. Giao: {NAME} 2. Nhận: {UNIT}", "09 giờ 05 phút, ngày 16/11/2026", "Tiếp nhận hồ sơ",
                    f"1. Giao: {UNIT} 2. Nhận: {AGENCY}", "14 giờ 30 phút, ngày 16/11/2026", "Đúng hạn",
                    f"1. Giao: {AGENCY} 2. Nhận: {UNIT}", "10 giờ 00 phút, ngày 18/11/2026", "Trước hạn",
                    f"1. Giao: {UNIT} 2. Nhận: {NAME}", ".... giờ .... phút, ngày ..../..../........")
    assert text.count("Người giao") == 4 and text.count("Người nhận") == 4
    assert "Quá hạn" not in text
    assert page_sizes_mm(pdf) == {(210, 297)}
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    assert page.size == (1241, 1754)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.convert("L").save(SCREENSHOT, optimize=True)


def test_a_rescheduled_slip_shows_both_appointments():
    slip = replace(sample_slip(), due_at=datetime(2026, 11, 24, 16, 0),
                   original_due_at=datetime(2026, 11, 19, 16, 0))
    assert ("Thời gian hẹn trả kết quả: 16 giờ 00 phút, ngày 24/11/2026 (hẹn lại; hẹn ban đầu:"
            " 16 giờ 00 phút, ngày 19/11/2026)") in flat(control_slip_pdf(slip))


def test_tracking_log_is_landscape_repeats_its_heading_and_keeps_the_order_given():
    entries = tuple(LogEntry(n, f"000.00.12.H56-261116-{n:04d}", PROCEDURE, f"Người nộp số {n}",
                             "Xóm Hồng Thái 2", "0912345678", AGENCY, datetime(2026, 11, 16, 9, n),
                             datetime(2026, 11, 19, 16, 0),
                             datetime(2026, 11, 19, 10, 0) if n == 1 else None,
                             "Từ chối giải quyết" if n == 2 else "", "Trực tiếp") for n in range(1, 31))
    log = TrackingLog(head("log", number=None), date(2026, 11, 16), date(2026, 11, 22), entries)
    pdf = tracking_log_pdf(log)
    text = flat(pdf)
    assert in_order(text, "Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "(Từ ngày 16/11/2026 đến ngày 22/11/2026)", "STT",
                    "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
                    "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả",
                    "Phương thức nhận kết quả", "Ký nhận")
    assert "Số:" not in text
    assert in_order(text, *(f"Người nộp số {n} " for n in range(1, 31)))
    assert in_order(text, "000.00.12.H56- 261116-0001", "16/11/2026 09 giờ 01 phút",
                    "19/11/2026 16 giờ 00 phút", "19/11/2026 10 giờ 00 phút", "Trực tiếp", "Người nộp số 2",
                    "Từ chối giải quyết")
    assert "Tổng số: 30 hồ sơ." in text
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1 and page_sizes_mm(pdf) == {(297, 210)}
    headings = [" ".join(page.extract_text().split()) for page in pages]
    assert all("STT Mã hồ sơ Tên thủ tục hành chính" in heading for heading in headings)


# Built from dossiers and their steps.

@pytest.fixture
def forms_app(app):
    """The app with the forms blueprint: until the factory registers it, register it here as it would."""
    if forms_bp.name not in app.blueprints:
        app.register_blueprint(forms_bp)
        for endpoint, view in list(app.view_functions.items()):
            if endpoint.startswith(f"{forms_bp.name}."):
                app.view_functions[endpoint] = transactional(view)
    return app


@pytest.fixture
def officer(forms_app, staff):
    return staff("canbo1")


def intake(officer, app, code="1.004859", decision="receive", **extra) -> uuid.UUID:
    with app.app_context():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
        form = {"procedure_id": str(procedure.id), "applicant_name": NAME,
                "applicant_id_number": "001090123456", "applicant_phone": "0912 345 678",
                "applicant_address": "Xóm Hồng Thái 2, xã Tân Cương", "decision": decision,
                "documents": [str(i) for i in range(len(procedure.documents))], **extra}
    response = officer.post("/counter/dossiers", form, htmx=False)
    assert response.status_code == 303, response.get_data(as_text=True)
    return uuid.UUID(response.headers["Location"].rsplit("/", 1)[1])


def step(officer, dossier_id, name, **form):
    response = officer.post(f"/counter/dossiers/{dossier_id}/steps/{name}", form)
    assert response.status_code == 200, response.get_data(as_text=True)


def build(app, builder, dossier_id):
    with app.app_context():
        return builder(current_site(), db.session.get(Dossier, dossier_id))


def test_supplement_form_at_intake_lists_what_is_missing_and_the_officer_who_guided(forms_app, officer):
    dossier_id = intake(officer, forms_app, decision="supplement", documents=["0"],
                        missing_extra="Bản sao sổ hộ khẩu")
    data = build(forms_app, form_data.supplement_form, dossier_id)
    assert data.items == ("Giấy tờ làm căn cứ thay đổi, cải chính",
                          "Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu)", "Bản sao sổ hộ khẩu")
    assert (data.head.form_no, data.head.number, data.guide_name) == ("02", "……/PBS", OFFICER)
    assert data.dossier_code == ""
    text = flat(notice_pdf(data))
    assert all(text.count(item) == 1 for item in data.items)
    assert f"Hồ sơ của: {NAME}" in text and "Lý do: Hồ sơ chưa đủ thành phần" in text


def test_supplement_during_appraisal_and_refusal_at_intake(forms_app, officer):
    dossier_id = intake(officer, forms_app)
    step(officer, dossier_id, "transfer")
    step(officer, dossier_id, "request-supplement", items="Bản sao giấy khai sinh\nẢnh 4x6",
         reason="Thiếu giấy tờ")
    data = build(forms_app, form_data.supplement_form, dossier_id)
    assert data.items == ("Bản sao giấy khai sinh", "Ảnh 4x6") and data.reason == "Thiếu giấy tờ"
    assert data.dossier_code.startswith("000.00.12.H56-") and data.head.number == "0001/PBS"
    refused = intake(officer, forms_app, decision="refuse", reasons="Không thuộc thẩm quyền của xã")
    notice = build(forms_app, form_data.refusal_form, refused)
    assert (notice.reasons, notice.officer_name) == ("Không thuộc thẩm quyền của xã", OFFICER)
    assert notice.dossier_code == ""  # refused at intake: never given a code
    assert "Không thuộc thẩm quyền của xã" in flat(notice_pdf(notice))
    with pytest.raises(DomainError, match="không bị từ chối"):
        build(forms_app, form_data.refusal_form, dossier_id)


def test_control_slip_follows_the_file_from_intake_to_return_judging_each_step(forms_app, officer,
                                                                             monkeypatch):
    # Fixed UTC times, so early / on time / late are certain: received 09:00 Monday (Vietnam),
    # due 16:00 Thursday (three working days).
    travel(monkeypatch, datetime(2026, 11, 16, 2, 0))
    dossier_id = intake(officer, forms_app)
    travel(monkeypatch, datetime(2026, 11, 16, 7, 30))
    step(officer, dossier_id, "transfer", agency="Công chức Tư pháp - Hộ tịch")
    travel(monkeypatch, datetime(2026, 11, 18, 3, 0))
    step(officer, dossier_id, "result-ready", note="Trích lục cải chính số 12")
    travel(monkeypatch, datetime(2026, 11, 19, 10, 0))
    step(officer, dossier_id, "return", collected_by="proxy", id_checked="on", proxy_name="Lê Văn Bình",
         authorisation="Giấy ủy quyền số 5/UQ", confirmed="yes")
    slip = build(forms_app, form_data.control_slip, dossier_id)
    assert slip.due_at == datetime(2026, 11, 19, 16, 0, tzinfo=VN)
    assert [(row.sender, row.receiver, row.result) for row in slip.handoffs] == [
        (NAME, UNIT, ""), (UNIT, "Công chức Tư pháp - Hộ tịch", "on_time"),
        ("Công chức Tư pháp - Hộ tịch", UNIT, "early"), (UNIT, "Lê Văn Bình (nhận thay)", "late")]
    assert [row.at.strftime("%H:%M %d/%m") for row in slip.handoffs] == [
        "09:00 16/11", "14:30 16/11", "10:00 18/11", "17:00 19/11"]
    assert slip.handoffs[1].sender_name == OFFICER and slip.handoffs[2].receiver_name == OFFICER
    text = flat(control_slip_pdf(slip))
    assert in_order(text, "Mẫu số 06", "Cơ quan (bộ phận) giải quyết hồ sơ: Công chức Tư pháp - Hộ tịch",
                    "Tiếp nhận hồ sơ", "14 giờ 30 phút, ngày 16/11/2026", "Đúng hạn", "Trước hạn",
                    "Trích lục cải chính số 12", "1. Giao: Trung tâm", "17 giờ 00 phút, ngày 19/11/2026",
                    "Quá hạn",
                    "Giấy ủy quyền số 5/UQ")


def test_open_dossier_slip_has_blank_rows_for_the_steps_to_come_and_old_dossiers_use_2018_numbers(
        forms_app, officer, monkeypatch):
    dossier_id = intake(officer, forms_app)
    slip = build(forms_app, form_data.control_slip, dossier_id)
    assert [(row.receiver, row.at is None) for row in slip.handoffs] == [
        (UNIT, False), ("UBND cấp xã", True), (UNIT, True), (NAME, True)]
    assert (slip.head.form_no, slip.head.number) == ("06", "0001/PKS")
    travel(monkeypatch, datetime(2025, 6, 30, 2, 0))  # the last day of the 2018 rules
    old_id = intake(officer, forms_app)
    old = control_slip_pdf(build(forms_app, form_data.control_slip, old_id))
    assert "Mẫu số 05" in flat(old) and "Mẫu số 06" not in flat(old)
    with pytest.raises(DomainError, match="không có mẫu thông báo dừng"):
        build(forms_app, form_data.stop_form, old_id)


def later_working_day(due: date) -> date:
    day = due + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_apology_and_stop_come_from_their_events(forms_app, officer):
    dossier_id = intake(officer, forms_app, code="1.004222")  # 7 working days: time to apologise
    with forms_app.app_context():
        first_due = db.session.get(Dossier, dossier_id).due_at
    new_day = later_working_day(to_local(first_due).date())
    step(officer, dossier_id, "reschedule", reason="Chờ kết quả xác minh",
         new_date=new_day.strftime("%d/%m/%Y"))
    notice = build(forms_app, form_data.apology_form, dossier_id)
    assert notice.original_due_at == to_local(first_due) and notice.new_due_at.date() == new_day
    assert (notice.head.form_no, notice.reason) == ("04", "Chờ kết quả xác minh")
    assert notice.agency == "Công an cấp xã"  # the procedure's agency: never transferred elsewhere
    text = flat(notice_pdf(notice))
    assert f"vào: 16 giờ 00 phút, ngày {new_day:%d/%m/%Y}" in text
    assert f"ngày {to_local(first_due):%d/%m/%Y}" in text
    slip = build(forms_app, form_data.control_slip, dossier_id)
    assert slip.original_due_at == to_local(first_due) and slip.due_at.date() == new_day
    step(officer, dossier_id, "stop", reason="Công dân rút hồ sơ", confirmed="yes")
    stop = build(forms_app, form_data.stop_form, dossier_id)
    assert (stop.head.form_no, stop.head.title, stop.reason) == ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                                                               "Công dân rút hồ sơ")
    assert "Lý do: Công dân rút hồ sơ" in flat(notice_pdf(stop))
    last = build(forms_app, form_data.control_slip, dossier_id).handoffs[-1]
    assert last.note == "Dừng giải quyết: Công dân rút hồ sơ"


def test_tracking_log_lists_the_period_in_log_number_order(forms_app, officer):
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    ids = [intake(officer, forms_app, applicant_name=name) for name in names]
    step(officer, ids[0], "transfer", agency="Công chức Tư pháp - Hộ tịch")
    step(officer, ids[1], "refuse", reasons="Không đủ điều kiện", confirmed="yes")
    with forms_app.app_context():
        site = current_site()
        start, end = form_data.log_period(None, None)
        shuffled = list(reversed(form_data.logged_dossiers(site, start, end)))
        log = form_data.tracking_log(site, shuffled, start, end)
    assert [entry.number for entry in log.entries] == [1, 2, 3]
    assert log.entries[0].lead_agency == "Công chức Tư pháp - Hộ tịch"
    assert log.entries[1].outcome == "Từ chối giải quyết"
    assert log.head.form_no == "07" and log.head.number is None
    text = flat(tracking_log_pdf(log))
    assert in_order(text, names[0], names[1], "Từ chối giải quyết", names[2])


def test_the_log_lists_a_supplemented_dossier_on_the_day_it_first_came_in(forms_app, officer, monkeypatch):
    from domain.receipts import receipt_payload

    travel(monkeypatch, datetime(2026, 11, 16, 2, 0))  # 09:00 Monday in Vietnam
    dossier_id = intake(officer, forms_app)
    step(officer, dossier_id, "transfer")
    travel(monkeypatch, datetime(2026, 11, 17, 3, 0))
    step(officer, dossier_id, "request-supplement", items="Bản sao giấy khai sinh")
    travel(monkeypatch, datetime(2026, 11, 20, 3, 0))  # 10:00 Friday: the papers came, the clock restarts
    step(officer, dossier_id, "supplemented")
    monday, friday = date(2026, 11, 16), date(2026, 11, 20)
    with forms_app.app_context():
        site = current_site()
        row = db.session.get(Dossier, dossier_id)
        listed = {day: form_data.logged_dossiers(site, day, day) for day in (monday, friday)}
        log = form_data.tracking_log(site, listed[monday], monday, monday)
        receipt = receipt_payload(site, row, OFFICER, "http://localhost")
    assert [d.id for d in listed[monday]] == [dossier_id] and listed[friday] == []
    [entry] = log.entries
    assert (entry.number, entry.dossier_code[-11:]) == (1, "261116-0001")
    assert entry.received_at.strftime("%H:%M %d/%m/%Y") == "09:00 16/11/2026"
    # Three working days from the Friday: Monday, Wednesday, Thursday (24/11 is Vietnamese Culture Day).
    assert entry.due_at == datetime(2026, 11, 26, 16, 0, tzinfo=VN)
    assert to_local(row.clock_started_at).strftime("%H:%M %d/%m/%Y") == "10:00 20/11/2026"
    assert receipt["received_at"].startswith("2026-11-16T09:00")


def test_routes_serve_each_form_to_staff_and_refuse_forms_a_dossier_does_not_have(forms_app, officer, client):
    dossier_id = intake(officer, forms_app)
    control = officer.get(f"/counter/dossiers/{dossier_id}/forms/control.pdf")
    assert control.mimetype == "application/pdf"
    assert control.headers["Content-Disposition"].startswith("inline")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in flat(control.data)
    apology = officer.get(f"/counter/dossiers/{dossier_id}/forms/apology.pdf")
    assert apology.status_code == 409 and "chưa được hẹn lại" in apology.get_data(as_text=True)
    assert officer.get(f"/counter/dossiers/{dossier_id}/forms/receipt.pdf").status_code == 404
    log = officer.get("/counter/dossiers/log.pdf")
    assert log.mimetype == "application/pdf" and "SỔ THEO DÕI HỒ SƠ" in flat(log.data)
    bad = officer.get("/counter/dossiers/log.pdf?from=22/11/2026&to=01/01/2026")
    assert bad.status_code == 409 and "Khoảng ngày không hợp lệ" in bad.get_data(as_text=True)
    public = client.get(f"/counter/dossiers/{dossier_id}/forms/control.pdf")
    assert public.status_code == 302  # to the login page: not for the public
