"""A scan at the kiosk on any screen, no field to touch first: a receipt opens its tracking result.

Anonymous, CSRF-protected like every kiosk POST. The kiosk takes no ID cards: a card's data is not
needed for a queue ticket or a lookup, so it is neither kept nor logged, only refused.
"""

import logging

from flask import Blueprint, redirect, request, url_for

from domain.scans import GARBLED_MESSAGE, classify
from motcua.errors import error_response

log = logging.getLogger(__name__)
bp = Blueprint("kiosk_scan", __name__, url_prefix="/kiosk")
CARD_MESSAGE = "Kiosk không đọc thẻ Căn cước. Vui lòng đến quầy."


@bp.post("/scan")
def scan():
    result = classify(request.form.get("scan", ""))
    if result.kind == "receipt":
        # Only the dossier code and the check go into the URL, as on the receipt itself.
        target = url_for("tracking.lookup", code=result.code, check=result.check)
        if request.headers.get("HX-Request") == "true":
            return "", 204, {"HX-Redirect": target}
        return redirect(target, code=303)
    if result.kind == "card" or result.card_like:
        return error_response(CARD_MESSAGE, 422)
    # Citizens cannot fix a scanner's settings: the log tells the administrator (never the text).
    log.info("garbled scan at the kiosk (%d characters, keyboard: %s)", len(request.form.get("scan", "")),
             result.message != GARBLED_MESSAGE)
    return error_response(GARBLED_MESSAGE, 422)
