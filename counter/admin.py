"""Site administration: details, queues, counters, kiosks, printers, priority categories."""

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError, catalogue
from domain import site_config as config
from domain.catalogue import CatalogueError, export_csv, import_csv
from domain.dossiers import parse_date
from domain.printing import queue_test_page
from domain.site import current_site, get_owned, site_counters, site_queues
from models import POINT_KINDS, CalendarOverride, Counter, Kiosk, PrintJob, PriorityCategory, Procedure, Queue
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit
from motcua.web import render
from motcua.worker import wake_print_worker

from .access import enforce_session, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(enforce_session)
admin_only = roles_required("admin")
DEVICES = {"counter": Counter, "kiosk": Kiosk}


def _page(message=None, level="info", csv_errors=()):
    site = current_site()
    context = {
        "csv_errors": [(row, column, gettext(text)) for row, column, text in csv_errors],
        "calendar": list(db.session.scalars(
            select(CalendarOverride).where(CalendarOverride.site_id == site.id)
            .order_by(CalendarOverride.day.desc()).limit(60))),
        "procedures": list(db.session.scalars(select(Procedure).where(Procedure.site_id == site.id)
                                              .order_by(Procedure.field, Procedure.code))),
        "document_cell": catalogue.document_cell,
        "site": site,
        "kinds": POINT_KINDS,
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


def _saved():
    return _page(gettext("Đã lưu."))


@bp.get("", strict_slashes=False)
@admin_only
def index():
    return _page()


@bp.post("/site")
@admin_only
def update_site():
    form = request.form
    config.update_site(current_site(), current_user, form.get("name", ""), form.get("parent_agency", ""),
                       form.get("kind", ""), form.get("address", ""), form.get("agency_code", ""))
    return _saved()


@bp.post("/queues", defaults={"queue_id": None})
@bp.post("/queues/<queue_id>")
@admin_only
def save_queue(queue_id):
    site = current_site()
    queue = get_owned(Queue, site, queue_id) if queue_id else None
    form = request.form
    config.save_queue(site, current_user, form.get("letter", ""), form.get("name", ""),
                      form.get("name_en", ""), form.get("fields", ""), queue)
    return _saved()


@bp.post("/queues/<queue_id>/toggle")
@admin_only
def toggle_queue(queue_id):
    queue = get_owned(Queue, current_site(), queue_id)
    queue.is_open = not queue.is_open
    state = gettext("mở") if queue.is_open else gettext("tạm dừng")
    return _page(gettext("Hàng đợi {letter} đã {state}.", letter=queue.letter, state=state))


@bp.post("/counters", defaults={"counter_id": None})
@bp.post("/counters/<counter_id>")
@admin_only
def save_counter(counter_id):
    site = current_site()
    counter = get_owned(Counter, site, counter_id) if counter_id else None
    config.save_counter(site, current_user, request.form.get("number", ""),
                        request.form.getlist("queue_ids"), request.form.get("printer_url", ""), counter)
    return _saved()


@bp.post("/kiosks")
@admin_only
def add_kiosk():
    form = request.form
    config.add_kiosk(current_site(), current_user, form.get("code", ""), form.get("name", ""),
                     form.get("printer_url", ""))
    return _saved()


@bp.get("/procedures.csv")
@admin_only
def export_procedures():
    """The procedure catalogue as CSV (UTF-8 with BOM); ?sep=semicolon for Excel in vi-VN."""
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    headers = {"Content-Disposition": 'attachment; filename="danh-muc-thu-tuc.csv"'}
    return Response(export_csv(current_site(), delimiter=delimiter), mimetype="text/csv", headers=headers)


@bp.post("/procedures")
@admin_only
def save_procedure():
    """Add or edit one procedure (checked like a CSV row; errors listed the same way)."""
    try:
        procedure = catalogue.save_procedure(current_site(), current_user, request.form)
    except CatalogueError as exc:
        return _page(gettext(exc.message, **exc.params), "error", csv_errors=exc.errors), 422
    return _page(gettext("Đã lưu thủ tục {code}.", code=procedure.code))


@bp.post("/procedures/import")
@admin_only
def import_procedures():
    """All or nothing: every row is checked first, and every error is listed at once."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError("Hãy chọn tệp cần tải lên.")
    try:
        report = import_csv(current_site(), current_user, upload.read())
    except CatalogueError as exc:
        return _page(gettext(exc.message, **exc.params), "error", csv_errors=exc.errors), 422
    return _page(gettext("Đã nhập danh mục: {created} thủ tục mới, {updated} thủ tục được cập nhật, "
                         "{unchanged} không đổi.", created=report.created, updated=report.updated,
                         unchanged=report.unchanged))


@bp.post("/calendar")
@admin_only
def set_calendar_day():
    """An announced working Saturday or extra day off, on top of the statutory holidays."""
    form = request.form
    config.set_calendar_day(current_site(), current_user, parse_date(form.get("day")),
                            form.get("working") == "1", form.get("note", ""))
    return _saved()


@bp.post("/calendar/<override_id>/delete")
@admin_only
def remove_calendar_day(override_id):
    site = current_site()
    config.remove_calendar_day(site, current_user, get_owned(CalendarOverride, site, override_id))
    return _saved()


@bp.post("/categories/<category_id>/toggle")
@admin_only
def toggle_category(category_id):
    category = get_owned(PriorityCategory, current_site(), category_id)
    category.active = not category.active
    return _page(gettext("Đã cập nhật diện ưu tiên."))


@bp.post("/printers/<kind>/<device_id>/test")
@admin_only
def test_printer(kind, device_id):
    """Print a test page on the device's printer (preview:// shows it under Recent print jobs)."""
    if kind not in DEVICES:
        raise DomainError("Loại thiết bị không hợp lệ.")
    site = current_site()
    device = get_owned(DEVICES[kind], site, device_id)
    name = f"Quầy {device.number}" if kind == "counter" else f"Kiosk {device.code}"
    queue_test_page(site, device.printer_url, name)
    app = current_app._get_current_object()
    after_commit(lambda: wake_print_worker(app))
    return _page(gettext("Đã gửi trang in thử tới {name}.", name=name))


@bp.post("/printers/<kind>/<device_id>")
@admin_only
def set_printer(kind, device_id):
    """Set the printer URL of a counter or kiosk (checked before it is saved)."""
    if kind not in DEVICES:
        raise DomainError("Loại thiết bị không hợp lệ.")
    site = current_site()
    config.set_printer(site, current_user, get_owned(DEVICES[kind], site, device_id),
                       request.form.get("printer_url", ""))
    return _page(gettext("Đã lưu máy in."))
