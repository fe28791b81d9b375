"""The sync API on central (`/api/v1/…`, a stable contract; docs/central.md describes it).

Every call but /health carries the site's credential as `Authorization: Bearer <credential>`; central
knows the site from it. Answers are JSON, errors too (motcua.errors), and each carries central's time
so a site can tell how far its clock is off.
"""

import math
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from domain.clock import utcnow
from domain.events import InvalidEvent
from models import ReceptionPoint
from motcua.extensions import csrf, db, limiter
from motcua.transactions import own_writes, write_transaction

from . import central

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # machine to machine, authenticated by the credential, never by a cookie


def _credential_key() -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").partition(".")[0][:16] or (request.remote_addr or "?")


def _credential() -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def _site(touch: bool = True):
    if current_app.config["ROLE"] != "central":
        abort(404)
    site = central.site_for(_credential(), touch) if _credential() else None
    if site is None:
        response = jsonify(error="Thông tin xác thực của điểm tiếp nhận không hợp lệ hoặc đã bị thu hồi.",
                           status=401)
        response.status_code = 401
        abort(response)
    return site


def _number(name: str, default: int | None, low: int = 0) -> int | None:
    value = request.headers.get(name) if name.startswith("X-") else request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        abort(400)
    if number < low or number > 2**62:
        abort(400)
    return number


def _answer(body: dict, status: int = 200):
    body["server_time"] = utcnow().isoformat()
    return jsonify(body), status


@bp.get("/health")
def health():
    return _answer({"role": current_app.config["ROLE"]})


@bp.post("/sync/push")
@own_writes
@limiter.limit(lambda: current_app.config["SYNC_LIMIT_PER_SITE"], key_func=_credential_key)
def push():
    """Store a batch of the site's events: 200 with what happened to each, 409 when one of them
    conflicts with an event already stored under its id (that one is quarantined, the rest stored).

    The credential and every envelope are checked before the log's lock is taken (own_writes), so
    pushes from several sites parse and validate side by side; only storing takes turns."""
    found = _site(touch=False)
    site = SimpleNamespace(id=found.id, agency_code=found.agency_code)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    waiting = _number("X-Motcua-Waiting", None)
    db.session.rollback()  # end the read: nothing below waits for the lock while holding it open
    try:
        checked = central.check_batch(site, body.get("events"))
        with write_transaction():
            central.site_for(_credential())  # notes the credential's use
            result = central.ingest(db.session.get(ReceptionPoint, site.id), checked, body.get("keys"),
                                    waiting)
    except InvalidEvent as error:
        return _answer({"error": f"Lô sự kiện không hợp lệ: {error}"[:500], "status": 422}, 422)
    except IntegrityError as error:
        current_app.logger.warning("push from %s refused: %s", site.agency_code, error.orig)
        return _answer({"error": "Lô sự kiện tham chiếu dữ liệu mà máy chủ trung tâm chưa có, hoặc "
                                 "trùng số/mã đã có.", "status": 422}, 422)
    return _answer(result.as_json(), 409 if result.conflicts else 200)


@bp.get("/sync/pull")
@limiter.limit(lambda: current_app.config["SYNC_LIMIT_PER_SITE"], key_func=_credential_key)
def pull():
    """The next page of what central has for this site, after the site's cursor."""
    site = _site()
    after = _number("after", 0)
    limit = _number("limit", central.MAX_BATCH, low=1)
    offset = request.headers.get("X-Motcua-Clock")
    offset_ms = None
    if offset:
        try:
            offset_ms = int(float(offset)) - int(utcnow().timestamp() * 1000)
        except ValueError:
            abort(400)
        if not math.isfinite(offset_ms) or abs(offset_ms) > 10**13:
            abort(400)
    page = central.feed(site, after, limit)
    central.note_pull(site, _number("X-Motcua-Waiting", None), offset_ms)
    return _answer({"events": page.events, "keys": page.keys, "cursor": page.cursor, "more": page.more,
                    "site_id": str(site.id), "agency_code": site.agency_code,
                    "public_url": _public_url()})


def _public_url() -> str:
    """Where receipts' QR codes should point: central's public address."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
