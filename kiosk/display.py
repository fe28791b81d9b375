"""The display board: last called numbers and counters, a chime and a spoken call."""

import uuid
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import func, select

from domain.site import current_site
from domain.tickets import board_calls
from hardware.speech import announcement_text, announcement_wav, chime_wav, display_text
from models import TicketCall
from motcua.extensions import db
from motcua.web import passive, render

bp = Blueprint("display", __name__, url_prefix="/display")
SHOWN = 8
EPOCH = datetime(1970, 1, 1)


def _mark(moment: datetime | None) -> int:
    """A call's time as an integer the board sends back (microseconds since 1970)."""
    return (moment - EPOCH) // timedelta(microseconds=1) if moment is not None else 0


def _latest(site) -> int:
    """The time of the site's last call (one lookup on (site_id, called_at)); what a board sends back."""
    return _mark(db.session.scalar(
        select(func.max(TicketCall.called_at)).where(TicketCall.site_id == site.id)))


def _signature(calls: list[TicketCall]) -> str:
    """Which calls a board shows, in a few characters: a no-show changes it without a new call."""
    return format(zlib.crc32(",".join(str(c.id) for c in calls).encode()), "08x")


def _board_context(site, after: int | None, latest: int, calls: list[TicketCall]):
    fresh = [c for c in reversed(calls) if after is not None and _mark(c.called_at) > after]
    announce = [{"id": str(c.id), "text": display_text(c.code, c.counter_number)} for c in fresh]
    return {"site": site, "calls": calls, "latest": latest, "shown": _signature(calls),
            "announce": announce, "poll_seconds": current_app.config["DISPLAY_POLL_SECONDS"]}


@bp.get("", strict_slashes=False)
def board_page():
    site = current_site()
    return render("display/board.html", "display/partials/_board.html",
                  **_board_context(site, None, _latest(site), board_calls(site.id, SHOWN)))


@bp.get("/board")
@passive
def board():
    """Poll target: 204 while the board would look the same (no new call, and — when the board
    says what it shows — no number gone), else the new board."""
    site = current_site()
    after, shown = request.args.get("after", type=int), request.args.get("shown")
    latest = _latest(site)
    unchanged = after is not None and latest == after
    if unchanged and shown is None:  # a board that does not say what it shows: new calls only
        return Response(status=204)
    calls = board_calls(site.id, SHOWN)
    if unchanged and _signature(calls) == shown:
        return Response(status=204)
    return render("display/partials/_board.html", "display/partials/_board.html",
                  **_board_context(site, after, latest, calls))


@bp.get("/announcements/<call_id>.wav")
def announcement(call_id):
    """The chime and the Vietnamese call for one call, spoken by espeak-ng."""
    site = current_site()
    call = db.session.get(TicketCall, _uuid(call_id))
    if call is None or call.site_id != site.id:
        abort(404)
    text = announcement_text(call.code, call.counter_number)
    wav = announcement_wav(text, Path(current_app.instance_path) / "announcements",
                           current_app.config["ESPEAK_BINARY"])
    if wav is None:
        abort(404)  # the board then plays the chime and uses the browser's voice
    return Response(wav, mimetype="audio/wav", headers={"Cache-Control": "max-age=86400"})


@bp.get("/chime.wav")
def chime():
    return Response(chime_wav(), mimetype="audio/wav", headers={"Cache-Control": "max-age=86400"})


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(404)
