"""Feedback and complaints (PAKN) at the counter: the list, recording one for a citizen, assigning,
answering or rejecting it.

Who (docs/architecture.md's role table): the counter roles — officer, postal_officer, supervisor —
see the list and the details and record a citizen's PAKN; only a supervisor assigns one to an
officer; the assigned officer or a supervisor answers or rejects it. The administrator configures the
point and reads no citizen's case, so has no part here. Answering and rejecting cannot be undone:
the first POST shows what will be sent and asks to confirm; only the confirmed one acts.
"""

from flask import Blueprint, abort, request
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError
from domain import feedback as pakn
from domain.site import current_site, get_owned
from domain.tickets import current_ticket
from domain.validation import InvalidInput, uuid_or_none
from models import COUNTER_ROLES, Feedback, StaffUser, Ticket
from motcua.extensions import db
from motcua.feedback_web import field_errors, form_values, latest_job, queue_receipt, receipt_context
from motcua.i18n import gettext
from motcua.web import render

from .access import enforce_session, roles_required
from .views import my_counter

bp = Blueprint("feedback", __name__, url_prefix="/counter/pakn")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
supervisor_only = roles_required("supervisor")
ANSWER_LIMIT = pakn.CONTENT_LIMIT
CLOSING = {  # action → (domain operation, what the confirmation asks, the field's label)
    "answer": (pakn.answer_feedback, "Gửi trả lời này? Sau khi gửi, nội dung trả lời không sửa được.",
               "Nội dung trả lời"),
    "reject": (pakn.reject_feedback,
               "Không tiếp nhận xử lý phản ánh, kiến nghị này? Thao tác không hoàn tác được.",
               "Lý do không tiếp nhận xử lý"),
}


def _status_filter() -> str:
    status = request.args.get("status", "open")
    return status if status in pakn.STATUS_FILTERS else "open"


@bp.get("", strict_slashes=False)
@staff_only
def index():
    """Open PAKN first, then by deadline; late ones marked; by status; the officer's own."""
    site = current_site()
    status, mine = _status_filter(), request.args.get("mine") == "1"
    rows = pakn.listing(site, status, current_user.id if mine else None)
    names = _names({row.assigned_to_id for row in rows})
    return render("feedback/index.html", "feedback/index.html", site=site, rows=rows, status=status,
                  mine=mine, names=names, labels=pakn.STATUS_LABELS, kinds=pakn.KINDS, topics=pakn.TOPICS,
                  channels=pakn.CHANNELS, late={row.id for row in rows if pakn.is_late(row)})


def _names(ids) -> dict:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    query = select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids))
    return dict(db.session.execute(query).all())


def _serving(site) -> Ticket | None:
    counter = my_counter(site)
    return current_ticket(counter) if counter is not None else None


@bp.get("/new")
@staff_only
def new():
    site = current_site()
    return _new_form(site, {}, {})


def _new_form(site, values: dict, errors: dict, key: str = "", status: int = 200):
    return render("feedback/new.html", "feedback/new.html", site=site, kinds=pakn.KINDS, topics=pakn.TOPICS,
                  values=values, errors=errors, request_key=key or pakn.request_key(),
                  limit=pakn.CONTENT_LIMIT, serving=_serving(site)), status


@bp.post("/new")
@staff_only
def create():
    """Record a citizen's PAKN told at the counter; its receipt prints on this counter's printer."""
    site = current_site()
    key = str(request.form.get("request_key", ""))
    feedback_id = pakn.id_from_request_key(key)
    existing = pakn.submitted(site, feedback_id)
    if existing is not None:
        return _detail(site, existing, gettext("Phản ánh, kiến nghị này đã được ghi nhận trước đó."),
                       receipt=True)
    values = form_values(request.form)
    values["ticket_id"] = str(request.form.get("ticket_id", ""))[:40]
    try:
        ticket = None
        if values["ticket_id"]:
            if uuid_or_none(values["ticket_id"]) is None:
                raise InvalidInput("Số thứ tự không hợp lệ.", "ticket_id")
            ticket = get_owned(Ticket, site, values["ticket_id"])
        item = pakn.submit_feedback(site, channel="counter", kind=values["kind"], topic=values["topic"],
                                    content=values["content"], dossier_code=values["dossier_code"],
                                    ticket=ticket, officer=current_user, feedback_id=feedback_id)
    except InvalidInput as exc:
        return _new_form(site, values, field_errors(exc), key if feedback_id else "", 422)
    counter = my_counter(site)
    if counter is not None and counter.printer_url:
        queue_receipt(site, item, counter.printer_url, f"Quầy {counter.number}")
        message = gettext("Đã ghi nhận phản ánh, kiến nghị {code} và gửi phiếu tới máy in của quầy {n}.",
                          code=item.code, n=counter.number)
    else:
        message = gettext("Đã ghi nhận phản ánh, kiến nghị {code}. Quầy chưa có máy in: hãy đưa công dân "
                          "mã số và mã tra cứu trên màn hình.", code=item.code)
    return _detail(site, item, message, receipt=True)


def _item(site, feedback_id) -> Feedback:
    return get_owned(Feedback, site, feedback_id)


@bp.get("/<feedback_id>")
@staff_only
def show(feedback_id):
    site = current_site()
    return _detail(site, _item(site, feedback_id))


def _may_close(item: Feedback) -> bool:
    return current_user.role == "supervisor" or item.assigned_to_id == current_user.id


def _detail(site, item, message=None, level="info", receipt=False, confirm=None, errors=None, typed=None):
    people = _names({item.assigned_to_id, item.answered_by_id, item.recorded_by_id})
    return render("feedback/show.html", "feedback/show.html", site=site, message=message, level=level,
                  receipt=receipt, confirm=confirm, errors=errors or {}, typed=typed or {}, people=people,
                  labels=pakn.STATUS_LABELS, channels=pakn.CHANNELS, late=pakn.is_late(item),
                  is_open=item.status in pakn.OPEN, may_close=_may_close(item),
                  officers=pakn.assignable_officers(site) if current_user.role == "supervisor" else [],
                  job=latest_job(site, item), dossier=item.dossier, **receipt_context(site, item))


@bp.post("/<feedback_id>/assign")
@supervisor_only
def assign(feedback_id):
    site = current_site()
    item = _item(site, feedback_id)
    officer_id = uuid_or_none(request.form.get("officer_id"))
    officer = next((o for o in pakn.assignable_officers(site) if o.id == officer_id), None)
    if officer is None:
        raise DomainError("Hãy chọn cán bộ xử lý.")
    pakn.assign_feedback(site, item, current_user, officer)
    return _detail(site, item, gettext("Đã giao phản ánh, kiến nghị {code} cho {name}.", code=item.code,
                                       name=officer.full_name))


@bp.post("/<feedback_id>/<action>")
@staff_only
def close(feedback_id, action):
    """Answer or reject: the first POST asks to confirm, the confirmed one acts (no undo)."""
    if action not in CLOSING:
        abort(404)
    site = current_site()
    item = _item(site, feedback_id)
    if not _may_close(item):
        raise DomainError("Chỉ cán bộ được giao hoặc lãnh đạo mới trả lời được phản ánh, kiến nghị này.")
    operation, question, label = CLOSING[action]
    text = str(request.form.get("text", ""))[:ANSWER_LIMIT + 100]
    try:
        if request.form.get("confirmed") != "yes":
            pakn.check_answer(item, text, action)
            return _detail(site, item, confirm={"action": action, "question": question, "label": label,
                                                "text": text})
        operation(site, item, current_user, text)
    except InvalidInput as exc:
        return _detail(site, item, errors={action: gettext(exc.message, **exc.params)},
                       typed={action: text}), 422
    done = ("Đã gửi trả lời phản ánh, kiến nghị {code}." if action == "answer"
            else "Đã thông báo không tiếp nhận xử lý phản ánh, kiến nghị {code}.")
    return _detail(site, item, gettext(done, code=item.code))


@bp.post("/<feedback_id>/print")
@staff_only
def print_receipt(feedback_id):
    """Print the receipt again on this counter's printer."""
    site = current_site()
    item = _item(site, feedback_id)
    counter = my_counter(site)
    if counter is None or not counter.printer_url:
        raise DomainError("Hãy chọn quầy có máy in để in phiếu nhiệt.")
    queue_receipt(site, item, counter.printer_url, f"Quầy {counter.number}")
    return _detail(site, item, gettext("Đã gửi phiếu tới máy in của quầy {n}.", n=counter.number),
                   receipt=True)

