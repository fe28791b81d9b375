"""Printers for staff: state of every printer, its history, and what to do with failed jobs."""

from flask import Blueprint, current_app, request

from domain import DomainError
from domain.printer_status import cancel_job, devices, history
from domain.printing import reprint
from domain.site import current_site, get_owned
from models import COUNTER_ROLES, PrintJob
from motcua.i18n import gettext
from motcua.transactions import after_commit
from motcua.web import passive, render
from motcua.worker import wake_print_lines

from .access import enforce_session, roles_required

bp = Blueprint("printers", __name__, url_prefix="/counter/printers")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)


def _page(message=None, level="info"):
    site = current_site()
    url = request.values.get("url", "")
    return render("printers/index.html", "printers/partials/_printers.html", site=site,
                  devices=devices(site), url=url, jobs=history(site, url) if url else [],
                  message=message, level=level)


@bp.get("", strict_slashes=False)
@staff_only
@passive
def index():
    """Every printer: online, paper, jobs waiting or failed (refreshes itself)."""
    return _page()


@bp.post("/jobs/<job_id>/<action>")
@staff_only
def job_action(job_id, action):
    """Reprint a job on its own printer, or cancel one that failed for good."""
    site = current_site()
    job = get_owned(PrintJob, site, job_id)
    if action == "cancel":
        cancel_job(job)
        return _page(gettext("Đã huỷ lệnh in."))
    if action != "reprint":
        raise DomainError("Thao tác không hợp lệ.")
    reprint(site, job, job.printer_url, job.device)
    app = current_app._get_current_object()
    after_commit(lambda: wake_print_lines(app))
    return _page(gettext("Đã gửi lệnh in lại."))
