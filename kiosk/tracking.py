"""Tracking a dossier: the public page the receipt's QR opens, and the kiosk's "Tra cứu hồ sơ"."""

from flask import Blueprint, abort, current_app, request

from domain.tracking import RateLimiter, find_for_tracking, public_view, split_scanned_url
from motcua.web import render

bp = Blueprint("tracking", __name__)


def _rate_limited() -> bool:
    # One limiter per app, not per process: two apps in one process (tests) do not share counts.
    limiter = current_app.extensions.setdefault("tracking_limiter", RateLimiter())
    limit = current_app.config["TRACKING_LOOKUPS_PER_MINUTE"]
    return not limiter.allow(request.remote_addr or "?", limit)


@bp.get("/t/<code>")
@bp.get("/T/<code>")  # receipts print the URL in capitals (a smaller QR code)
def track(code):
    """The page printed on paper as a QR code: /t/<dossier code>?k=<check>."""
    if _rate_limited():
        abort(429)
    dossier = find_for_tracking(code, request.args.get("k", "") or request.args.get("K", ""))
    if dossier is None:
        return render("tracking/page.html", "tracking/partials/_result.html", view=None), 404
    return render("tracking/page.html", "tracking/partials/_result.html", view=public_view(dossier))


@bp.get("/kiosk/tra-cuu")
def lookup():
    """Type the code and check, or scan the receipt's QR code into the focused field."""
    scanned = request.args.get("scan", "")
    code, check = split_scanned_url(scanned) if scanned else (request.args.get("code", ""),
                                                               request.args.get("check", ""))
    if not (scanned or code or check):
        return render("tracking/lookup.html", "tracking/partials/_lookup_form.html", looked_up=False)
    if _rate_limited():
        abort(429)
    dossier = find_for_tracking(code, check)
    view = public_view(dossier) if dossier else None
    status = 200 if view else 404
    return render("tracking/lookup.html", "tracking/partials/_lookup_form.html", looked_up=True,
                  view=view), status
