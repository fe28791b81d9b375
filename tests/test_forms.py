"""Mẫu 01 receipt: exact Vietnamese text in the PDF, QR codes that scan, thermal slips that print."""

import io
import json
import unicodedata
from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from hardware.escpos_job import encode_raster_job
from hardware.forms import (
    Proxy,
    ReceiptData,
    ReceivedDocument,
    hour_minute_date,
    place_and_date,
    qr_modules,
    receipt_pdf,
)
from hardware.receipt_slip import qr_image, render_receipt_slip

from .support.escpos_decode import printed_page

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "receipt-mau01.png"
URL = "http://127.0.0.1:5000/t/000.00.12.H56-261122-0007?k=7KQ2AB"
TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
NAME = "Nguyễn Thị Hồng Nhung"
PROCEDURE = "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"


@pytest.fixture
def receipt() -> ReceiptData:
    return ReceiptData(
        parent_agency="Ủy ban nhân dân xã Tân Cương",
        unit_name="Trung tâm Phục vụ hành chính công xã Tân Cương",
        place="Tân Cương",
        number="0007/GTN-TTPVHCC",
        dossier_code="000.00.12.H56-261122-0007",
        applicant_name=NAME,
        applicant_id="019186004321",
        address="Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên",
        phone="0912 345 678",
        email="hongnhung.nguyen@example.vn",
        proxy=Proxy("Trần Quốc Bảo", "019090001234", "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên",
                    "0987 654 321", authorisation="Giấy ủy quyền số 12/UQ ngày 20/11/2026"),
        procedure=PROCEDURE,
        documents=(
            ReceivedDocument("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"),
            ReceivedDocument("Giấy khai sinh"),
            ReceivedDocument("Căn cước của người yêu cầu", "Bản sao chứng thực"),
            ReceivedDocument("Giấy tờ làm căn cứ cải chính hộ tịch", "Bản sao", 2),
        ),
        processing_time="03 ngày làm việc",
        received_at=datetime(2026, 11, 22, 9, 5),
        due_at=datetime(2026, 11, 25, 14, 0),
        return_place="Quầy số 2, Trung tâm Phục vụ hành chính công xã Tân Cương",
        book_no="02",
        entry_no="0007",
        receiver_name="Lê Văn Đức",
        tracking_url=URL,
        check="7KQ2AB",
    )


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def font_names(pdf: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def render_page(pdf: bytes, dpi: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def scanned(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("day, expected", [
    (date(2026, 10, 5), "Tân Cương, ngày 05 tháng 10 năm 2026"),
    (date(2026, 2, 14), "Tân Cương, ngày 14 tháng 02 năm 2026"),
    (date(2026, 1, 1), "Tân Cương, ngày 01 tháng 01 năm 2026"),
    (date(2026, 3, 9), "Tân Cương, ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 25), "Tân Cương, ngày 25 tháng 12 năm 2026"),
])
def test_date_line_pads_days_below_ten_and_months_one_and_two(day, expected):
    assert place_and_date("Tân Cương", day) == expected


def test_times_are_written_as_hours_minutes_and_date():
    assert hour_minute_date(datetime(2026, 3, 2, 7, 5)) == "07 giờ 05 phút, ngày 02/03/2026"


def test_a4_receipt_text_comes_out_exactly(receipt):
    pages, text = pdf_text(receipt_pdf(receipt))
    assert pages == 1
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "Mẫu số 01", TITLE, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN XÃ TÂN CƯƠNG", "Số: 0007/GTN-TTPVHCC", "Tân Cương, ngày 22 tháng 11 năm 2026",
        "Mã hồ sơ: 000.00.12.H56-261122-0007", f"Ông/Bà: {NAME}",
        "Số định danh cá nhân/tổ chức: 019186004321",
        "Địa chỉ: Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên", "Người được ủy quyền: Trần Quốc Bảo",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}", "Căn cước của người yêu cầu", "Bản sao chứng thực",
        "2. Số lượng hồ sơ: 01 bộ", "03 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 22/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 14 giờ 00 phút, ngày 25/11/2026",
        "Quyển số 02, Số thứ tự 0007", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN", "(Ký và ghi rõ họ tên)",
        "Mã tra cứu: 7KQ2AB", "Lê Văn Đức",
    ):
        assert expected in text, expected


def test_every_font_in_the_pdf_is_embedded_tinos(receipt):
    """A table cell or the canvas falling back to Helvetica would lose the diacritics."""
    names = font_names(receipt_pdf(receipt))
    assert names and all("+Tinos" in name for name in names), names


def test_a4_qr_code_scans_to_the_tracking_url(receipt):
    page = render_page(receipt_pdf(receipt), dpi=150)
    assert page.size == (1241, 1754)  # A4 portrait at 150 dpi
    assert scanned(page) == [URL]
    assert zxingcpp.read_barcodes(page)[0].ec_level == "Q"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.convert("L").save(SCREENSHOT, optimize=True)


def test_a5x2_prints_two_copies_side_by_side(receipt):
    pdf = receipt_pdf(receipt, paper="A5x2")
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert text.count(TITLE) == 2 and text.count(NAME) >= 2
    assert "Liên 1: Lưu" in text and "Liên 2: Giao người nộp" in text
    page = render_page(pdf, dpi=200)
    assert page.width > page.height  # landscape A4
    assert scanned(page) == [URL, URL]


def test_a5_copies_shrink_to_stay_on_one_sheet_while_a4_runs_on(receipt):
    documents = tuple(ReceivedDocument(f"Giấy tờ kèm theo số {n}", "Bản sao", 1) for n in range(1, 15))
    long = replace(receipt, documents=documents)
    assert pdf_text(receipt_pdf(long))[0] == 2
    pdf = receipt_pdf(long, paper="A5x2")
    assert pdf_text(pdf)[0] == 1
    assert scanned(render_page(pdf, dpi=200)) == [URL, URL]


def test_blank_fields_leave_room_to_write_and_no_proxy_means_no_proxy_lines(receipt):
    bare = replace(receipt, proxy=None, email="", applicant_id="", documents=())
    _, text = pdf_text(receipt_pdf(bare))
    assert "Người được ủy quyền" not in text
    assert "Email: …………" in text and "Số định danh cá nhân/tổ chức: …………" in text


def test_a_json_payload_in_decomposed_unicode_prints_composed(receipt):
    payload = json.loads(json.dumps(asdict(receipt), default=str))  # what a print job would store
    payload["applicant_name"] = unicodedata.normalize("NFD", NAME)
    payload["form_no"], payload["title"] = "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    data = ReceiptData.from_dict(payload)
    assert data.received_at == receipt.received_at and data.documents == receipt.documents
    _, text = pdf_text(receipt_pdf(data))
    assert f"Ông/Bà: {NAME}" in text


def test_form_number_and_title_follow_the_rule_set(receipt):
    _, text = pdf_text(receipt_pdf(replace(receipt, form_no="01a", title="GIẤY TIẾP NHẬN HỒ SƠ")))
    assert "Mẫu số 01a" in text and TITLE not in text


def test_unknown_paper_is_refused(receipt):
    with pytest.raises(ValueError, match="A5x2"):
        receipt_pdf(receipt, paper="Letter")


@pytest.mark.parametrize("width", [384, 512, 576])
def test_slip_prints_at_dot_width_with_a_scannable_qr(receipt, width):
    slip = render_receipt_slip(receipt, width)
    assert slip.mode == "1" and slip.width == width
    for margin in ((0, 0, 4, slip.height), (width - 4, 0, width, slip.height),
                   (0, 0, width, 4), (0, slip.height - 4, width, slip.height)):
        assert slip.crop(margin).convert("L").getextrema() == (255, 255), margin  # no ink in the margin
    assert scanned(slip) == [URL]
    job = encode_raster_job(slip)
    paper = printed_page(job)
    assert paper.tobytes() == slip.tobytes()
    assert scanned(paper) == [URL]


def test_slip_qr_uses_whole_dots_per_module():
    modules = len(qr_modules(URL))
    assert modules == 45  # version 5 (37 modules) plus 4 modules of quiet zone each side
    wide, narrow = qr_image(URL, 568), qr_image(URL, 5 * modules)
    assert wide.width == 6 * modules and narrow.width == 5 * modules
    for image, dots in ((wide, 6), (narrow, 5)):
        down = image.resize((modules, modules), Image.Resampling.NEAREST)
        assert down.resize(image.size, Image.Resampling.NEAREST).tobytes() == image.tobytes(), dots
    with pytest.raises(ValueError):
        qr_image(URL, 5 * modules - 1)


def test_slip_says_what_the_applicant_needs(receipt, monkeypatch):
    lines = []
    monkeypatch.setattr("hardware.layout.Canvas.text", lambda self, text, *a, **k: lines.append(text))
    render_receipt_slip(receipt, 576)
    said = " ".join(lines)
    for expected in ("TRUNG TÂM PHỤC VỤ HÀNH", "GIẤY TIẾP NHẬN HỒ SƠ", "Mã hồ sơ: 000.00.12.H56-261122-0007",
                     NAME, PROCEDURE, "09 giờ 05 phút, ngày 22/11/2026", "14 giờ 00 phút, ngày 25/11/2026",
                     "Mã tra cứu: 7KQ2AB"):
        assert expected in said, expected
