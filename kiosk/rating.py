"""Citizens rate the service: the counter's citizen screen and the kiosk.

The counter's screen (/danh-gia/quay/<n>) is a device page like the display board: public on the
LAN, no login. It polls for the service that just ended at its counter and asks for a rating; the
kiosk finds a finished ticket by its number, and a returned dossier's tracking page offers a link.
Each panel carries a signed token naming the service, counter, officer and channel, so what a
citizen posts can rate that service only, once.
"""

import uuid

from flask import Blueprint, Response, abort, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from domain import DomainError, NotFound
from domain.ratings import (
    REASONS,
    Service,
    finished_ticket,
    pending_for_counter,
    record_rating,
    returned_dossier,
    scale_levels,
)
from domain.site import current_site, get_owned, site_queues
from models import RATING_CHANNELS, Counter, Dossier, StaffUser, Ticket
from motcua.extensions import db, limiter
from motcua.i18n import gettext_noop
from motcua.web import passive, render

from .tracking import LOOKUPS, _kiosk_limit, _lookup_key

bp = Blueprint("rating", __name__, url_prefix="/danh-gia")
SALT = "motcua.rating"
TOKEN_SECONDS = 30 * 60  # a panel left open, or a tracking page read slowly, still records
RETURN_SECONDS = 5  # the thank-you screen stays this long, then the idle (or kiosk home) screen
REASON_SECONDS = 20  # the reasons step sends the chosen level by itself if nobody taps
EXPIRED = gettext_noop("Lượt đánh giá này đã hết thời gian hoặc không hợp lệ. Xin mời đánh giá lại từ đầu.")
# Colours green → red (static/css/rating.css); the worst level is always red, whatever its face.
FACE_TONES = {"happy": "tone-0", "content": "tone-1", "neutral": "tone-2", "unhappy": "tone-3",
              "angry": "tone-4"}


@bp.before_request
def _at_sites_only():
    """A rating is given where the service was: a site's screens, none at central."""
    if current_app.config["ROLE"] != "site":
        abort(404)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign(service: Service, channel: str) -> str:
    """A token naming the service, its counter and officer, and where it is rated."""
    return _serializer().dumps({"k": service.kind, "s": str(service.subject_id), "ch": channel,
                                "o": service.officer_id and str(service.officer_id),
                                "c": service.counter_id and str(service.counter_id)})


def _read(token: str) -> dict:
    try:
        claims = _serializer().loads(token or "", max_age=TOKEN_SECONDS)
        claims["subject"] = uuid.UUID(claims["s"])
        claims["officer"] = uuid.UUID(claims["o"]) if claims["o"] else None
        claims["counter"] = uuid.UUID(claims["c"]) if claims["c"] else None
        if claims["k"] not in ("ticket", "dossier") or claims["ch"] not in RATING_CHANNELS:
            raise ValueError(claims["k"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(EXPIRED) from None
    return claims


@bp.get("/quay/<int:number>")
def screen(number):
    """The small screen facing the citizen at counter `number`."""
    counter = _counter(number)
    return render("rating/screen.html", "rating/partials/_panel.html",
                  **_screen_state(counter, pending_for_counter(counter)))


@bp.get("/quay/<int:number>/cho")
@passive
def waiting(number):
    """Polled every 2 s: 204 while nothing changes, else the idle screen or the question."""
    counter = _counter(number)
    showing = request.args.get("showing")
    pending = pending_for_counter(counter)
    if (pending is None and showing is None) or (pending and showing == str(pending.subject_id)):
        return Response(status=204)
    return render("rating/screen.html", "rating/partials/_panel.html", **_screen_state(counter, pending))


def _counter(number: int) -> Counter:
    site = current_site()
    counter = db.session.scalars(select(Counter).where(Counter.site_id == site.id,
                                                       Counter.number == number)).first()
    if counter is None:
        raise NotFound("Không có quầy số {n}.", n=number)
    return counter


def _screen_state(counter: Counter, pending: Service | None) -> dict:
    if pending is not None:
        return _ask(pending, "counter_screen")
    return {"state": "idle", "channel": "counter_screen", "number": counter.number, "site": current_site(),
            "poll_url": url_for("rating.waiting", number=counter.number)}


def _ask(service: Service, channel: str, token: str | None = None) -> dict:
    """The question: the faces of the site's scale for one service (polling on the counter's screen
    for a newer service, which replaces it)."""
    officer = db.session.get(StaffUser, service.officer_id) if service.officer_id else None
    counter = db.session.get(Counter, service.counter_id) if service.counter_id else None
    number = counter.number if counter else None
    poll = number and channel == "counter_screen" and url_for(
        "rating.waiting", number=number, showing=str(service.subject_id))
    return {"state": "ask", "site": current_site(), "channel": channel, "number": number, "poll_url": poll,
            "token": token or sign(service, channel), "service": service,
            "officer_name": officer.full_name if officer else "", "levels": _levels()}


def _levels() -> list[dict]:
    """The site's scale, best first, each with its colour (green → red) and whether it asks why."""
    levels = scale_levels()
    return [{"level": item.level, "label": item.label, "face": item.face,
             "tone": "tone-4" if item.level == 1 else FACE_TONES[item.face],
             "asks_reason": item.sentiment != "satisfied"} for item in levels]


@bp.get("/phieu")
def panel():
    """The question again from its token, or with `level` the reasons step for that level."""
    claims = _read(request.args.get("t", ""))
    state = _ask(_service(claims), claims["ch"], request.args["t"])
    chosen = next((item for item in state["levels"] if str(item["level"]) == request.args.get("level")), None)
    if chosen is not None:
        state.update(state="reasons", chosen=chosen, reasons=REASONS, send_after=REASON_SECONDS)
    return _page(state)


def _service(claims: dict) -> Service:
    """The service a token names, as it stands now (rated or not: recording decides)."""
    subject = _subject(claims)
    if claims["k"] == "ticket":
        return Service("ticket", subject.id, subject.code, claims["officer"], claims["counter"],
                       subject.finished_at)
    return Service("dossier", subject.id, "", claims["officer"], claims["counter"], subject.returned_at)


def _subject(claims: dict) -> Ticket | Dossier:
    return get_owned(Ticket if claims["k"] == "ticket" else Dossier, current_site(), claims["subject"])


@bp.post("", strict_slashes=False)
def rate():
    """Record the level (and reasons) a citizen tapped, then thank them."""
    number = request.form.get("quay", type=int)  # the counter's screen says where it goes back to
    try:
        claims = _read(request.form.get("token", ""))
        level = request.form.get("level", type=int)
        if level not in {item.level for item in scale_levels()}:
            raise DomainError("Mức đánh giá không hợp lệ.")
        record_rating(current_site(), level=level, channel=claims["ch"], officer_id=claims["officer"],
                      counter_id=claims["counter"], reasons=request.form.getlist("reasons")[:len(REASONS)],
                      **{claims["k"]: _subject(claims)})
    except DomainError as error:  # the citizen's screen says so, then goes back by itself
        return _page(_finale("notice", number, message=error.message, params=error.params)), error.status
    return _page(_finale("thanks", number))


def _finale(state: str, number: int | None, **context) -> dict:
    """The thank-you or a message, which returns to the idle screen (or the kiosk home) by itself."""
    back = url_for("rating.waiting", number=number, showing="done") if number else url_for("kiosk.home")
    return {"state": state, "site": current_site(), "channel": "counter_screen" if number else "kiosk",
            "number": number, "back_url": back, "back_seconds": RETURN_SECONDS,
            **context}


@bp.get("", strict_slashes=False)
@limiter.shared_limit(_kiosk_limit, scope=LOOKUPS, key_func=_lookup_key,
                      exempt_when=lambda: not request.args.get("so"))
def kiosk():
    """The kiosk's "Đánh giá dịch vụ": type the number on today's ticket, then rate."""
    site = current_site()
    typed = request.args.get("so", "")
    if not typed:
        return _page(_lookup(site))
    try:
        return _page(_ask(finished_ticket(site, typed), "kiosk"))
    except DomainError as error:
        return _page(_lookup(site, typed, message=error.message, params=error.params)), error.status


def _lookup(site, typed: str = "", **context) -> dict:
    letters = sorted({queue.letter for queue in site_queues(site)})
    return {"state": "lookup", "site": site, "channel": "kiosk", "typed": typed[:8], "letters": letters,
            **context}


def _page(state: dict):
    page = "rating/screen.html" if state.get("channel") == "counter_screen" else "rating/kiosk.html"
    return render(page, "rating/partials/_panel.html", **state)


@bp.app_template_global()
def rating_link(code: str | None) -> str | None:
    """Where a returned, unrated dossier's tracking page (at a site, not central) offers a rating."""
    if current_app.config["ROLE"] != "site" or not code:
        return None
    dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).first()
    service = returned_dossier(dossier) if dossier and dossier.site_id == current_site().id else None
    return url_for("rating.panel", t=sign(service, "kiosk")) if service else None
