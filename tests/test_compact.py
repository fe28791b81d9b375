"""Printer profiles and compact jobs: printer text and QR where ASCII allows, raster for Vietnamese."""

from datetime import datetime

import pytest
import zxingcpp
from PIL import Image, ImageOps

from hardware.compact import CompactJob, compact_receipt_slip, compact_ticket
from hardware.escpos_job import encode_raster_job
from hardware.forms import ReceiptData
from hardware.layout import line_bitmap
from hardware.printers import PrinterError
from hardware.profiles import resolve
from hardware.ticket import render_ticket

from .support.escpos_decode import decode, native_text, placed_bands, printed_page

URL = "HTTP://127.0.0.1:5000/T/000.00.12.H56-261122-0007?K=7KQ2AB"
TICKET = {
    "parent_agency": "Ủy ban nhân dân xã Tân Cương",
    "site_name": "Trung tâm Phục vụ hành chính công xã Tân Cương",
    "queue_name": "Cư trú và lĩnh vực khác",
    "code": "D128",
    "priority": "Người cao tuổi",
    "ahead": 12,
    "wait_minutes": 45,
    "issued_at": "16:59 31/12/2026",
}
LONG = dict(
    TICKET,
    site_name="Bộ phận Tiếp nhận và Trả kết quả giải quyết thủ tục hành chính Ủy ban nhân "
    "dân phường Nguyễn Trung Trực – Điểm tiếp nhận số 2",
    queue_name="Cư trú, Bảo trợ xã hội, Người có công, Hộ kinh doanh, Nông nghiệp – môi trường",
    code="D1200",
    priority="Người khuyết tật nặng và đặc biệt nặng",
    reprint="17:02 31/12/2026",
)
PROFILES = ["TM-T20II", "TM-T88V", "POS-5890"]


def receipt(**changes) -> ReceiptData:
    fields = dict(
        parent_agency="Ủy ban nhân dân xã Tân Cương",
        unit_name="Trung tâm Phục vụ hành chính công xã Tân Cương",
        place="Tân Cương",
        number="0007/GTN",
        dossier_code="000.00.12.H56-261122-0007",
        applicant_name="Nguyễn Thị Hồng Nhung",
        procedure="Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        received_at=datetime(2026, 11, 22, 9, 5),
        due_at=datetime(2026, 11, 25, 14, 0),
        tracking_url=URL,
        check="7KQ2AB",
        return_place="Quầy số 3, Trung tâm Phục vụ hành chính công xã Tân Cương",
    )
    return ReceiptData(**(fields | changes))


def ink_box(image: Image.Image):
    return ImageOps.invert(image.convert("L")).getbbox()


def inked(image: Image.Image) -> tuple:
    """The image cut to its ink, as something to compare."""
    ink = image.crop(ink_box(image))
    return ink.size, ink.tobytes()


def scanned(data: bytes, width: int) -> list[str]:
    """QR codes read back from the raster bands (with a quiet zone added around each)."""
    found = [
        zxingcpp.read_barcodes(ImageOps.expand(strip, 24, 1).convert("L"))
        for strip in placed_bands(data, width)
    ]
    return [code.text for codes in found for code in codes]


def assert_unclipped(data: bytes, width: int) -> None:
    """Every band fits the paper and leaves its outer 4 dots white, wherever ESC a puts it."""
    bands = [item.image for item in decode(data) if item.kind == "raster"]
    assert bands and all(band.width <= width for band in bands)
    for strip in placed_bands(data, width):
        left, _, right, _ = ink_box(strip)
        assert left >= 4 and right <= width - 4


@pytest.mark.parametrize(
    ("name", "width", "native_qr"),
    [
        ("TM-T88V", 512, True),
        ("TM-T88II", 512, True),
        ("TM-T20II", 576, True),
        ("POS-5890", 384, False),
        ("NT-5890K", 384, False),
        ("ZJ-5870", 384, False),
        ("pos-5890", 384, False),
    ],
)
def test_profiles_give_the_printers_own_dot_width(name, width, native_qr):
    profile = resolve(name, None)
    assert (profile.dot_width, profile.native_qr, profile.note) == (width, native_qr, "")


def test_a_profile_without_a_width_takes_the_given_one_or_576():
    assert resolve("default", 384).dot_width == 384
    unknown = resolve(None, None)
    assert unknown.name == "default" and unknown.dot_width == 576 and "576" in unknown.note
    wrong = resolve("TM-T88V", 576)  # a 576-dot image is refused by a TM-T88
    assert wrong.dot_width == 512 and "dùng 512" in wrong.note


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("TM-XYZ", "Không có hồ sơ máy in “TM-XYZ”"),
        ("AF-240", "không in được chữ tiếng Việt"),  # a customer display
    ],
)
def test_profiles_that_cannot_print_are_refused_in_vietnamese(name, problem):
    with pytest.raises(PrinterError) as error:
        resolve(name, None)
    assert problem in str(error.value)


def test_compact_80mm_ticket_is_under_8_kb_with_its_number_as_printer_text():
    data = compact_ticket(TICKET, resolve("TM-T20II", None))
    assert len(data) <= 8 * 1024
    assert len(data) < len(encode_raster_job(render_ticket(TICKET, 576))) / 4
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1bd\x06\x1dV\x01")  # feed, partial cut
    number = next(item for item in decode(data) if item.text == "D128")
    assert number.bold and number.magnify == (6, 6) and number.align == "center"
    assert "16:59 31/12/2026" in native_text(data)


@pytest.mark.parametrize("name", PROFILES)
def test_vietnamese_lines_are_raster_bands_that_fit_the_paper(name):
    profile = resolve(name, None)
    data = compact_ticket(TICKET, profile)
    assert_unclipped(data, profile.dot_width)
    assert all(line.isascii() for line in native_text(data))
    printed = {inked(strip) for strip in placed_bands(data, profile.dot_width)}
    px = CompactJob(profile).px
    for text, size, face in (("PHIẾU SỐ THỨ TỰ", 22, "bold"), (TICKET["queue_name"], 24, "regular")):
        assert inked(line_bitmap(text, face, px(size))) in printed, text  # the same pixels as layout draws


@pytest.mark.parametrize("name", PROFILES)
def test_long_names_wrap_inside_the_paper_at_every_width(name):
    profile = resolve(name, None)
    data = compact_ticket(LONG, profile)
    assert_unclipped(data, profile.dot_width)
    number = next(item for item in decode(data) if item.text == "D1200")
    assert 12 * number.magnify[0] * len("D1200") <= profile.dot_width
    assert "17:02 31/12/2026" in native_text(data)


def test_printer_draws_the_qr_code_where_it_can_and_gets_a_raster_where_it_cannot():
    ticket = dict(TICKET, tracking_url=URL)
    native = [
        item.qr for item in decode(compact_ticket(ticket, resolve("TM-T20II", None))) if item.kind == "qr"
    ]
    assert native == [{"data": URL, "dots": 6, "ec": "Q"}]
    clone = compact_ticket(ticket, resolve("POS-5890", None))
    assert b"\x1d(k" not in clone and not any(item.kind == "qr" for item in decode(clone))
    assert not any(item.kind == "cut" for item in decode(clone))  # no cutter on these clones: tear off
    assert scanned(clone, 384) == [URL]


def test_ascii_with_control_bytes_never_reaches_the_printer_as_commands():
    data = compact_ticket(dict(TICKET, queue_name="A\x1dV\x00 B"), resolve("TM-T20II", None))
    assert [item.kind for item in decode(data)].count("cut") == 1


def test_ascii_site_names_print_in_printer_font_wrapped_to_the_paper():
    name = "UBND XA TAN CUONG - DIEM TIEP NHAN SO 2 - BO PHAN MOT CUA LIEN THONG"
    lines = native_text(compact_ticket(dict(TICKET, site_name=name), resolve("POS-5890", None)))
    site = [line for line in lines if line and line in name]
    assert " ".join(site) == name and all(len(line) <= 32 for line in site)


@pytest.mark.parametrize("name", PROFILES)
def test_compact_receipt_slip_prints_codes_as_text_and_vietnamese_as_raster(name):
    profile = resolve(name, None)
    slip = receipt()
    data = compact_receipt_slip(slip, profile)
    assert_unclipped(data, profile.dot_width)
    lines = native_text(data)
    assert {slip.dossier_code, slip.check, "14:00, 25/11/2026", "09:05, 22/11/2026"} <= set(lines)
    qr = [item.qr["data"] for item in decode(data) if item.kind == "qr"]
    assert qr == ([URL] if profile.native_qr else [])
    assert scanned(data, profile.dot_width) == ([] if profile.native_qr else [URL])
    assert len(data) < 20 * 1024


def test_decoder_reads_raster_jobs_too():
    image = render_ticket(TICKET, 576)
    data = encode_raster_job(image)
    assert [item.kind for item in decode(data)] == ["raster", "cut"]
    assert printed_page(data).tobytes() == image.tobytes()
