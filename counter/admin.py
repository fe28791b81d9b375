"""Site administration: details, queues, counters, kiosks, printers, priority categories."""

from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError, NotFound, catalogue
from domain import site_config as config
from domain import validation as check
from domain.apply import flagged_events
from domain.catalogue import CatalogueError, export_csv, import_csv
from domain.clock import confirm_clock, guard_clock, utcnow, wall_ms
from domain.collation import vi
from domain.printing import queue_test_page
from domain.site import current_site, get_owned, site_counters, site_queues
from hardware.printers import PrinterError, parse_printer_url
from models import (
    POINT_KINDS,
    CalendarOverride,
    ClockState,
    Counter,
    Kiosk,
    PrintJob,
    PriorityCategory,
    Procedure,
    Queue,
    ReceptionPoint,
)
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit
from motcua.web import render
from motcua.worker import wake_print_lines
from sync import site as sync_site

from .access import enforce_session, roles_required
from .views import sync_badge

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(enforce_session)
admin_only = roles_required("admin")
DEVICES = {"counter": Counter, "kiosk": Kiosk}
# Each form field: (label, the most its column holds). Refused, never cut, when longer.
FIELDS = {
    "name": ("Tên", check.column_length(ReceptionPoint.name)),
    "parent_agency": ("Cơ quan chủ quản", check.column_length(ReceptionPoint.parent_agency)),
    "address": ("Địa chỉ", check.column_length(ReceptionPoint.address)),
    "agency_code": ("Mã định danh", check.column_length(ReceptionPoint.agency_code)),
    "kind": ("Loại điểm tiếp nhận", check.column_length(ReceptionPoint.kind)),
    "letter": ("Chữ cái của hàng đợi", 1),
    "name_en": ("Tên tiếng Anh", check.column_length(Queue.name_en)),
    "fields": ("Lĩnh vực", 1000),
    "number": ("Số quầy", 3),
    "code": ("Mã kiosk", check.column_length(Kiosk.code)),
    "printer_url": ("Địa chỉ máy in", check.column_length(Counter.printer_url)),
    "day": ("Ngày", 10),
    "working": ("Làm việc", 1),
    "note": ("Ghi chú", check.column_length(CalendarOverride.note)),
}
CALENDAR_RANGE = {"earliest": date(2000, 1, 1), "latest": check.LATEST_DAY}


def _form(*names: str, limits: dict | None = None) -> dict:
    """The named fields of the request, each checked as text that fits its column."""
    limits = limits or {}
    form = {name: check.text(request.form.get(name), FIELDS[name][0], limits.get(name, FIELDS[name][1]),
                             field=name) for name in names}
    if form.get("printer_url"):
        try:  # parsed here too, so a bad URL is a 422 with the parser's reason (file:// paths included)
            parse_printer_url(form["printer_url"])
        except PrinterError as exc:
            raise check.InvalidInput(exc.message, "printer_url", **exc.params) from None
    return form


class Outcome:
    """What the last form sent came to, shown beside that form (`key`): a message, and on a refusal the
    field it is about (focused) and every value as it was typed."""

    def __init__(self, key: str = "", message: str = "", level: str = "info", errors: dict | None = None,
                 typed=None):
        self.key, self.message, self.level = key, message, level
        self.errors, self.typed = errors or {}, typed

    def error(self, key: str, field: str) -> str:
        return self.errors.get(field, "") if key == self.key else ""

    def value(self, key: str, field: str, default=""):
        """What was typed in `field` of form `key` when it was refused, else `default`."""
        if key == self.key and self.typed is not None:
            return self.typed.get(field, "")
        return default

    def values(self, key: str, field: str, default=()):
        if key == self.key and self.typed is not None:
            return self.typed.getlist(field)
        return default

    def focus(self) -> str:
        """The field to focus: the first refused one (else the message beside the form is)."""
        return next(iter(self.errors), "")


def _page(outcome: Outcome | None = None, csv_errors=()):
    site = current_site()
    link = sync_site.status()
    context = {
        "csv_errors": [(row, column, gettext(text)) for row, column, text in csv_errors],
        "calendar": list(db.session.scalars(
            select(CalendarOverride).where(CalendarOverride.site_id == site.id)
            .order_by(CalendarOverride.day.desc()).limit(60))),
        "procedures": list(db.session.scalars(select(Procedure).where(Procedure.site_id == site.id)
                                              .order_by(vi(Procedure.field), Procedure.code))),
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
        "flags": flagged_events(),
        "link": link,
        "badge": sync_badge(link),
        "lan_only": _lan_only(),
        "clock": clock_check(site.id),
        "outcome": outcome or Outcome(),
    }
    return render("admin/index.html", "admin/partials/_settings.html", **context)


def _done(key: str, message: str):
    """The page with `message` beside form `key`."""
    return _page(Outcome(key, message))


def _refused(key: str, exc: DomainError, field_errors: dict | None = None, csv_errors=()):
    """The page again after a refusal: nothing saved, the message beside its field (or its form),
    every value as typed."""
    db.session.rollback()  # rows added before the refusal must not show as saved
    text = gettext(exc.message, **exc.params)
    field = getattr(exc, "field", "")
    errors = field_errors if field_errors is not None else ({field: text} if field else {})
    outcome = Outcome(key, "" if errors and not field_errors else text, "error", errors, request.form)
    return _page(outcome, csv_errors), exc.status


def _attempt(key: str, action, success):
    """Run `action` (its form checks and one operation); answer with `success` (a message, or a function
    of the action's result giving one) beside form `key`, or with the refusal."""
    try:
        result = action()
    except NotFound:
        raise
    except DomainError as exc:
        return _refused(key, exc)
    return _done(key, success(result) if callable(success) else success)


def _lan_only() -> str | None:
    """This server's address when receipts' QR codes lead to it (no central URL known yet)."""
    own = request.host_url
    return own if sync_site.public_base_url(own) == own else None


def central_clock_seen() -> datetime | None:
    """Central's clock as last seen during sync (None: never seen), counted on by this machine's clock
    since — unless that clock has gone back since (the case the guard is about): then as it was seen."""
    state = sync_site.sync_state()
    if state is None or state.central_time is None:
        return None
    since_ms = wall_ms() - (state.central_time_seen_at_ms or wall_ms())
    return state.central_time + timedelta(milliseconds=since_ms) if since_ms >= 0 else state.central_time


def clock_check(site_id) -> dict | None:
    """What the admin needs to decide on a clock the guard refuses (None: the clock is fine)."""
    try:
        guard_clock(site_id)
    except DomainError:
        return _clock_times(site_id)
    return None


def _clock_times(site_id) -> dict:
    state = db.session.get(ClockState, site_id)
    latest = datetime.fromtimestamp((state.wall_ms or state.last_ms) / 1000, UTC).replace(tzinfo=None)
    here, central = utcnow(), central_clock_seen()
    apart = round(abs((here - central).total_seconds()) / 60) if central else 0
    tolerance = current_app.config["CLOCK_SKEW_TOLERANCE"].total_seconds() / 60
    return {"here": here, "latest": latest, "central": central, "apart": apart if apart > tolerance else None}


SAVED = "Đã lưu."


@bp.get("", strict_slashes=False)
@admin_only
def index():
    return _page()


@bp.post("/site")
@admin_only
def update_site():
    def save():
        form = _form("name", "parent_agency", "kind", "address", "agency_code")
        config.update_site(current_site(), current_user, form["name"], form["parent_agency"], form["kind"],
                           form["address"], form["agency_code"])
    return _attempt("site", save, gettext(SAVED))


@bp.post("/queues", defaults={"queue_id": None})
@bp.post("/queues/<queue_id>")
@admin_only
def save_queue(queue_id):
    site = current_site()
    queue = get_owned(Queue, site, queue_id) if queue_id else None

    def save():
        form = _form("letter", "name", "name_en", "fields", limits={"name": check.column_length(Queue.name)})
        return config.save_queue(site, current_user, form["letter"], form["name"], form["name_en"],
                                 form["fields"], queue)
    return _attempt(f"queue-{queue_id or 'new'}", save,
                    lambda saved: gettext("Đã lưu hàng đợi {letter}.", letter=saved.letter))


@bp.post("/queues/<queue_id>/toggle")
@admin_only
def toggle_queue(queue_id):
    queue = get_owned(Queue, current_site(), queue_id)
    config.set_queue_open(queue, current_user, not queue.is_open)
    state = gettext("mở") if queue.is_open else gettext("tạm dừng")
    message = gettext("Hàng đợi {letter} đã {state}.", letter=queue.letter, state=state)
    return _done(f"queue-{queue_id}", message)


@bp.post("/counters", defaults={"counter_id": None})
@bp.post("/counters/<counter_id>")
@admin_only
def save_counter(counter_id):
    site = current_site()
    counter = get_owned(Counter, site, counter_id) if counter_id else None

    def save():
        form = _form("number", "printer_url")
        queue_ids = [str(queue_id) for queue_id in map(check.uuid_or_none, request.form.getlist("queue_ids"))]
        return config.save_counter(site, current_user, form["number"], queue_ids, form["printer_url"],
                                   counter)
    return _attempt(f"counter-{counter_id or 'new'}", save,
                    lambda saved: gettext("Đã lưu quầy {n}.", n=saved.number))


@bp.post("/kiosks")
@admin_only
def add_kiosk():
    def save():
        form = _form("code", "name", "printer_url", limits={"name": check.column_length(Kiosk.name)})
        return config.add_kiosk(current_site(), current_user, form["code"], form["name"], form["printer_url"])
    return _attempt("kiosk-new", save, lambda kiosk: gettext("Đã thêm kiosk {code}.", code=kiosk.code))


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
    key = _procedure_form(request.form.get("ma_thu_tuc", ""))
    try:
        procedure = catalogue.save_procedure(current_site(), current_user, request.form)
    except CatalogueError as exc:
        errors = {}
        for _row, column, text in exc.errors:
            errors.setdefault(column, gettext(text))
        return _refused(key, exc, field_errors=errors)
    except NotFound:
        raise
    except DomainError as exc:
        return _refused(key, exc)
    return _done(key, gettext("Đã lưu thủ tục {code}.", code=procedure.code))


def _procedure_form(code: str) -> str:
    """Which procedure form was sent: an existing procedure's (by its code) or the new one's."""
    known = db.session.scalar(select(Procedure.id).where(Procedure.site_id == current_site().id,
                                                         Procedure.code == code.strip()))
    return f"procedure-{code.strip()}" if code.strip() and known else "procedure-new"


@bp.post("/procedures/import")
@admin_only
def import_procedures():
    """All or nothing: every row is checked first, and every error is listed at once."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise config.ConfigError("Hãy chọn tệp cần tải lên.", "file")
        report = import_csv(current_site(), current_user, upload.read())
    except CatalogueError as exc:
        return _refused("import", exc, csv_errors=exc.errors)
    except DomainError as exc:
        return _refused("import", exc)
    return _done("import", gettext("Đã nhập danh mục: {created} thủ tục mới, {updated} thủ tục được cập "
                                   "nhật, {unchanged} không đổi.", created=report.created,
                                   updated=report.updated, unchanged=report.unchanged))


@bp.post("/calendar")
@admin_only
def set_calendar_day():
    """An announced working Saturday or extra day off, on top of the statutory holidays."""
    def save():
        form = _form("day", "working", "note")
        day = check.day(form["day"], "Ngày", field="day", **CALENDAR_RANGE)
        config.set_calendar_day(current_site(), current_user, day, form["working"] == "1", form["note"])
    return _attempt("calendar", save, gettext(SAVED))


@bp.post("/calendar/<override_id>/delete")
@admin_only
def remove_calendar_day(override_id):
    site = current_site()
    config.remove_calendar_day(site, current_user, get_owned(CalendarOverride, site, override_id))
    return _done("calendar", gettext("Đã xoá ngày khỏi lịch."))


@bp.post("/categories/<category_id>/toggle")
@admin_only
def toggle_category(category_id):
    category = get_owned(PriorityCategory, current_site(), category_id)
    config.set_category_active(category, current_user, not category.active)
    return _done("categories", gettext("Đã cập nhật diện ưu tiên."))


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
    after_commit(lambda: wake_print_lines(app))
    return _done(f"{kind}-{device_id}", gettext("Đã gửi trang in thử tới {name}.", name=name))


@bp.post("/printers/<kind>/<device_id>")
@admin_only
def set_printer(kind, device_id):
    """Set the printer URL of a counter or kiosk (checked before it is saved)."""
    if kind not in DEVICES:
        raise DomainError("Loại thiết bị không hợp lệ.")
    site = current_site()
    device = get_owned(DEVICES[kind], site, device_id)
    def save():
        config.set_printer(site, current_user, device, _form("printer_url")["printer_url"])
    return _attempt(f"{kind}-{device_id}", save, gettext("Đã lưu máy in."))


@bp.post("/clock/confirm")
@admin_only
def confirm_clock_time():
    """The admin checked this machine's time (against central's, when known) and accepts it."""
    site = current_site()
    if clock_check(site.id) is None:
        return _done("clock", gettext("Giờ hệ thống đang bình thường; không cần xác nhận."))
    confirm_clock(site.id)
    return _done("clock", gettext("Đã xác nhận giờ hệ thống."))
