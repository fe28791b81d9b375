"""Feedback and complaints (PAKN) at the kiosk, and the public page a PAKN receipt's QR opens.

The kiosk form asks for no personal data: a kind, a topic, the text and, if the citizen wants, a
dossier code. A refusal shows the form again with the message beside its field and everything
typed kept (422). A success shows the receipt — code, check, deadlines and the QR code of
`<public base>/P/<CODE>?K=<CHECK>` — and prints it on the kiosk's printer after the commit.

A repeated submit (double tap, retry after a lost answer) makes no second PAKN: the form's one-use
key is the new row's id, signed (domain.feedback.request_key), and a key already used shows the
receipt of the PAKN it made. Nothing is kept in the session for it, so a retry whose first answer
never arrived (and so never set a cookie) is caught too.

`/P/<code>?K=<check>` answers like `/T/` (kiosk.tracking): counted against the same lookup budget
per client address, one identical 404 page for an unknown code, a wrong check or a malformed
either; at central too, where a site's PAKN arrive by sync.
"""

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file, session

from domain import feedback as pakn
from domain.clock import fmt_date, fmt_time, utcnow
from domain.printer_status import printer_down
from domain.site import current_site, find_kiosk, get_owned
from domain.tracking import may_still_arrive
from domain.validation import InvalidInput
from models import PrintJob
from motcua.extensions import limiter
from motcua.feedback_web import (
    DOCUMENT,
    field_errors,
    form_values,
    latest_job,
    queue_receipt,
    receipt_context,
)
from motcua.messages_en import EN
from motcua.web import render
from sync.central import feedback_site_time

from .tracking import LOOKUPS, _public_limit

bp = Blueprint("kiosk_feedback", __name__)  # /kiosk/gop-y… and the public /P/<code>
NOT_FOUND = ("Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập. "
             "Vui lòng kiểm tra lại phiếu tiếp nhận.")


def _kiosk(site):
    if request.args.get("k"):
        session["kiosk"] = request.args["k"]
    return find_kiosk(site, session.get("kiosk")) or find_kiosk(site, None)


@bp.get("/kiosk/gop-y")
def form():
    """The big touch form: kind, topic, text, an optional dossier code."""
    site = current_site()
    _kiosk(site)
    return _form(site, {}, {})


def _form(site, values: dict, errors: dict, key: str = "", status: int = 200):
    return render("feedback/kiosk_form.html", "feedback/partials/_kiosk_form.html", site=site,
                  kinds=pakn.KINDS, topics=pakn.TOPICS, values=values, errors=errors,
                  request_key=key or pakn.request_key(), limit=pakn.CONTENT_LIMIT), status


@bp.post("/kiosk/gop-y")
def submit():
    """Receive the PAKN, show its receipt and print it; a used key shows the receipt it made."""
    site = current_site()
    kiosk = _kiosk(site)
    key = str(request.form.get("request_key", ""))
    feedback_id = pakn.id_from_request_key(key)
    existing = pakn.submitted(site, feedback_id)
    if existing is not None:
        return _receipt(site, existing, latest_job(site, existing), repeated=True)
    values = form_values(request.form)
    try:
        item = pakn.submit_feedback(site, channel="kiosk", kind=values["kind"], topic=values["topic"],
                                    content=values["content"], dossier_code=values["dossier_code"],
                                    feedback_id=feedback_id)
    except InvalidInput as exc:
        return _form(site, values, field_errors(exc), key if feedback_id else "", 422)
    job = None
    if kiosk is not None:
        job = queue_receipt(site, item, kiosk.printer_url or "", f"Kiosk {kiosk.code}")
    return _receipt(site, item, job)


def _receipt(site, item, job, repeated=False):
    down = job is not None and printer_down(site, job.printer_url)
    return render("feedback/kiosk_receipt.html", "feedback/partials/_kiosk_receipt.html", site=site,
                  job=job, printer_down=down, repeated=repeated, **receipt_context(site, item))


def _feedback_job(site, job_id) -> PrintJob:
    job = get_owned(PrintJob, site, job_id)
    if job.document != DOCUMENT:
        abort(404)
    return job


@bp.get("/kiosk/gop-y/in/<job_id>")
def print_status(job_id):
    """The receipt's print state, polled by the receipt screen until it settles."""
    site = current_site()
    job = _feedback_job(site, job_id)
    return render("feedback/partials/_print_status.html", "feedback/partials/_print_status.html",
                  job=job, printer_down=printer_down(site, job.printer_url))


@bp.get("/kiosk/gop-y/in/<job_id>.png")
def print_preview(job_id):
    """The picture a preview:// printer kept of a PAKN receipt (no personal data on it)."""
    site = current_site()
    job = _feedback_job(site, job_id)
    path = Path(current_app.instance_path) / "print_preview" / f"{job.id}.png"
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.get("/p/<code>")
@bp.get("/P/<code>")  # receipts print the URL in capitals (a smaller QR code)
@limiter.shared_limit(_public_limit, scope=LOOKUPS)
def track(code):
    """The page printed on the receipt as a QR code: /P/<PAKN code>?K=<check>."""
    check = request.args.get("K", "") or request.args.get("k", "")
    item = pakn.find_for_tracking(code, check)
    view = public_view(item) if item is not None else None
    awaited = _awaited(code, check) if view is None else None
    # The language switch returns to this URL, so the answer that finds nothing leaves it out: that
    # page is the same bytes whatever was asked, and says it in English too instead.
    response = render("feedback/public.html", "feedback/partials/_public.html", view=view, awaited=awaited,
                      not_found_en=EN[NOT_FOUND])
    response.headers["Cache-Control"] = "no-store"
    return response, (200 if view else 404)


def _awaited(code: str, check: str) -> dict | None:
    """At central: the reception point a well-formed PAKN code names, when central has no such PAKN
    and it is recent enough that its site may not have sent it yet (as /T/ says for a dossier)."""
    code, check = (code or "").strip().upper(), (check or "").strip().upper()
    if current_app.config["ROLE"] != "central" or not pakn.CODE.fullmatch(code) \
            or not pakn.CHECK.fullmatch(check):
        return None
    found = feedback_site_time(code)
    if found is None or not may_still_arrive(code.replace("-PA-", "-", 1), found[1], utcnow()):
        return None
    site, pushed = found
    return {"site": site.name, "synced_at": f"{fmt_date(pushed)} {fmt_time(pushed)}" if pushed else None}


def public_view(item) -> dict:
    """What anyone holding the receipt may see: no staff names, not even the text they wrote."""
    return {"code": item.code, "kind": pakn.KINDS[item.kind], "topic": pakn.TOPICS[item.topic],
            "office": pakn.office_name(item), "received_at": item.received_at, "due_at": item.due_at,
            "status": pakn.STATUS_LABELS[item.status], "status_key": item.status,
            "answer": item.answer if item.status in ("answered", "rejected") else "",
            "answered_at": item.answered_at, "late": pakn.is_late(item)}
