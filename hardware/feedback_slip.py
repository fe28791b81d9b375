"""The PAKN receipt on thermal paper: "PHIẾU TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ" with its tracking QR code.

Laid out like the dossier slips (hardware.receipt_slip): Vietnamese text drawn by `Canvas`, the QR
code (EC level Q, 6 dots a module where it fits, its 4-module quiet zone) drawn apart at whole dots.
No personal data: a PAKN asks for none; the code and the check are how the citizen follows it.
The payload is domain.feedback.slip_payload, frozen when the PAKN is received.
"""

from PIL import Image

from .layout import Canvas
from .receipt_slip import heading, qr_image, stack

TITLE = "PHIẾU TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ"


def render_feedback_slip(payload: dict, width: int = 576) -> Image.Image:
    """Lay out the receipt at `width` dots (384 for 58 mm paper, 576 for 80 mm) as a mode "1" image."""
    head = Canvas(width)
    if payload.get("parent_agency"):
        heading(head, payload["parent_agency"].upper(), 20)
    heading(head, payload["unit_name"].upper(), 22, bold=True)
    head.rule()
    heading(head, TITLE, 24, bold=True)
    head.text(f"Mã số: {payload['code']}", 22, bold=True)
    head.text(f"Loại: {payload['kind']}", 22, align="left", gap=0.2)
    head.text(f"Nội dung: {payload['topic']}", 22, align="left", gap=0.2)
    head.text(f"Tiếp nhận: {payload['received_at']}", 22, align="left", gap=0.2)
    head.text("Hạn trả lời:", 22, align="left", gap=0)
    head.text(payload["due_at"], 24, bold=True, align="left", gap=0.2)
    head.text(f"Nếu không thuộc thẩm quyền, được thông báo trước ngày {payload['reject_by']}.", 20,
              align="left", gap=0.2)
    head.rule(gap=0)
    foot = Canvas(width)
    foot.text(f"Mã tra cứu: {payload['check']}", 26, bold=True)
    foot.text(f"Quét mã QR hoặc tra cứu tại {payload['tracking_host']} để xem kết quả trả lời.", 20)
    foot.text("Phiếu không ghi thông tin cá nhân. Hãy giữ phiếu này.", 18)
    code = qr_image(payload["tracking_url"], width - 2 * head.margin)
    return stack([head.render(), code, foot.render()], width)
