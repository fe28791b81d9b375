"""Citizens rate a service: a finished ticket or a returned dossier, once, with no personal data.

The scale is the site's setting (RATING_SCALE: 3, 4 or 5 levels, domain.md §6); the raw level and
any reason codes are kept, and each level maps to a sentiment — "dissatisfied" is what Decision 766
counts as a dislike (domain.md §4, indicator 5.4).
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from models import Rating
from motcua.extensions import db

from . import DomainError
from .clock import utcnow
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
