"""Dossiers at the counter: intake (Mẫu 01/02/03), the legal steps, forms, scans, the log."""

from pathlib import Path

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError, lifecycle
from domain import validation as check
from domain.calendar import local_date
from domain.clock import utcnow
from domain.dossiers import (
    CHANNELS,
    REUSABLE,
    IntakeRefused,
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
from domain.tracking import clock_restarted_at, staff_history
from domain.uploads import attach_scan, check_and_store, read_stored
from hardware.forms import ReceiptData, receipt_pdf
from models import COUNTER_ROLES, Attachment, Dossier, Procedure, StaffUser, Ticket
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit, own_writes, write_transaction
from motcua.web import render
from motcua.worker import wake_print_lines
from sync.site import public_base_url as site_public_base_url

from . import intake as form_helpers
from .access import enforce_session, roles_required
from .intake import INTAKE_LIMITS, INTAKE_TEXT
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
                                                          check.day(f.get("new_date"), "Ngày hẹn mới",
                                                                    field="new_date")),
}
# Acts that cannot be undone (lifecycle.IRREVERSIBLE): checked first, done only once the officer confirms.
CONFIRM = {
    "return": (lambda s, d, f: lifecycle.check_return(
        s, d, f.get("collected_by", ""), f.get("id_checked") == "on", f.get("proxy_name", ""),
        f.get("authorisation", "")), "Xác nhận trả kết quả hồ sơ {code}? Việc này không hoàn tác được."),
    "refuse": (lambda s, d, f: lifecycle.check_refuse(s, d, f.get("reasons", "")),
               "Xác nhận từ chối giải quyết hồ sơ {code}? Việc này không hoàn tác được."),
    "stop": (lambda s, d, f: lifecycle.check_stop(s, d, f.get("reason", "")),
             "Xác nhận dừng giải quyết hồ sơ {code}? Việc này không hoàn tác được."),
}
COLLECTED_BY = {"applicant": "Người nộp nhận", "proxy": "Người khác nhận thay"}
# What each step's form may hold: (label, limit, multiline); every other field is refused unread.
STEP_TEXT = {"agency": ("Cơ quan giải quyết", 200, False), "items": ("Giấy tờ cần bổ sung", 2000, True),
             "reason": ("Lý do", 2000, True), "note": ("Ghi chú", 1000, True),
             "collected_by": ("Người nhận", 20, False), "proxy_name": ("Họ tên người nhận thay", 120, False),
             "authorisation": ("Giấy ủy quyền", 200, False), "reasons": ("Lý do", 2000, True),
             "id_checked": ("Đã kiểm tra giấy tờ", 10, False), "new_date": ("Ngày hẹn mới", 10, False)}
DECISIONS = ("receive", "supplement", "refuse")
ID_MISMATCH = ("Số định danh không khớp với ngày sinh hoặc giới tính đã nhập. Hãy đối chiếu với thẻ, sửa nếu "
               "nhập sai, rồi đánh dấu “Tôi đã đối chiếu với thẻ”.")


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
    """Mẫu 01 to fill; from a ticket, its queue's procedures only, unless all are asked for."""
    site = current_site()
    ticket = None
    if request.args.get("ticket"):
        ticket = get_owned(Ticket, site, request.args["ticket"])
    procedure = None
    if request.args.get("procedure_id"):
        procedure = get_owned(Procedure, site, request.args["procedure_id"])
    context = form_helpers.form_context(site, ticket=ticket, procedure=procedure, limits=INTAKE_LIMITS,
                                        show_all=request.args.get("all_procedures") == "1")
    return form_helpers.intake_page(context)


@bp.get("/checklist")
@staff_only
def checklist():
    """The papers, fee and deadline of the chosen procedure, as a checklist to tick."""
    site = current_site()
    procedure = get_owned(Procedure, site, request.args.get("procedure_id", ""))
    return render("dossiers/partials/_checklist.html", "dossiers/partials/_checklist.html",
                  procedure=procedure, channels=CHANNELS, values={}, errors={}, limits=INTAKE_LIMITS)


@bp.post("/scan-card")
@staff_only
def scan_card():
    """Fill the applicant from a scanned ID card, or from the citizen's last dossier by ID number."""
    site = current_site()
    payload = request.form.get("card_payload", "")
    values = _applicant_values(request.form)
    message, level, errors = None, "info", {}
    if payload.strip():
        # The same checks as a scan anywhere on the screen: garbled, mojibake and oversized are refused.
        result = card_scan(payload)
        if result.kind != "card":
            return _applicant(values, staff_message(result), "error", 422)
        card = result.card
        values.update(card_values(card))
        message = gettext("Đã đọc thẻ Căn cước của {name}.", name=card.full_name)
        if len(card.full_name) > INTAKE_LIMITS["applicant_name"]:
            errors["applicant_name"] = gettext(
                "Họ tên trên thẻ có {length} ký tự, dài hơn {n} ký tự hồ sơ lưu được: hãy báo quản trị, "
                "không cắt bớt tên.", length=len(card.full_name), n=INTAKE_LIMITS["applicant_name"])
    reused = fill_from_previous(site, values)
    if reused:
        message = (message + " " if message else "") + gettext(
            "Công dân đã từng nộp hồ sơ: đã điền lại {n} thông tin từ lần trước, hãy kiểm tra.", n=reused)
    elif not payload.strip():
        message = gettext("Chưa có hồ sơ nào của số định danh này.")
    return _applicant(values, message, level, errors=errors)


@bp.post("/applicant-check")
@staff_only
def applicant_check():
    """The warning beside the ID number when it contradicts the birth date or gender typed."""
    values = _applicant_values(request.form)
    return render("dossiers/partials/_id_warning.html", "dossiers/partials/_id_warning.html",
                  values=values, mismatch=form_helpers.applicant_mismatch(values), errors={})


def _applicant_values(form) -> dict:
    return {key: form.get(key, "") for key in form
            if key.startswith("applicant_") or key == "id_card_checked"}


def _applicant(values, message, level, status=200, errors=None):
    response = render("dossiers/partials/_applicant.html", "dossiers/partials/_applicant.html",
                      values=values, message=message, level=level, errors=errors or {},
                      limits=INTAKE_LIMITS, mismatch=form_helpers.applicant_mismatch(values))
    return response, status


@bp.post("", strict_slashes=False)
@staff_only
def create():
    """Receive (Mẫu 01), ask for more papers (Mẫu 02) or refuse (Mẫu 03) — the officer decides.

    A refusal shows the form again with everything the officer typed, each message beside its field.
    From a ticket served at this counter, the ticket is finished too unless the officer keeps it open.
    """
    site = current_site()
    form = request.form
    procedure = ticket = None
    try:
        ticket = _form_ticket(site, form)
        procedure = _chosen_procedure(site, form)
        dossier = _decide(site, procedure, form, ticket)
    except DomainError as exc:
        return _intake_again(site, procedure, ticket, form, exc)
    if form.get("finish_ticket") == "on":
        form_helpers.finish_served_ticket(site, ticket, dossier)
    return form_helpers.see_other(url_for("dossiers.show", dossier_id=dossier.id))


def _form_ticket(site, form):
    return get_owned(Ticket, site, form["ticket_id"]) if form.get("ticket_id") else None


def _chosen_procedure(site, form):
    if not form.get("procedure_id"):
        raise check.InvalidInput("Hãy chọn thủ tục.", "procedure_id")
    try:
        return get_owned(Procedure, site, form["procedure_id"])
    except DomainError as exc:
        raise check.InvalidInput(exc.message, "procedure_id", **exc.params) from None


def _decide(site, procedure, form, ticket):
    values = _checked_intake(procedure, form)
    intake = validate_intake(procedure, values, _received(procedure, form))
    if form_helpers.applicant_mismatch(values) and form.get("id_card_checked") != "on":
        raise IntakeRefused(ID_MISMATCH, "id_card_checked")
    if ticket is not None:
        intake.ticket_id = ticket.id
    decision = form.get("decision")
    if decision == "receive":
        return receive_dossier(site, current_user, intake)
    if decision == "supplement":
        return request_supplement_at_intake(site, current_user, intake, values["missing_extra"].splitlines())
    if decision == "refuse":
        return refuse_at_intake(site, current_user, intake, values["reasons"])
    raise check.InvalidInput("Thao tác không hợp lệ.", "decision")


def _received(procedure, form) -> set[int]:
    return {check.whole(i, "Giấy tờ đã nhận", 0, len(procedure.documents) - 1, field="documents")
            for i in form.getlist("documents")}


def _checked_intake(procedure, form) -> dict:
    """The Mẫu 01 fields; every one that cannot be real or does not fit its column is refused at once."""
    values = {"channel": form.get("channel", "")[:20]}
    refused = []

    def checked(name, read):
        try:
            values[name] = read()
        except check.InvalidInput as exc:
            refused.append(exc)
            values[name] = ""

    for name, (label, limit, kind) in INTAKE_TEXT.items():
        if kind == "name":
            checked(name, lambda n=name, lb=label, lm=limit: check.person_name(
                form.get(n), lb, lm, field=n, required=n == "applicant_name"))
        else:
            checked(name, lambda n=name, lb=label, lm=limit, k=kind: check.text(
                form.get(n), lb, lm, field=n, multiline=k == "lines"))
    for name, message in (("applicant_id_number", "Số định danh cá nhân phải có đúng 12 chữ số."),
                          ("applicant_phone", "Số điện thoại “{phone}” không hợp lệ.")):
        if not values[name].replace(" ", "").replace(".", "").replace("-", "").lstrip("+").isascii():
            refused.append(check.InvalidInput(message, name, phone=values[name]))  # e.g. "٠٩١٢…"
    checked("applicant_birth_date", lambda: _birth_date(form.get("applicant_birth_date")))
    checked("fee", lambda: str(check.whole(form.get("fee"), "Lệ phí", 0, check.MAX_FEE, field="fee",
                                           default=procedure.fee, grouped=True)))
    checked("sets", lambda: str(check.whole(form.get("sets"), "Số bộ hồ sơ", 1, 20, field="sets", default=1)))
    checked("reused_fields", lambda: str(check.whole(form.get("reused_fields"), "Số thông tin điền lại", 0,
                                                     len(REUSABLE), field="reused_fields", default=0)))
    checked("documents", lambda: _received(procedure, form))
    if refused:
        raise form_helpers.IntakeInvalid(refused)
    return values


def _birth_date(raw) -> str:
    born = check.day(raw, "Ngày sinh", field="applicant_birth_date", latest=local_date(utcnow()))
    return f"{born:%d/%m/%Y}" if born else ""


def _intake_again(site, procedure, ticket, form, exc: DomainError):
    """The intake form as the officer left it, each refusal beside its field and listed on top."""
    db.session.rollback()
    values = {key: form.get(key, "") for key in form if key != "csrf_token"}
    values["documents"] = form.getlist("documents")
    if ticket is None and check.uuid_or_none(form.get("ticket_id")):
        ticket = db.session.get(Ticket, check.uuid_or_none(form.get("ticket_id")))
        ticket = ticket if ticket is not None and ticket.site_id == site.id else None
    context = form_helpers.form_context(site, ticket=ticket, procedure=procedure, values=values,
                                        errors=form_helpers.errors_of(exc), limits=INTAKE_LIMITS,
                                        show_all=form.get("all_procedures") == "1")
    return form_helpers.intake_page(context, exc.status)


@bp.get("/<dossier_id>")
@staff_only
def show(dossier_id):
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    g.ticket_done = form_helpers.ticket_done(dossier)  # dossiers/partials/_ticket_done.html
    return _detail(site, dossier)


def _detail(site, dossier, message=None, level="info", state=None, confirm=None):
    """The dossier with the steps it allows; `state` is a refused step's typed values and message,
    `confirm` the irreversible step waiting for the officer's confirmation."""
    return render("dossiers/show.html", "dossiers/partials/_detail.html", site=site, dossier=dossier,
                  history=staff_history(dossier), labels=lifecycle.STATUS_LABELS, channels=CHANNELS,
                  restarted=clock_restarted_at(dossier), allowed=lifecycle.allowed_steps(site, dossier),
                  form_labels=lifecycle.FORM_LABELS,
                  slip_labels=lifecycle.SLIP_LABELS, message=message, level=level, state=state,
                  confirm=confirm)


@bp.post("/<dossier_id>/steps/<step>")
@staff_only
def step(dossier_id, step):
    """One legal step. An act that cannot be undone is checked, then shown back for confirmation
    (a server-rendered second form, no browser dialog) and done only when posted with confirmed=yes."""
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    operation = STEPS.get(step)
    if operation is None:
        raise DomainError("Thao tác không hợp lệ.")
    try:
        values = _checked_step_form(request.form)
        if step in CONFIRM and request.form.get("confirmed") != "yes":
            checked, question = CONFIRM[step]
            checked(site, dossier, values)
            confirm = {"step": step, "question": gettext(question, code=dossier.code),
                       "values": {name: value for name, value in values.items() if value},
                       "summary": _summary(values)}
            return _detail(site, dossier, confirm=confirm)
        operation(site, dossier, current_user, values)
    except DomainError as exc:
        return _step_refused(site, dossier_id, step, exc)
    return _detail(site, dossier, gettext("Đã cập nhật hồ sơ {code}.", code=dossier.code))


def _step_refused(site, dossier_id, step, exc: DomainError):
    """The dossier again, the message beside the field it is about, what was typed still in the form."""
    db.session.rollback()
    dossier = get_owned(Dossier, site, dossier_id)
    text = gettext(exc.message, **exc.params)
    field = getattr(exc, "field", "")
    typed = {name: request.form.get(name, "") for name in STEP_TEXT}
    state = {"step": step, "values": typed, "field": field, "message": text}
    return _detail(site, dossier, None if field else text, "error", state=state), exc.status


def _summary(values: dict) -> list[tuple[str, str]]:
    """What the officer typed for an irreversible step, as (label, value) lines to confirm."""
    lines = [(STEP_TEXT["collected_by"][0], COLLECTED_BY[values["collected_by"]])] \
        if values.get("collected_by") in COLLECTED_BY else []
    return lines + [(STEP_TEXT[name][0], value) for name, value in values.items()
                    if value and name not in ("collected_by", "id_checked")]


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

