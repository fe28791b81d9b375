"""The official forms of a dossier as PDFs: Mẫu 02, 03, 04, the stop notice, the control slip, the log."""

from flask import Blueprint, request

from domain import NotFound, form_data
from domain.site import current_site, get_owned
from hardware.forms import control_slip_pdf, notice_pdf, tracking_log_pdf
from models import COUNTER_ROLES, Dossier

from .access import enforce_session, roles_required
from .dossiers import checked_period, pdf_response

bp = Blueprint("forms", __name__, url_prefix="/counter/dossiers")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
RENDERERS = {"supplement": notice_pdf, "refusal": notice_pdf, "apology": notice_pdf, "stop": notice_pdf,
             "control": control_slip_pdf}


@bp.get("/<dossier_id>/forms/<kind>.pdf")
@staff_only
def form(dossier_id, kind):
    """One form of a dossier; refused when the dossier has none of that kind."""
    if kind not in RENDERERS:
        raise NotFound("Không tìm thấy dữ liệu yêu cầu (có thể đã bị xoá hoặc đường dẫn sai).")
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    data = form_data.FORMS[kind](site, dossier)
    return pdf_response(RENDERERS[kind](data), f"{dossier.code or dossier.id}-{kind}.pdf")


@bp.get("/log.pdf")
@staff_only
def log():
    """Sổ theo dõi hồ sơ for ?from=dd/mm/yyyy&to=dd/mm/yyyy (today when empty), A4 landscape."""
    site = current_site()
    start, end = checked_period(request.args)
    data = form_data.tracking_log(site, form_data.logged_dossiers(site, start, end), start, end)
    return pdf_response(tracking_log_pdf(data), f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
