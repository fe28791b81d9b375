"""The intake form (Mẫu 01) as the officer sees it: the procedures offered, the warnings, the errors.

counter/dossiers.py holds the routes; this module builds what its templates receive, so every rule
(which procedures a ticket's queue takes, whether an ID number contradicts the birth date, which field
an error belongs beside) is decided here in Python and the templates only loop over it.
"""

from flask import redirect, request, session
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError
from domain import validation as check
from domain.cccd import id_mismatch
from domain.collation import vi
from domain.dossiers import CHANNELS, narrowed_procedures
from domain.tickets import finish
from models import Dossier, Procedure
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.web import render

from .views import my_counter

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
INTAKE_LIMITS = {name: limit for name, (_label, limit, _kind) in INTAKE_TEXT.items()}  # maxlength
# Fields of the form in the order the officer meets them: the first one in error gets the focus.
FORM_FIELDS = ("procedure_id", "applicant_name", "applicant_id_number", "id_card_checked",
               "applicant_birth_date", "applicant_gender", "applicant_address", "applicant_phone",
               "applicant_email", "proxy_name", "proxy_id_number", "proxy_phone", "proxy_address",
               "proxy_authorisation", "documents", "fee", "sets", "channel", "notes", "missing_extra",
               "reasons")
TICKET_DONE = "intake_ticket_done"  # session key: the ticket finished with the dossier just made


class IntakeInvalid(check.InvalidInput):
    """Several fields refused at once; the first one's message and field stand for them all."""

    def __init__(self, errors: list[DomainError]):
        first = errors[0]
        super().__init__(first.message, getattr(first, "field", ""), **first.params)
        self.status = max(error.status for error in errors)
        self.errors = errors


def procedures(site, ticket=None, show_all: bool = False, chosen=None) -> tuple[list, bool]:
    """The procedures to offer, narrowed to the ticket's queue unless all are asked for."""
    active = list(db.session.scalars(
        select(Procedure).where(Procedure.site_id == site.id, Procedure.active.is_(True))
        .order_by(vi(Procedure.field), vi(Procedure.name))))
    fields = ticket.queue.fields if ticket is not None and not show_all else None
    return narrowed_procedures(active, fields, chosen)


def applicant_mismatch(values: dict):
    """What the ID number says against the birth date and gender typed (a warning, never a refusal)."""
    try:
        born = check.day(values.get("applicant_birth_date"), "Ngày sinh")
    except DomainError:
        born = None
    number = "".join((values.get("applicant_id_number") or "").split())
    return id_mismatch(number, born, values.get("applicant_gender") or "")


def form_context(site, *, ticket=None, procedure=None, values=None, errors=None, show_all=False,
                 limits=None) -> dict:
    """Everything templates/dossiers/partials/_intake_form.html is given."""
    values = values or {}
    errors = errors or {}
    offered, narrowed = procedures(site, ticket, show_all, procedure)
    return {"site": site, "ticket": ticket, "procedures": offered, "narrowed": narrowed,
            "show_all": show_all, "procedure": procedure, "values": values, "channels": CHANNELS,
            "errors": errors, "limits": limits or INTAKE_LIMITS, "mismatch": applicant_mismatch(values),
            "focus": next((name for name in FORM_FIELDS if name in errors), None),
            "summary": [(name if name in FORM_FIELDS else None, text) for name, text in errors.items()]}


def intake_page(context: dict, status: int = 200):
    """The whole page, or for htmx the form alone (it replaces itself)."""
    return render("dossiers/new.html", "dossiers/partials/_intake_form.html", **context), status


def errors_of(exc: DomainError) -> dict:
    """{field: translated message} for each refusal (a field-less one under "")."""
    errors = {}
    for error in getattr(exc, "errors", [exc]):
        errors.setdefault(getattr(error, "field", "") or "", gettext(error.message, **error.params))
    return errors


def finish_served_ticket(site, ticket, dossier) -> bool:
    """Finish the ticket with its dossier when it is being served at this officer's counter."""
    counter = my_counter(site)
    if ticket is None or counter is None or ticket.counter_id != counter.id or ticket.status != "called":
        return False
    finish(ticket, counter, current_user)
    session[TICKET_DONE] = {"dossier": str(dossier.id), "code": ticket.code}
    return True


def ticket_done(dossier) -> str | None:
    """The code of the ticket finished with this dossier, said once on its page."""
    done = session.get(TICKET_DONE)
    if not done or done.get("dossier") != str(dossier.id):
        return None
    session.pop(TICKET_DONE)
    return done.get("code")


def see_other(url: str):
    """After a POST: htmx follows HX-Redirect with a full page load; a plain form gets a 303."""
    if request.headers.get("HX-Request") == "true":
        return "", 204, {"HX-Redirect": url}
    return redirect(url, code=303)
