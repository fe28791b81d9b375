"""Citizens rate a service: a finished ticket or a returned dossier, once, with no personal data.

The scale is the site's setting (RATING_SCALE: 3, 4 or 5 levels, domain.md §6); the raw level and
any reason codes are kept, and each level maps to a sentiment — "dissatisfied" is what Decision 766
counts as a dislike (domain.md §4, indicator 5.4).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from models import Counter, Dossier, DossierStep, Event, Rating, Ticket, TicketCall
from motcua.extensions import db

from . import DomainError, NotFound
from .clock import business_date, utcnow
from .events import record


@dataclass(frozen=True)
class Level:
    level: int  # 1 (worst) … scale (best)
    label: str
    face: str  # the face drawn on the button: happy, content, neutral, unhappy, angry
    sentiment: str  # satisfied | neutral | dissatisfied


SCALES: dict[int, tuple[Level, ...]] = {
    3: (Level(3, "Rất hài lòng", "happy", "satisfied"),
        Level(2, "Hài lòng", "content", "satisfied"),
        Level(1, "Không hài lòng", "unhappy", "dissatisfied")),
    4: (Level(4, "Rất hài lòng", "happy", "satisfied"),
        Level(3, "Hài lòng", "content", "satisfied"),
        Level(2, "Bình thường", "neutral", "neutral"),
        Level(1, "Không hài lòng", "unhappy", "dissatisfied")),
    5: (Level(5, "Rất hài lòng", "happy", "satisfied"),
        Level(4, "Hài lòng", "content", "satisfied"),
        Level(3, "Bình thường", "neutral", "neutral"),
        Level(2, "Không hài lòng", "unhappy", "dissatisfied"),
        Level(1, "Rất không hài lòng", "angry", "dissatisfied")),
}
# Reason buttons (domain.md §6: counter devices' "Chờ lâu / Nghiệp vụ kém / Thái độ kém"), offered
# with any level and all optional; the codes are stored, the labels shown.
REASONS = {
    "wait": "Chờ lâu",
    "guidance": "Hướng dẫn chưa rõ ràng",
    "competence": "Nghiệp vụ chưa tốt",
    "attitude": "Thái độ chưa tốt",
    "visits": "Phải đi lại nhiều lần",
    "cost": "Chi phí ngoài quy định",
    "facilities": "Cơ sở vật chất chưa tốt",
}
MAX_REASONS = len(REASONS)


def scale_levels(scale: int | None = None) -> tuple[Level, ...]:
    """The levels of the site's scale (or of `scale`), best first."""
    scale = scale or current_app.config["RATING_SCALE"]
    if scale not in SCALES:
        raise DomainError("Thang đánh giá phải có 3, 4 hoặc 5 mức.")
    return SCALES[scale]


def sentiment_of(scale: int, level: int) -> str:
    for candidate in SCALES[scale]:
        if candidate.level == level:
            return candidate.sentiment
    raise DomainError("Mức đánh giá không hợp lệ.")


def already_rated(ticket=None, dossier=None) -> bool:
    column, subject = (Rating.ticket_id, ticket) if ticket is not None else (Rating.dossier_id, dossier)
    return db.session.scalar(select(Rating.id).where(column == subject.id)) is not None


def record_rating(site, *, level: int, channel: str, ticket=None, dossier=None, officer_id=None,
                  counter_id=None, reasons=(), scale: int | None = None) -> Rating:
    """Keep one rating of one service (a ticket finished or a dossier returned), with its event."""
    if (ticket is None) == (dossier is None):
        raise DomainError("Mỗi lượt đánh giá dành cho đúng một lượt phục vụ.")
    if ticket is not None and ticket.status != "done":
        raise DomainError("Số {code} chưa được phục vụ xong, chưa thể đánh giá.", code=ticket.code)
    if dossier is not None and dossier.status != "returned":
        raise DomainError("Hồ sơ {code} chưa trả kết quả, chưa thể đánh giá.", code=dossier.code or "—")
    scale = scale or current_app.config["RATING_SCALE"]
    sentiment = sentiment_of(scale, level) if scale in SCALES else sentiment_of(3, 0)
    codes = [code for code in dict.fromkeys(reasons) if code in REASONS]
    if already_rated(ticket, dossier):
        raise DomainError("Lượt phục vụ này đã được đánh giá. Xin cảm ơn!")
    rating = Rating(site_id=site.id, ticket_id=ticket.id if ticket is not None else None,
                    dossier_id=dossier.id if dossier is not None else None, officer_id=officer_id,
                    counter_id=counter_id, channel=channel, scale=scale, level=level,
                    sentiment=sentiment, reasons=codes, rated_at=utcnow())
    db.session.add(rating)
    record("rating.recorded", rating)
    return rating


# Where a rating comes from: the service that just ended at a counter, a ticket typed at the kiosk,
# or a returned dossier whose tracking page offers it.


@dataclass(frozen=True)
class Service:
    """One service a citizen may rate: what the panel shows and what its signed token names."""

    kind: str  # ticket | dossier
    subject_id: uuid.UUID
    code: str  # the ticket's number (A015); "" for a dossier: its code is not shown on a shared screen
    officer_id: uuid.UUID | None
    counter_id: uuid.UUID | None
    ended_at: datetime


def pending_for_counter(counter: Counter) -> Service | None:
    """The service that just ended at `counter`, while its citizen may still be in front of it.

    The latest ticket finished there, or dossier returned by the officer now there, within
    RATING_PROMPT_MINUTES, not rated yet. Once the counter calls someone else the citizen is leaving:
    the question stays RATING_GRACE_SECONDS after the service ended, then goes — so "finish and call
    the next" in one press (N) still asks the citizen walking away, and the next one is not asked
    about someone else's service for long.
    """
    now = utcnow()
    since = now - timedelta(minutes=current_app.config["RATING_PROMPT_MINUTES"])
    today = Ticket.site_id == counter.site_id, Ticket.business_date == business_date()
    ticket = db.session.scalars(
        select(Ticket).where(*today, Ticket.status == "done", Ticket.counter_id == counter.id,
                             Ticket.finished_at > since).order_by(Ticket.finished_at.desc()).limit(1)).first()
    found = [service for service in (_ticket_service(ticket) if ticket else None,
                                     _returned_by(counter, since)) if service is not None]
    latest = max(found, key=lambda service: service.ended_at, default=None)
    if latest is None or _rated(latest):
        return None
    last_call = db.session.scalar(
        select(TicketCall.called_at)
        .where(TicketCall.site_id == counter.site_id, TicketCall.called_at >= latest.ended_at,
               TicketCall.counter_number == counter.number)
        .order_by(TicketCall.called_at.desc()).limit(1))
    grace = timedelta(seconds=current_app.config["RATING_GRACE_SECONDS"])
    if last_call is not None and now - latest.ended_at > grace:
        return None  # someone else is at the counter now
    return latest


def _returned_by(counter: Counter, after: datetime) -> Service | None:
    if counter.officer_id is None:
        return None
    row = db.session.execute(
        select(Dossier.id, DossierStep.at)
        .join(DossierStep, (DossierStep.dossier_id == Dossier.id) & (DossierStep.type == "dossier.returned"))
        .where(Dossier.site_id == counter.site_id, Dossier.status == "returned", Dossier.returned_at > after,
               DossierStep.actor_id == counter.officer_id)
        .order_by(DossierStep.at.desc()).limit(1)).first()
    if row is None:
        return None
    return Service("dossier", row.id, "", counter.officer_id, counter.id, row.at)


def _ticket_service(ticket: Ticket) -> Service:
    """A finished ticket, with the officer who finished it (the actor of its event)."""
    officer_id = db.session.scalar(
        select(Event.actor_id).where(Event.aggregate_type == "ticket", Event.aggregate_id == ticket.id,
                                     Event.type == "ticket.finished").order_by(Event.seq.desc()).limit(1))
    return Service("ticket", ticket.id, ticket.code, officer_id, ticket.counter_id, ticket.finished_at)


def _rated(service: Service) -> bool:
    column = Rating.ticket_id if service.kind == "ticket" else Rating.dossier_id
    return db.session.scalar(select(Rating.id).where(column == service.subject_id)) is not None


def finished_ticket(site, code: str) -> Service:
    """Today's ticket `code` (e.g. A015), finished and not yet rated, for the kiosk."""
    code = "".join(code.split()).upper()[:8]
    ticket = db.session.scalars(select(Ticket).where(
        Ticket.site_id == site.id, Ticket.business_date == business_date(), Ticket.code == code)).first()
    if ticket is None:
        raise NotFound("Không tìm thấy số {code} trong ngày hôm nay. Vui lòng xem lại số trên phiếu.",
                       code=code or "—")
    if ticket.status != "done":
        raise DomainError("Số {code} chưa được phục vụ xong, chưa thể đánh giá.", code=ticket.code)
    if already_rated(ticket=ticket):
        raise DomainError("Lượt phục vụ này đã được đánh giá. Xin cảm ơn!")
    return _ticket_service(ticket)


def returned_dossier(dossier: Dossier) -> Service | None:
    """A returned dossier not yet rated, with the officer who handed the result back; else None."""
    if dossier.status != "returned" or already_rated(dossier=dossier):
        return None
    step = db.session.scalars(select(DossierStep).where(
        DossierStep.dossier_id == dossier.id, DossierStep.type == "dossier.returned")
        .order_by(DossierStep.at.desc()).limit(1)).first()
    return Service("dossier", dossier.id, "", step.actor_id if step else None, None,
                   step.at if step else dossier.returned_at)
