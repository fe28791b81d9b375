"""Web helpers the kiosk's and the counter's PAKN screens share (kiosk/ and counter/ never import each
other): the form's values and refusals, the receipt's context with its QR code, and its print job."""

import segno
from flask import current_app, request
from markupsafe import Markup
from sqlalchemy import select

from domain import feedback as pakn
from domain.printing import queue_print_job
from domain.validation import InvalidInput
from models import PrintJob
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.transactions import after_commit
from motcua.worker import wake_print_lines
from sync.site import public_base_url

FIELDS = ("kind", "topic", "content", "dossier_code")
DOCUMENT = "feedback"  # the print job's document (domain.print_line.RENDERERS)


def form_values(form) -> dict:
    """What the citizen typed, kept as typed (bounded) to show again beside a refusal."""
    return {name: str(form.get(name, ""))[:pakn.CONTENT_LIMIT + 100] for name in FIELDS}


def field_errors(exc: InvalidInput) -> dict:
    return {exc.field or "form": gettext(exc.message, **exc.params)}


def qr_svg(url: str) -> Markup:
    """The receipt's QR code (EC level Q, quiet zone) as inline SVG: no script, no request."""
    code = segno.make_qr(url, error="q", boost_error=False)
    return Markup(code.svg_inline(scale=6, border=4, dark="#000", light="#fff", title=url))


def receipt_context(site, item) -> dict:
    """What a receipt screen (kiosk or counter) shows of a PAKN."""
    payload = pakn.slip_payload(site, item, public_base_url(request.host_url))
    return {"item": item, "slip": payload, "qr": qr_svg(payload["tracking_url"]),
            "kinds": pakn.KINDS, "topics": pakn.TOPICS}


def latest_job(site, item) -> PrintJob | None:
    """The last receipt printed for a PAKN (its payload names the code; nothing personal)."""
    return db.session.scalars(
        select(PrintJob).where(PrintJob.site_id == site.id, PrintJob.document == DOCUMENT,
                               PrintJob.payload["code"].as_string() == item.code)
        .order_by(PrintJob.id.desc()).limit(1)).first()


def queue_receipt(site, item, printer_url: str, device: str) -> PrintJob | None:
    """Queue the thermal receipt (None without a printer) and wake the print lines after commit."""
    payload = pakn.slip_payload(site, item, public_base_url(request.host_url))
    job = queue_print_job(site, printer_url, device, None, payload, document=DOCUMENT)
    if job is not None:
        app = current_app._get_current_object()
        after_commit(lambda: wake_print_lines(app))
    return job
