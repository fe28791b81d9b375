"""Compact ESC/POS jobs for slow links (9,600-baud serial): raster only where Vietnamese needs it.

A ticket sent as one image is 20–40 KB, 20–45 s at 9,600 baud. Here ASCII lines (the ticket
number, times, codes) are printer text, magnified with `GS !`; the QR code is drawn by the
printer (`GS ( k`) when the profile says it can; each Vietnamese line is a raster band cropped
to its ink and centred by `ESC a`, and the white rows between lines are sent as 1-byte-wide
blank bands. Spacing follows `layout.Canvas`, so the paper reads like the raster ticket.
"""

import textwrap
import unicodedata
from collections.abc import Mapping

from escpos.constants import HW_INIT, PAPER_FULL_CUT, PAPER_PART_CUT, TXT_STYLE
from PIL import Image, ImageOps

from .escpos_job import FEED_BEFORE_CUT, raster_bands
from .forms import ReceiptData, local, qr_modules
from .layout import line_bitmap, wrap
from .profiles import Profile
from .receipt_slip import heading, qr_image

PAD = 4  # white dots before the ink of a left-aligned band: nothing touches the paper's edge
CELL = 12, 24  # font A, in dots, at every magnification step
QR_QUIET = 4  # modules of white above and below a QR code (beside it the paper is blank)


def _gs_k(fn: int, data: bytes = b"", m: bytes = b"") -> bytes:
    """One `GS ( k` QR function (cn 49): length, function, optional m, data."""
    return b"\x1d(k" + (len(data) + len(m) + 2).to_bytes(2, "little") + b"1" + bytes([fn]) + m + data


class CompactJob:
    """Build one job line by line, with the `Canvas` interface (`text`, `rule`, `space`, `px`)."""

    def __init__(self, profile: Profile, margin: int = 8):
        self.profile = profile
        self.width = profile.dot_width or 576
        self.margin = margin
        self.out = bytearray(HW_INIT)
        self.blank_rows = 0  # white rows owed before the next thing printed
        self.style = ("left", False, 1)  # as ESC @ leaves it: align, bold, magnification

    def px(self, size: float) -> int:
        return max(10, round(size * self.width / 576))

    def space(self, pixels: float) -> None:
        self.blank_rows += round(pixels * self.width / 576)

    def text(self, text: str, size: float, bold=False, align="center", gap=0.35) -> None:
        """A paragraph: printer font if it is ASCII, otherwise wrapped raster lines."""
        text = unicodedata.normalize("NFC", text)
        px = self.px(size)
        if text.isascii() and text.isprintable():  # no control bytes reach the printer
            self.native(text, max(1, round(px / CELL[1])), bold, align)
            return
        face = "bold" if bold else "regular"
        for line in wrap(text, face, px, self.width - 2 * self.margin):
            self.band(line_bitmap(line, face, px), align)
        self.blank_rows += round(px * gap)

    def native(self, text: str, magnify: int = 1, bold=False, align="center") -> None:
        """ASCII in font A, `magnify` times (shrunk until the longest word fits the paper)."""
        room = self.width // CELL[0]
        longest = max((len(word) for word in text.split()), default=1)
        magnify = max(1, min(magnify, 8, room // longest))
        self._flush(align, bold, magnify)
        for line in textwrap.wrap(text, room // magnify) or [""]:
            self.out += line.encode("ascii") + b"\n"

    def band(self, image: Image.Image, align="center") -> None:
        """A 1-bit image cut to its ink, with its white rows sent as blank feed."""
        box = ImageOps.invert(image.convert("L")).getbbox()
        if box is None:
            self.blank_rows += image.height
            return
        left, top, right, bottom = box
        self.blank_rows += top
        pad = PAD if align == "left" else 0  # a centred band has blank paper either side
        width = min(self.width, -(-(right - left + pad) // 8) * 8)  # whole bytes
        ink = image.crop((left, top, right, bottom))
        strip = Image.new("1", (width, bottom - top), 1)
        strip.paste(ink, (pad if pad else (width - ink.width) // 2, 0))
        self._flush(align)
        self.out += raster_bands(strip)
        self.blank_rows = image.height - bottom

    def rule(self) -> None:
        """A row of dashes in printer font: 50 bytes where a solid raster rule costs three times that."""
        self.native("-" * (self.width // CELL[0]), align="left")

    def qr(self, payload: str) -> None:
        """The QR code, EC level Q, by the printer when it can, else as a raster at 5 dots a module."""
        modules = len(qr_modules(payload))
        if not self.profile.native_qr:
            self.band(qr_image(payload, 5 * modules))
            return
        dots = 6 if modules * 6 <= self.width - 2 * self.margin else 5
        self.blank_rows += QR_QUIET * dots
        self._flush("center")
        self.out += _gs_k(65, b"2\x00") + _gs_k(67, bytes([dots])) + _gs_k(69, b"2")  # model 2, size, Q
        self.out += _gs_k(80, payload.encode("utf-8"), b"0") + _gs_k(81, m=b"0")
        self.blank_rows = QR_QUIET * dots

    def finish(self) -> bytes:
        """Feed past the cutter and cut: partly if the printer can, fully if not, not at all without one."""
        cut = PAPER_PART_CUT if self.profile.partial_cut else PAPER_FULL_CUT if self.profile.full_cut else b""
        return bytes(self.out + FEED_BEFORE_CUT + cut)

    def _flush(self, align: str, bold: bool | None = None, magnify: int | None = None) -> None:
        """Send the white rows owed, then the style commands that change (None keeps the current)."""
        if self.blank_rows > 0:  # GS v 0, one byte wide: exact in dots on every printer, unlike ESC J
            self.out += b"\x1dv0\x00\x01\x00" + self.blank_rows.to_bytes(2, "little") + bytes(self.blank_rows)
        self.blank_rows = 0
        _, current_bold, current_magnify = self.style
        wanted = (
            align,
            current_bold if bold is None else bold,
            current_magnify if magnify is None else magnify,
        )
        commands = (
            TXT_STYLE["align"][wanted[0]],
            TXT_STYLE["bold"][wanted[1]],
            b"\x1d!" + bytes([(wanted[2] - 1) * 17]),
        )
        self.out += b"".join(
            command for command, old, new in zip(commands, self.style, wanted, strict=True) if old != new
        )
        self.style = wanted


def compact_ticket(ticket: dict, profile: Profile) -> bytes:
    """The queue ticket of `render_ticket` for a slow link: the number and time as printer text."""
    job = CompactJob(profile)
    if ticket.get("parent_agency"):
        job.text(ticket["parent_agency"].upper(), 18)
    job.text(ticket["site_name"], 20, bold=True)
    job.rule()
    job.text("PHIẾU SỐ THỨ TỰ", 22, bold=True, gap=0.1)
    job.text(ticket["queue_name"], 24, gap=0.1)
    job.text(ticket["code"], 150, bold=True)
    job.text(ticket["issued_at"], 24)  # "Lấy số lúc": a time under the number needs no label
    job.space(8)
    if ticket.get("priority"):
        job.text(f"Ưu tiên: {ticket['priority']}", 22, bold=True)
    job.text(f"Số người đang chờ trước bạn: {ticket['ahead']}", 22, align="left", gap=0.2)
    job.text(f"Thời gian chờ dự kiến: khoảng {ticket['wait_minutes']} phút", 22, align="left")
    if ticket.get("tracking_url"):
        job.qr(ticket["tracking_url"])
    # No "Vui lòng theo dõi màn hình…" footer: 1.1 KB of raster for what the screen already says.
    if ticket.get("reprint"):
        job.rule()
        job.text("IN LẠI", 20, bold=True, gap=0)
        job.text(ticket["reprint"], 20, bold=True)
    return job.finish()


def compact_receipt_slip(data: ReceiptData | Mapping, profile: Profile) -> bytes:
    """Mẫu 01 on thermal paper for a slow link: labels as raster, codes and times as printer text."""
    if isinstance(data, Mapping):
        data = ReceiptData.from_dict(data)
    job = CompactJob(profile)
    if data.parent_agency:
        heading(job, data.parent_agency.upper(), 18)
    heading(job, data.unit_name.upper(), 20, bold=True)
    job.rule()
    heading(job, data.title, 22, bold=True)
    field(job, "Mã hồ sơ:", data.dossier_code, bold=True)
    job.text(f"{data.applicant_title}: {data.applicant_name}", 22, align="left", gap=0.2)
    job.text(f"Thủ tục: {data.procedure}", 22, align="left", gap=0.2)
    field(job, "Nhận hồ sơ:", f"{local(data.received_at):%H:%M, %d/%m/%Y}")
    field(job, "Hẹn trả kết quả:", f"{local(data.due_at):%H:%M, %d/%m/%Y}", bold=True)
    if data.return_place:
        job.text(f"Nhận kết quả tại: {data.return_place}", 22, align="left")
    job.rule()
    job.qr(data.tracking_url)
    field(job, "Mã tra cứu:", data.check, bold=True, align="center")
    job.text("Quét mã QR để tra cứu tình trạng hồ sơ. Mang theo giấy này khi đến nhận kết quả.", 18)
    return job.finish()


def field(job: CompactJob, label: str, value: str, bold=False, align="left") -> None:
    """A Vietnamese label as raster with its ASCII value under it as printer text."""
    job.text(label, 22, align=align, gap=0)
    job.text(value, 24, bold=bold, align=align, gap=0.2)
