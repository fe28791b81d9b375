"""The queue ticket as printed: big number, queue, place, time, people ahead."""

from PIL import Image

from .layout import Canvas


def render_ticket(ticket: dict, width: int = 576) -> Image.Image:
    """Lay out a ticket payload (see domain.printing.ticket_payload) at `width` dots."""
    page = Canvas(width)
    if ticket.get("parent_agency"):
        page.text(ticket["parent_agency"].upper(), 20)
    page.text(ticket["site_name"], 24, bold=True)
    page.rule()
    page.text("PHIẾU SỐ THỨ TỰ", 24, bold=True, gap=0.1)
    page.text(ticket["queue_name"], 24)
    page.text(ticket["code"], 150, bold=True, gap=0.1)
    if ticket.get("priority"):
        page.text(f"Ưu tiên: {ticket['priority']}", 24, bold=True)
    page.text(f"Số người đang chờ trước bạn: {ticket['ahead']}", 24, align="left", gap=0.2)
    page.text(f"Thời gian chờ dự kiến: khoảng {ticket['wait_minutes']} phút", 24, align="left",
              gap=0.2)
    page.text(f"Lấy số lúc: {ticket['issued_at']}", 24, align="left")
    page.rule()
    page.text("Vui lòng theo dõi màn hình và loa gọi số. Xin cảm ơn!", 20)
    if ticket.get("reprint"):
        page.text(f"(IN LẠI {ticket['reprint']})", 20, bold=True)
    return page.render()
