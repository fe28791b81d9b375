"""The display board: last called numbers and counters, a chime and a spoken call."""

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import func, select

from domain.site import current_site
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


def _calls(site, limit=SHOWN) -> list[TicketCall]:
    return list(
        db.session.scalars(
            select(TicketCall).where(TicketCall.site_id == site.id)
            .order_by(TicketCall.called_at.desc(), TicketCall.id.desc())
            .limit(limit)
        )
    )


def _board_context(site, after: int | None):
    calls = _calls(site)
    latest = _mark(calls[0].called_at) if calls else 0
    fresh = [c for c in reversed(calls) if after is not None and _mark(c.called_at) > after]
    announce = [{"id": str(c.id), "text": display_text(c.code, c.counter_number)} for c in fresh]
    return {"site": site, "calls": calls, "latest": latest, "announce": announce,
            "poll_seconds": current_app.config["DISPLAY_POLL_SECONDS"]}


@bp.get("", strict_slashes=False)
def board_page():
    site = current_site()
    return render("display/board.html", "display/partials/_board.html",
                  **_board_context(site, None))


@bp.get("/board")
@passive
def board():
    """Poll target: 204 when nothing new was called since `after`, else the new board."""
    site = current_site()
    after = request.args.get("after", type=int)
    latest = _mark(db.session.scalar(  # one lookup on (site_id, called_at)
        select(func.max(TicketCall.called_at)).where(TicketCall.site_id == site.id)))
    if after is not None and latest == after:
        return Response(status=204)
    return render("display/partials/_board.html", "display/partials/_board.html",
                  **_board_context(site, after))


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
