"""A scan at the counter wherever the cursor is: an ID card opens the intake, a receipt its dossier.

static/js/scanner.js posts what the scanner typed (`scan`) and which kinds the page takes in its own
scan field (`in_place`, e.g. "card" on the intake form). The card's data never goes into a URL or the
session cookie: the intake form is rendered straight into this response (htmx swaps it in and shows
/counter/dossiers/new in the address bar), or the page's own scan field gets the text back.
"""

import json
import logging

from flask import Blueprint, redirect, render_template, request, url_for

from domain.dossiers import card_values, fill_from_previous
from domain.scans import classify
from domain.site import current_site
from domain.tickets import current_ticket
from domain.tracking import find_for_tracking
from models import COUNTER_ROLES
from motcua.errors import error_response
from motcua.i18n import gettext
from motcua.web import wants_fragment

from .access import enforce_session, roles_required
from .intake import form_context
from .views import my_counter

log = logging.getLogger(__name__)
bp = Blueprint("counter_scan", __name__, url_prefix="/counter")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)
NOT_HERE = "Không tìm thấy hồ sơ {code} với mã tra cứu này tại điểm tiếp nhận. Hãy kiểm tra giấy tiếp nhận."


@bp.post("/scan")
@staff_only
def scan():
    site = current_site()
    result = classify(request.form.get("scan", ""))
    if result.kind == "receipt":
        dossier = find_for_tracking(result.code, result.check)
        if dossier is None or dossier.site_id != site.id:
            return error_response(NOT_HERE, 404, code=result.code)
        return _go(url_for("dossiers.show", dossier_id=dossier.id))
    if result.kind == "card":
        if "card" in request.form.get("in_place", "").split():
            # The intake form is open: its scan field fills the applicant and keeps what was typed.
            return "", 204, {"HX-Trigger": json.dumps({"scan-in-place": "card"})}
        return _intake(site, result.card)
    log.info("garbled scan at the counter (%d characters, card-like: %s)",
             len(request.form.get("scan", "")), result.card_like)
    return error_response(staff_message(result), 422)  # already translated; no params, so no formatting


def staff_message(result) -> str:
    """What an officer reads about a garbled scan: the reason, and what the card parser found."""
    message = gettext(result.message)
    if result.detail:
        message += " " + gettext(result.detail, **(result.detail_params or {}))
    return message


def _go(url: str):
    if request.headers.get("HX-Request") == "true":
        return "", 204, {"HX-Redirect": url}
    return redirect(url, code=303)


def _intake(site, card):
    """The intake form for the citizen whose card was scanned, with the ticket being served."""
    counter = my_counter(site)
    ticket = current_ticket(counter) if counter else None
    values = card_values(card)
    message = gettext("Đã đọc thẻ Căn cước của {name}.", name=card.full_name)
    reused = fill_from_previous(site, values)
    if reused:
        message += " " + gettext(
            "Công dân đã từng nộp hồ sơ: đã điền lại {n} thông tin từ lần trước, hãy kiểm tra.", n=reused)
    context = form_context(site, ticket=ticket, values=values)  # the ticket's procedures, the ID check
    body = render_template("dossiers/new.html", **context, message=message, level="info")
    headers = {"Cache-Control": "no-store"}
    if wants_fragment():
        headers.update({"HX-Retarget": "body", "HX-Reswap": "innerHTML show:window:top",
                        "HX-Push-Url": url_for("dossiers.new", ticket=ticket.id if ticket else None)})
    return body, 200, headers
