"""Tracking a dossier: the public page the receipt's QR opens, and the kiosk's "Tra cứu hồ sơ".

Both count against one limit per client address (Flask-Limiter, RATELIMIT_STORAGE_URI: memory at a
site, Redis shared by central's workers); a site's own kiosk, which every citizen shares, counts its
lookups apart, per kiosk, against a larger budget (KIOSK_LOOKUPS_PER_MINUTE).
Every answer that finds nothing is the same page, whether
the code is unknown, the check wrong or either malformed — except at central, for a code whose site
may simply not have sent it yet (see _awaited).
"""

from flask import Blueprint, current_app, request, session
from flask_limiter.util import get_remote_address

from domain.clock import fmt_date, fmt_time, utcnow
from domain.opening_hours import office_card
from domain.site import current_site, find_kiosk
from domain.tracking import find_for_tracking, may_still_arrive, normalised, public_view, split_scanned_url
from motcua.extensions import limiter
from motcua.messages_en import EN
from motcua.web import render
from sync.central import dossier_site_time

bp = Blueprint("tracking", __name__)
LOOKUPS = "tracking-lookups"  # the limit's scope: the page and the kiosk lookup share one budget
# The words tracking/partials/_result.html shows when nothing is found; the page adds them in English.
NOT_FOUND = "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập. Vui lòng kiểm tra lại giấy tiếp nhận."


def _public_limit() -> str:
    return f"{current_app.config['TRACKING_LOOKUPS_PER_MINUTE']} per minute"


def _kiosk_limit() -> str:
    """A site's own kiosk serves every citizen from one address, so it gets a larger budget."""
    if _at_own_kiosk():
        return f"{current_app.config['KIOSK_LOOKUPS_PER_MINUTE']} per minute"
    return _public_limit()


def _lookup_key() -> str:
    """Whose budget a kiosk lookup spends: the kiosk's own, apart from its address's public budget
    (phones on the site's Wi-Fi may share that address); else the address's."""
    if _at_own_kiosk():
        # with the address: a browser elsewhere naming the kiosk cannot spend the real kiosk's budget
        return f"kiosk:{_kiosk_code()}@{get_remote_address()}"
    return get_remote_address()


def _at_own_kiosk() -> bool:
    # The browser opened /kiosk?k=<code> of this site (the admin page's kiosk links). Not proof of a
    # device — kiosks are anonymous — but anyone else who does so only gets a kiosk's budget for their
    # own address, at a site, on its LAN.
    code = _kiosk_code()
    return bool(code) and current_app.config["ROLE"] == "site" and \
        find_kiosk(current_site(), str(code)) is not None


def _nothing_asked() -> bool:
    return not (request.args.get("scan") or request.args.get("code") or request.args.get("check"))


@bp.get("/t/<code>")
@bp.get("/T/<code>")  # receipts print the URL in capitals (a smaller QR code)
@limiter.shared_limit(_public_limit, scope=LOOKUPS)
def track(code):
    """The page printed on paper as a QR code: /T/<dossier code>?K=<check>."""
    check = request.args.get("k", "") or request.args.get("K", "")
    dossier = find_for_tracking(code, check)
    if dossier is not None:
        return _page(view=public_view(dossier), office=office_card(dossier.site_id))
    awaited = _awaited(code, check)
    return _page(awaited=awaited, office=awaited and office_card(awaited["site_id"])), 404


def _page(view=None, awaited=None, office=None):
    # The language switch returns to this URL, so it is left out of the answer that finds nothing:
    # that page must be the same bytes whatever was asked. It says it in English too instead.
    response = render("tracking/page.html", "tracking/partials/_result.html", view=view, awaited=awaited,
                      office=office, switch_language=bool(view or awaited), not_found_en=EN[NOT_FOUND])
    response.headers["Cache-Control"] = "no-store"  # a dossier's state, behind its check: no proxy keeps it
    return response


def _awaited(code: str, check: str) -> dict | None:
    """At central: the reception point a well-formed code names, when central has no such dossier
    and the code is recent enough that its site may not have sent it yet; None otherwise."""
    typed = normalised(code, check)
    if current_app.config["ROLE"] != "central" or typed is None:
        return None
    found = dossier_site_time(typed[0])
    if found is None or not may_still_arrive(typed[0], found[1], utcnow()):
        return None
    site, pushed = found
    return {"site": site.name, "site_id": site.id,
            "synced_at": f"{fmt_date(pushed)} {fmt_time(pushed)}" if pushed else None}


def _kiosk_code() -> str:
    """The kiosk this browser says it is: ?k= on this request (as /kiosk?k=K1), else its session's."""
    return str(request.args.get("k") or session.get("kiosk") or "")[:40]


@bp.get("/kiosk/tra-cuu")
@limiter.shared_limit(_kiosk_limit, scope=LOOKUPS, key_func=_lookup_key, exempt_when=_nothing_asked)
def lookup():
    """Type the code and check, or scan the receipt's QR code into the focused field."""
    if request.args.get("k"):
        session["kiosk"] = _kiosk_code()
    scanned = request.args.get("scan", "")
    code, check = split_scanned_url(scanned) if scanned else (request.args.get("code", ""),
                                                               request.args.get("check", ""))
    if _nothing_asked():
        return render("tracking/lookup.html", "tracking/partials/_lookup_form.html", looked_up=False)
    dossier = find_for_tracking(code, check)
    view = public_view(dossier) if dossier else None
    status = 200 if view else 404
    return render("tracking/lookup.html", "tracking/partials/_lookup_form.html", looked_up=True,
                  view=view, office=office_card(dossier.site_id) if dossier else None), status
