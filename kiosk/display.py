"""The display board: last called numbers and counters, a chime and a spoken call."""

import uuid
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import func, select

from domain.site import current_site
from hardware.speech import announcement_text, announcement_wav, chime_wav, display_text
from models import Event
from motcua.extensions import db
from motcua.web import passive, render

bp = Blueprint("display", __name__, url_prefix="/display")
CALL_KINDS = ("ticket.called", "ticket.recalled")
SHOWN = 8


def _calls(site, limit=SHOWN) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.kind.in_(CALL_KINDS), Event.site_id == site.id)
            .order_by(Event.seq.desc())
            .limit(limit)
        )
    )


def _board_context(site, after: int | None):
    calls = _calls(site)
    latest = calls[0].seq if calls else 0
    fresh = [c for c in reversed(calls) if after is not None and c.seq > after]
    announce = [
        {"id": str(c.id), "text": display_text(c.payload["code"], c.payload["counter"])}
        for c in fresh
    ]
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
    latest = max(  # one indexed lookup per kind: (site_id, kind, seq) answers each directly
        db.session.scalar(select(func.max(Event.seq)).where(Event.site_id == site.id, Event.kind == kind))
        or 0
        for kind in CALL_KINDS
    )
    if after is not None and latest == after:
        return Response(status=204)
    return render("display/partials/_board.html", "display/partials/_board.html",
                  **_board_context(site, after))


@bp.get("/announcements/<event_id>.wav")
def announcement(event_id):
    """The chime and the Vietnamese call for one call event, spoken by espeak-ng."""
    site = current_site()
    event = db.session.scalars(
        select(Event).where(Event.site_id == site.id, Event.kind.in_(CALL_KINDS))
        .where(Event.id == _uuid(event_id))
    ).first()
    if event is None:
        abort(404)
    text = announcement_text(event.payload["code"], event.payload["counter"])
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
