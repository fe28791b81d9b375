"""Short thermal slips besides the receipt: Mẫu 02 (papers to add) and the result-return slip."""

from PIL import Image

from .layout import Canvas
from .receipt_slip import heading, qr_image, stack


def _head(payload: dict, width: int, title: str) -> Canvas:
    page = Canvas(width)
    if payload.get("parent_agency"):
        heading(page, payload["parent_agency"].upper(), 20)
    heading(page, payload["unit_name"].upper(), 22, bold=True)
    page.rule()
    heading(page, title, 24, bold=True)
    if payload.get("dossier_code"):
        page.text(f"Mã hồ sơ: {payload['dossier_code']}", 22, bold=True)
    page.text(f"Ông/Bà: {payload['applicant_name']}", 22, align="left", gap=0.2)
    page.text(f"Thủ tục: {payload['procedure']}", 22, align="left", gap=0.2)
    return page


def _with_qr(page: Canvas, payload: dict, width: int, note: str) -> Image.Image:
    parts = [page.render()]
    if payload.get("tracking_url"):
        parts.append(qr_image(payload["tracking_url"], width - 2 * page.margin))
        foot = Canvas(width)
        foot.text(f"Mã tra cứu: {payload['check']}", 24, bold=True)
        foot.text(note, 20)
        parts.append(foot.render())
    return stack(parts, width)


def render_supplement_slip(payload: dict, width: int = 576) -> Image.Image:
    """Mẫu 02 on thermal paper: everything missing, listed at once (Decree 61 Art. 15(3))."""
    page = _head(payload, width, payload.get("title") or "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    page.text("Đề nghị bổ sung, hoàn thiện các giấy tờ sau:", 22, bold=True, align="left", gap=0.2)
    for number, item in enumerate(payload["items"], start=1):
        page.text(f"{number}. {item}", 22, align="left", gap=0.15)
    if payload.get("reason"):
        page.text(f"Lý do: {payload['reason']}", 22, align="left", gap=0.2)
    page.text(f"Người hướng dẫn: {payload.get('officer', '')}", 20, align="left", gap=0.2)
    page.text(payload.get("date_line", ""), 20, align="left")
    page.rule(gap=0)
    return _with_qr(page, payload, width, "Quét mã QR để theo dõi hồ sơ sau khi bổ sung.")


def render_return_slip(payload: dict, width: int = 576) -> Image.Image:
    """The result handed back: when, to whom, and whether on time."""
    page = _head(payload, width, "PHIẾU TRẢ KẾT QUẢ")
    page.text(f"Trả kết quả lúc: {payload['returned_at']}", 22, align="left", gap=0.2)
    page.text(f"Hẹn trả: {payload['due_at']} — {payload['timeliness']}", 22, align="left", gap=0.2)
    page.text(f"Người nhận: {payload['collected_by']}", 22, align="left", gap=0.2)
    page.text(f"Cán bộ trả: {payload.get('officer', '')}", 20, align="left")
    page.rule(gap=0)
    note = "Cảm ơn Ông/Bà. Quét mã QR để xem lại quá trình giải quyết hồ sơ."
    return _with_qr(page, payload, width, note)
