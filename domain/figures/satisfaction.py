"""Ratings and PAKN figures (docs/figures.md §3).

Levels are shown on the site's scale (RATING_SCALE); a rating given on another scale (the setting
changed during the period, or central adding sites with different scales) counts in the sentiments,
the satisfied share, the reasons and the officers' rows, but in no level row.
"""

from collections import Counter
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select

from domain.clock import utcnow
from domain.collation import vi_key as sort_key
from domain.feedback import OPEN
from domain.ratings import REASONS, SCALES
from models import Feedback, Rating, StaffUser
from motcua.extensions import db

from .sql import between, in_sites, share
from .types import FeedbackFigures, LevelCount, OfficerRating, SatisfactionFigures, Scope

SENTIMENTS = ("satisfied", "neutral", "dissatisfied")


def _ratings(scope: Scope):
    where = (in_sites(Rating.site_id, scope), between(Rating.rated_at, scope))
    by_level = db.session.execute(select(Rating.scale, Rating.level, Rating.sentiment, func.count())
                                  .where(*where).group_by(Rating.scale, Rating.level, Rating.sentiment)).all()
    satisfied = func.sum(case((Rating.sentiment == "satisfied", 1), else_=0))
    officers = db.session.execute(select(Rating.officer_id, func.count(), satisfied).where(*where)
                                  .where(Rating.officer_id.is_not(None)).group_by(Rating.officer_id)).all()
    reasons = Counter()
    for (codes,) in db.session.execute(select(Rating.reasons).where(*where)):
        reasons.update(codes or [])
    return by_level, officers, reasons


def feedback_figures(scope: Scope, now: datetime | None = None) -> FeedbackFigures:
    """PAKN received in the period, and what became of them (by now)."""
    now = now or utcnow()
    # A few PAKN a day: the rows themselves (grouping by "due_at < now" is two parameters to PostgreSQL)
    query = (select(Feedback.status, Feedback.on_time, Feedback.due_at)
             .where(in_sites(Feedback.site_id, scope), between(Feedback.received_at, scope)))
    counts = Counter()
    for status, on_time, due_at in db.session.execute(query):
        counts["received"] += 1
        if status in OPEN:
            counts["open"] += 1
            counts["late_open"] += due_at < now
        elif status == "answered":
            counts["answered_on_time" if on_time else "answered_late"] += 1
        else:
            counts["rejected"] += 1
    names = ("received", "open", "late_open", "answered_on_time", "answered_late", "rejected")
    return FeedbackFigures(**{name: counts[name] for name in names})


def satisfaction_figures(scope: Scope, now: datetime | None = None) -> SatisfactionFigures:
    by_level, officer_rows, reasons = _ratings(scope)
    scale = current_app.config["RATING_SCALE"]
    total = sum(count for *_key, count in by_level)
    levels = Counter()
    by_sentiment = dict.fromkeys(SENTIMENTS, 0)
    for rating_scale, level, sentiment, count in by_level:
        by_sentiment[sentiment] = by_sentiment.get(sentiment, 0) + count
        if rating_scale == scale:
            levels[level] += count
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.full_name).where(
        StaffUser.id.in_([row[0] for row in officer_rows]))).all()) if officer_rows else {}
    officers = sorted((OfficerRating(officer_id, names.get(officer_id, "—"), count, share(satisfied, count))
                       for officer_id, count, satisfied in officer_rows), key=lambda row: sort_key(row.name))
    return SatisfactionFigures(
        ratings=total, scale=scale,
        levels=[LevelCount(level.level, level.label, level.face, levels[level.level],
                           share(levels[level.level], total)) for level in SCALES[scale]],
        by_sentiment=by_sentiment, satisfied_share=share(by_sentiment["satisfied"], total),
        reasons=sorted(((code, REASONS.get(code, code), count) for code, count in reasons.items()),
                       key=lambda item: (-item[2], item[0])),
        officers=officers, feedback=feedback_figures(scope, now))
