"""Dossiers at the counter: intake (Mẫu 01/02/03), the legal steps, forms, scans, the log."""

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError, lifecycle
from domain import validation as check
from domain.calendar import local_date
from domain.clock import utcnow
from domain.dossiers import (
    CHANNELS,
    REUSABLE,
    card_values,
    fill_from_previous,
    receive_dossier,
    refuse_at_intake,
    request_supplement_at_intake,
    validate_intake,
)
from domain.form_data import dossier_steps, lead_agencies, log_period, logged_dossiers
from domain.printing import queue_print_job
from domain.receipts import receipt_payload, return_slip_payload, supplement_slip_payload
from domain.scans import card_scan
from domain.site import current_site, get_owned
from domain.tracking import staff_history
from domain.uploads import attach_scan, check_and_store, read_stored
from hardware.forms import ReceiptData, receipt_pdf
from models import COUNTER_ROLES, Attachment, Dossier, Procedure, StaffUser, Ticket
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit, own_writes, write_transaction
from motcua.web import render
from motcua.worker import wake_print_lines
from sync.site import public_base_url as site_public_base_url

from .access import enforce_session, roles_required
from .scan import staff_message
from .views import my_counter

bp = Blueprint("dossiers", __name__, url_prefix="/counter/dossiers")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
STEPS = {
    "transfer": lambda s, d, o, f: lifecycle.transfer(s, d, o, f.get("agency", "")),
    "request-supplement": lambda s, d, o, f: lifecycle.request_supplement(
        s, d, o, f.get("items", "").splitlines(), f.get("reason", "")),
    "supplemented": lambda s, d, o, f: lifecycle.supplemented(s, d, o),
    "result-ready": lambda s, d, o, f: lifecycle.result_ready(s, d, o, f.get("note", "")),
    "return": lambda s, d, o, f: lifecycle.return_result(
        s, d, o, f.get("collected_by", ""), f.get("id_checked") == "on", f.get("proxy_name", ""),
        f.get("authorisation", "")),
    "refuse": lambda s, d, o, f: lifecycle.refuse(s, d, o, f.get("reasons", "")),
    "stop": lambda s, d, o, f: lifecycle.stop(s, d, o, f.get("reason", "")),
    "late-reason": lambda s, d, o, f: lifecycle.note_late_reason(s, d, o, f.get("reason", "")),
    "reschedule": lambda s, d, o, f: lifecycle.reschedule(s, d, o, f.get("reason", ""),
                                                          check.day(f.get("new_date"), "Ngày hẹn mới")),
}
# What each step's form may hold: (label, limit, multiline); every other field is refused unread.
STEP_TEXT = {"agency": ("Cơ quan giải quyết", 200, False), "items": ("Giấy tờ cần bổ sung", 2000, True),
             "reason": ("Lý do", 2000, True), "note": ("Ghi chú", 1000, True),
             "collected_by": ("Người nhận", 20, False), "proxy_name": ("Họ tên người nhận thay", 120, False),
             "authorisation": ("Giấy ủy quyền", 200, False), "reasons": ("Lý do", 2000, True),
             "id_checked": ("Đã kiểm tra giấy tờ", 10, False), "new_date": ("Ngày hẹn mới", 10, False)}
# Mẫu 01 text fields: (label, limit from the column or the proxy's JSON, kind).
INTAKE_TEXT = {
    "applicant_name": ("Họ và tên", check.column_length(Dossier.applicant_name), "name"),
    "applicant_id_number": ("Số định danh cá nhân", 20, "text"),
    "applicant_gender": ("Giới tính", check.column_length(Dossier.applicant_gender), "text"),
    "applicant_address": ("Địa chỉ", check.column_length(Dossier.applicant_address), "text"),
    "applicant_phone": ("Điện thoại", check.column_length(Dossier.applicant_phone), "text"),
    "applicant_email": ("Thư điện tử", check.column_length(Dossier.applicant_email), "text"),
    "proxy_name": ("Họ tên người nộp thay", 120, "name"),
    "proxy_id_number": ("Số định danh người nộp thay", 20, "text"),
    "proxy_phone": ("Điện thoại người nộp thay", 20, "text"),
    "proxy_address": ("Địa chỉ người nộp thay", 300, "text"),
    "proxy_authorisation": ("Giấy ủy quyền", 200, "text"),
    "notes": ("Ghi chú", 1000, "lines"),
    "missing_extra": ("Giấy tờ cần bổ sung khác", 2000, "lines"),
    "reasons": ("Lý do từ chối", 2000, "lines"),
}
DECISIONS = ("receive", "supplement", "refuse")


def _procedures(site):
    return list(db.session.scalars(
        select(Procedure).where(Procedure.site_id == site.id, Procedure.active.is_(True))
        .order_by(Procedure.field, Procedure.name)))


@bp.get("", strict_slashes=False)
@staff_only
def index():
    """Open dossiers, with those overdue or due soon first: none may pass its date silently."""
    site = current_site()
    open_dossiers = list(db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, Dossier.status.in_(lifecycle.OPEN))
        .order_by(Dossier.due_at)))
    ready = list(db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, Dossier.status == "result_ready")
        .order_by(Dossier.due_at)))
    return render("dossiers/index.html", "dossiers/index.html", site=site, open_dossiers=open_dossiers,
                  watch=lifecycle.overdue_watch(site, open_dossiers), ready=ready,
                  labels=lifecycle.STATUS_LABELS)


@bp.get("/new")
@staff_only
def new():
    site = current_site()
    ticket = None
    if request.args.get("ticket"):
        ticket = get_owned(Ticket, site, request.args["ticket"])
    procedure = None
    if request.args.get("procedure_id"):
        procedure = get_owned(Procedure, site, request.args["procedure_id"])
    return render("dossiers/new.html", "dossiers/new.html", site=site, ticket=ticket,
                  procedures=_procedures(site), procedure=procedure, values={}, channels=CHANNELS)


@bp.get("/checklist")
@staff_only
def checklist():
    """The papers, fee and deadline of the chosen procedure, as a checklist to tick."""
    site = current_site()
    procedure = get_owned(Procedure, site, request.args.get("procedure_id", ""))
    return render("dossiers/partials/_checklist.html", "dossiers/partials/_checklist.html",
                  procedure=procedure, channels=CHANNELS, values={})


@bp.post("/scan-card")
@staff_only
def scan_card():
    """Fill the applicant from a scanned ID card, or from the citizen's last dossier by ID number."""
    site = current_site()
    payload = request.form.get("card_payload", "")
    values = {key: request.form.get(key, "") for key in request.form if key.startswith("applicant_")}
    message, level = None, "info"
    if payload.strip():
        # The same checks as a scan anywhere on the screen: garbled, mojibake and oversized are refused.
        result = card_scan(payload)
        if result.kind != "card":
            return _applicant(values, staff_message(result), "error", 422)
        card = result.card
        values.update(card_values(card))
        message = gettext("Đã đọc thẻ Căn cước của {name}.", name=card.full_name)
    reused = fill_from_previous(site, values)
    if reused:
        message = (message + " " if message else "") + gettext(
            "Công dân đã từng nộp hồ sơ: đã điền lại {n} thông tin từ lần trước, hãy kiểm tra.", n=reused)
    elif not payload.strip():
        message = gettext("Chưa có hồ sơ nào của số định danh này.")
    return _applicant(values, message, level)


def _applicant(values, message, level, status=200):
    response = render("dossiers/partials/_applicant.html", "dossiers/partials/_applicant.html",
                      values=values, message=message, level=level)
    return response, status


@bp.post("", strict_slashes=False)
@staff_only
def create():
    """Receive (Mẫu 01), ask for more papers (Mẫu 02) or refuse (Mẫu 03) — the officer decides.

    A refusal shows the form again with everything the officer typed, and the reason on top.
    """
    site = current_site()
    form = request.form
    procedure = None
    try:
        procedure = get_owned(Procedure, site, form.get("procedure_id", ""))
        dossier = _decide(site, procedure, form)
    except DomainError as exc:
        return _intake_again(site, procedure, form, gettext(exc.message, **exc.params), exc.status)
    return redirect(url_for("dossiers.show", dossier_id=dossier.id), code=303)


def _decide(site, procedure, form):
    values = _checked_intake(procedure, form)
    received = {check.whole(i, "Giấy tờ đã nhận", 0, len(procedure.documents) - 1, field="documents")
                for i in form.getlist("documents")}
    intake = validate_intake(procedure, values, received)
    if form.get("ticket_id"):
        intake.ticket_id = get_owned(Ticket, site, form["ticket_id"]).id
    decision = form.get("decision")
    if decision == "receive":
        return receive_dossier(site, current_user, intake)
    if decision == "supplement":
        return request_supplement_at_intake(site, current_user, intake, values["missing_extra"].splitlines())
    if decision == "refuse":
        return refuse_at_intake(site, current_user, intake, values["reasons"])
    raise check.InvalidInput("Thao tác không hợp lệ.", "decision")


def _checked_intake(procedure, form) -> dict:
    """The Mẫu 01 fields, refused at the first one that cannot be real or does not fit its column."""
    values = {"channel": form.get("channel", "")[:20]}
    for name, (label, limit, kind) in INTAKE_TEXT.items():
        if kind == "name":
            values[name] = check.person_name(form.get(name), label, limit, field=name,
                                             required=name == "applicant_name")
        else:
            values[name] = check.text(form.get(name), label, limit, field=name, multiline=kind == "lines")
    for name, message in (("applicant_id_number", "Số định danh cá nhân phải có đúng 12 chữ số."),
                          ("applicant_phone", "Số điện thoại “{phone}” không hợp lệ.")):
        if not values[name].replace(" ", "").replace(".", "").replace("-", "").lstrip("+").isascii():
            raise check.InvalidInput(message, name, phone=values[name])  # e.g. "٠٩١٢…": not ASCII digits
    born = check.day(form.get("applicant_birth_date"), "Ngày sinh", field="applicant_birth_date",
                     latest=local_date(utcnow()))
    values["applicant_birth_date"] = f"{born:%d/%m/%Y}" if born else ""
    values["fee"] = str(check.whole(form.get("fee"), "Lệ phí", 0, check.MAX_FEE, field="fee",
                                    default=procedure.fee, grouped=True))
    values["sets"] = str(check.whole(form.get("sets"), "Số bộ hồ sơ", 1, 20, field="sets", default=1))
    values["reused_fields"] = str(check.whole(form.get("reused_fields"), "Số thông tin điền lại", 0,
                                              len(REUSABLE), field="reused_fields", default=0))
    return values


def _intake_again(site, procedure, form, error: str, status: int):
    """The intake form as the officer left it, with what was refused."""
    values = {key: form.get(key, "") for key in form if key != "csrf_token"}
    values["documents"] = form.getlist("documents")
    ticket = None
    if check.uuid_or_none(form.get("ticket_id")):
        ticket = db.session.get(Ticket, check.uuid_or_none(form.get("ticket_id")))
        ticket = ticket if ticket is not None and ticket.site_id == site.id else None
    body = render("dossiers/new.html", "dossiers/new.html", site=site, ticket=ticket,
                  procedures=_procedures(site), procedure=procedure, values=values, channels=CHANNELS,
                  error=error)
    return body, status


@bp.get("/<dossier_id>")
@staff_only
def show(dossier_id):
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    return _detail(site, dossier)


def _detail(site, dossier, message=None, level="info"):
    return render("dossiers/show.html", "dossiers/partials/_detail.html", site=site, dossier=dossier,
                  history=staff_history(dossier), labels=lifecycle.STATUS_LABELS, channels=CHANNELS,
                  message=message, level=level)


@bp.post("/<dossier_id>/steps/<step>")
@staff_only
def step(dossier_id, step):
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    operation = STEPS.get(step)
    if operation is None:
        raise DomainError("Thao tác không hợp lệ.")
    operation(site, dossier, current_user, _checked_step_form(request.form))
    return _detail(site, dossier, gettext("Đã cập nhật hồ sơ {code}.", code=dossier.code))


def _checked_step_form(form) -> dict:
    return {name: check.text(form.get(name), label, limit, field=name, multiline=multiline)
            for name, (label, limit, multiline) in STEP_TEXT.items()}


@bp.post("/<dossier_id>/attachments")
@staff_only
@own_writes
def attach(dossier_id):
    """A scanned paper (số hóa): checked by content, images re-encoded, stored outside static/.

    Decoding and re-encoding a photo can take a second: done before taking the writer queue,
    which is held only to record the attachment and its event.
    """
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError("Hãy chọn tệp cần tải lên.")
    config = current_app.config
    limit = check.column_length(Attachment.document)
    document = (check.text(request.form.get("document"), "Tên giấy tờ", limit, field="document")
                or check.text(upload.filename, "Tên tệp", 10_000)[:limit])
    stored = check_and_store(upload.read(config["UPLOAD_MAX_BYTES"] + 1), upload.filename, upload_dir(),
                             config["UPLOAD_MAX_BYTES"], config["UPLOAD_MAX_PIXELS"])
    with write_transaction():
        dossier = get_owned(Dossier, site, dossier_id)
        attach_scan(dossier, current_user, document, stored)
    db.session.refresh(dossier)
    return _detail(site, dossier, gettext("Đã lưu bản số hóa “{name}”.", name=document))


@bp.get("/attachments/<attachment_id>")
@staff_only
def attachment(attachment_id):
    """Staff only, as a download: a scan is never rendered inline by the browser."""
    site = current_site()
    item = get_owned(Attachment, site, attachment_id)
    data = read_stored(upload_dir(), item.stored_name)
    extension = item.stored_name.rsplit(".", 1)[-1]
    headers = {"Content-Disposition": f'attachment; filename="{item.id}.{extension}"',
               "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(data, mimetype=item.media_type, headers=headers)


def upload_dir() -> Path:
    return Path(current_app.instance_path) / "uploads"


@bp.get("/log")
@staff_only
def tracking_log():
    """Sổ theo dõi hồ sơ for a date range (dd/mm/yyyy), on screen and printable."""
    site = current_site()
    start, end = checked_period(request.args)
    rows = logged_dossiers(site, start, end)
    return render("dossiers/log.html", "dossiers/log.html", site=site, rows=rows, start=start, end=end,
                  agencies=lead_agencies(site, rows), labels=lifecycle.STATUS_LABELS, channels=CHANNELS)


@bp.get("/<dossier_id>/receipt.pdf")
@staff_only
def receipt(dossier_id):
    """Mẫu 01 as a PDF: one A4 copy or two A5 copies on a landscape A4 (RECEIPT_PAPER)."""
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    if dossier.code is None:
        raise DomainError("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận.")
    paper = request.args.get("paper") or current_app.config["RECEIPT_PAPER"]
    if paper not in ("A4", "A5x2"):
        raise DomainError("Khổ giấy không hợp lệ.")
    data = ReceiptData.from_dict(_receipt_payload(site, dossier))
    return pdf_response(receipt_pdf(data, paper), f"{dossier.code}-mau01.pdf")


@bp.post("/<dossier_id>/print-slip")
@staff_only
def print_slip(dossier_id):
    """A thermal slip on the counter's printer — receipt, Mẫu 02 or result return; sent after commit."""
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    counter = my_counter(site)
    if counter is None or not counter.printer_url:
        raise DomainError("Hãy chọn quầy có máy in để in phiếu nhiệt.")
    kind = request.form.get("kind", "receipt")
    payload = _slip_payload(site, dossier, kind)
    queue_print_job(site, counter.printer_url, f"Quầy {counter.number}", None, payload, document=kind)
    app = current_app._get_current_object()
    after_commit(lambda: wake_print_lines(app))
    sent = ("Đã gửi giấy tiếp nhận tới máy in của quầy {n}." if kind == "receipt"
            else "Đã gửi phiếu tới máy in của quầy {n}.")
    return _detail(site, dossier, gettext(sent, n=counter.number))


def _slip_payload(site, dossier, kind: str) -> dict:
    officer = current_user.full_name
    if kind == "receipt" and dossier.code:
        return _receipt_payload(site, dossier)
    if kind == "supplement" and dossier.missing:
        return supplement_slip_payload(site, dossier, officer, public_base_url())
    if kind == "return" and dossier.status == "returned":
        returned = next(iter(dossier_steps([dossier.id], "dossier.returned")), None)
        who = dossier.applicant_name
        if returned is not None and returned.collected_by == "proxy":
            who = f"{returned.proxy_name} (nhận thay, {returned.authorisation})"
        return return_slip_payload(site, dossier, officer, public_base_url(), who)
    raise DomainError("Hồ sơ này không có phiếu đó để in.")


def _receipt_payload(site, dossier) -> dict:
    officer = db.session.get(StaffUser, dossier.received_by_id) if dossier.received_by_id else None
    return receipt_payload(site, dossier, officer.full_name if officer else "", public_base_url())


def checked_period(args) -> tuple:
    """The log's ?from=&to= dates, each within the range the calendar can count (never year 1)."""
    start = check.day(args.get("from"), "Từ ngày", field="from")
    end = check.day(args.get("to"), "Đến ngày", field="to")
    return log_period(f"{start:%d/%m/%Y}" if start else "", f"{end:%d/%m/%Y}" if end else "")


def pdf_response(data: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, mimetype="application/pdf", headers=headers)


def public_base_url() -> str:
    """Where the receipt's QR code leads: PUBLIC_BASE_URL, the central server once enrolled, else here."""
    return site_public_base_url(request.host_url)

