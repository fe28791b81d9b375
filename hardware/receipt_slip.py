"""Mẫu 01 on thermal paper: the intake receipt as a 1-bit slip with the tracking QR code.

Text is laid out by `Canvas`, like the queue ticket; the QR code is drawn apart at a whole
number of dots per module (no resampling, so every module prints as sharp squares) and the
pieces are stacked into one image at the printer's dot width.
"""

from collections.abc import Mapping

from PIL import Image

from .forms import ReceiptData, hour_minute_date, qr_modules
from .layout import Canvas, text_length


def render_receipt_slip(data: ReceiptData, width: int = 576) -> Image.Image:
    """Lay out the receipt at `width` dots (384, 512 or 576) as a mode "1" image."""
    if isinstance(data, Mapping):
        data = ReceiptData.from_dict(data)
    head = Canvas(width)
    if data.parent_agency:
        heading(head, data.parent_agency.upper(), 20)
    heading(head, data.unit_name.upper(), 22, bold=True)
    head.rule()
    heading(head, data.title, 24, bold=True)
    head.text(f"Mã hồ sơ: {data.dossier_code}", 22, bold=True)
    head.text(f"{data.applicant_title}: {data.applicant_name}", 22, align="left", gap=0.2)
    head.text(f"Thủ tục: {data.procedure}", 22, align="left", gap=0.2)
    head.text(f"Nhận hồ sơ: {hour_minute_date(data.received_at)}", 22, align="left", gap=0.2)
    head.text("Hẹn trả kết quả:", 22, align="left", gap=0)
    head.text(hour_minute_date(data.due_at), 24, bold=True, align="left", gap=0.2)
    if data.return_place:
        head.text(f"Nhận kết quả tại: {data.return_place}", 22, align="left")
    head.rule(gap=0)
    foot = Canvas(width)
    foot.text(f"Mã tra cứu: {data.check}", 26, bold=True)
    foot.text("Quét mã QR để tra cứu tình trạng hồ sơ. Mang theo giấy này khi đến nhận kết quả.", 20)
    code = qr_image(data.tracking_url, width - 2 * head.margin)
    return stack([head.render(), code, foot.render()], width)


def heading(page: Canvas, text: str, size: float, bold=False) -> None:
    """A centred heading; one too long for a line is broken where its two halves are most even."""
    face, room = ("bold" if bold else "regular"), page.width - 2 * page.margin
    words = text.split()
    if text_length(text, face, page.px(size)) <= room or len(words) < 3:
        page.text(text, size, bold=bold)
        return
    halves = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    widths = [[text_length(half, face, page.px(size)) for half in pair] for pair in halves]
    best = min(range(len(halves)), key=lambda i: max(widths[i]))
    for line in halves[best]:
        page.text(line, size, bold=bold, gap=0)
    page.space(size * 0.35)


def qr_image(payload: str, room: int) -> Image.Image:
    """The QR code (quiet zone included) at 6 dots per module, or 5 where 6 would not fit."""
    modules = qr_modules(payload)
    size = len(modules)
    dots = 6 if size * 6 <= room else 5  # fewer than 5 dots per module scans badly on thermal paper
    if size * dots > room:
        raise ValueError(f"a QR code of {size} modules does not fit in {room} dots")
    symbol = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in modules for dark in row))
    scaled = symbol.resize((size * dots, size * dots), Image.Resampling.NEAREST)  # whole dots, no blur
    return scaled.convert("1", dither=Image.Dither.NONE)


def stack(parts: list[Image.Image], width: int) -> Image.Image:
    """Put the parts one under another, each centred, on white paper `width` dots wide."""
    slip = Image.new("1", (width, sum(part.height for part in parts)), 1)
    top = 0
    for part in parts:
        slip.paste(part, ((width - part.width) // 2, top))
        top += part.height
    return slip
