"""Site administration: queues open or closed, printers per device, priority categories."""

from flask import Blueprint, request
from sqlalchemy import select

from domain import DomainError
from domain.site import current_site, get_owned, site_counters, site_queues
from hardware.printers import PrinterError, parse_printer_url
from models import Kiosk, PrintJob, PriorityCategory, Queue
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.web import render

from .access import enforce_session, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(enforce_session)
admin_only = roles_required("admin")
EDITABLE = {"counter": "counters", "kiosk": "kiosks"}


def _page(message=None, level="info"):
    site = current_site()
    context = {
        "site": site,
        "queues": site_queues(site),
        "counters": site_counters(site),
        "kiosks": list(db.session.scalars(select(Kiosk).where(Kiosk.site_id == site.id)
                                          .order_by(Kiosk.code))),
        "categories": list(db.session.scalars(
            select(PriorityCategory).where(PriorityCategory.site_id == site.id)
            .order_by(PriorityCategory.sort_order))),
        "jobs": list(db.session.scalars(select(PrintJob).where(PrintJob.site_id == site.id)
                                        .order_by(PrintJob.id.desc()).limit(30))),
        "message": message,
        "level": level,
    }
    return render("admin/index.html", "admin/partials/_settings.html", **context)


@bp.get("", strict_slashes=False)
@admin_only
def index():
    return _page()


@bp.post("/queues/<queue_id>/toggle")
@admin_only
def toggle_queue(queue_id):
    queue = get_owned(Queue, current_site(), queue_id)
    queue.is_open = not queue.is_open
    state = gettext("mở") if queue.is_open else gettext("tạm dừng")
    return _page(gettext("Hàng đợi {letter} đã {state}.", letter=queue.letter, state=state))


@bp.post("/categories/<category_id>/toggle")
@admin_only
def toggle_category(category_id):
    category = get_owned(PriorityCategory, current_site(), category_id)
    category.active = not category.active
    return _page(gettext("Đã cập nhật diện ưu tiên."))


@bp.post("/printers/<kind>/<device_id>")
@admin_only
def set_printer(kind, device_id):
    """Set the printer URL of a counter or kiosk (checked before it is saved)."""
    from models import Counter

    model = {"counter": Counter, "kiosk": Kiosk}.get(kind)
    if model is None:
        raise DomainError("Loại thiết bị không hợp lệ.")
    device = get_owned(model, current_site(), device_id)
    url = request.form.get("printer_url", "").strip()
    if url:
        try:
            parse_printer_url(url)
        except PrinterError as exc:
            raise DomainError(exc.message, **exc.params) from None
    device.printer_url = url
    return _page(gettext("Đã lưu máy in."))
