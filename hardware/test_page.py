"""A printer test page: Vietnamese letters, the dot width, a QR code — what a technician checks."""

import segno
from PIL import Image

from .layout import Canvas

SAMPLE = ("Ắ Ằ Ẳ Ẵ Ặ Ấ Ầ Ẩ Ẫ Ậ Đ É È Ẻ Ẽ Ẹ Ế Ề Ể Ễ Ệ Í Ì Ỉ Ĩ Ị Ó Ò Ỏ Õ Ọ Ố Ồ Ổ Ỗ Ộ Ớ Ờ Ở Ỡ Ợ "
          "Ú Ù Ủ Ũ Ụ Ứ Ừ Ử Ữ Ự Ý Ỳ Ỷ Ỹ Ỵ — Cộng hòa xã hội chủ nghĩa Việt Nam")


def render_test_page(payload: dict, width: int = 576) -> Image.Image:
    """The page: title, device, every toned capital, a full-width ruler and a scannable QR."""
    page = Canvas(width)
    page.text("TRANG IN THỬ", 30, bold=True)
    page.text(payload.get("device", ""), 22)
    page.text(f"Độ rộng: {width} điểm · {payload.get('printed_at', '')}", 20)
    page.rule(thickness=4)
    page.text(SAMPLE, 22, align="left")
    page.rule(thickness=2)
    body = page.render()
    qr = segno.make_qr(payload.get("qr", "MOTCUA-TEST"), error="m")
    matrix = qr.matrix
    scale = 5
    side = (len(matrix) + 8) * scale
    code = Image.new("1", (side, side), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                code.paste(0, ((x + 4) * scale, (y + 4) * scale, (x + 5) * scale, (y + 5) * scale))
    out = Image.new("1", (width, body.height + side + 8), 1)
    out.paste(body, (0, 0))
    out.paste(code, ((width - side) // 2, body.height))
    ruler = Image.new("1", (width, 8), 0)  # a solid bar edge to edge: nothing may be cut off
    out.paste(ruler, (0, out.height - 8))
    return out
