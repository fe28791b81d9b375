"""Decision 766 indicators computed locally: estimates of what the National Portal scores
(domain.md §4, §4.1; docs/figures.md §4). Definitions of each ratio are in `_ratios`."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select

from domain.clock import utcnow
from domain.indicator_sets import indicator_set
from models import Event, Feedback
from motcua.extensions import db

from .facts import FEW, Facts, load_facts
from .links import feedback_by_dossier, ratings_by_dossier
from .sql import between, in_sites
from .types import Indicator, IndicatorGroup, IndicatorReport, Scope


def _synced(facts: Facts) -> set:
    """Dossiers received in the period whose dossier.received event central holds (pushed by the
    site, or arrived at central). Few: looked up by dossier; many: the period's receipt events (the
    event is written at the moment of receipt)."""
    received = [row.id for row in facts.rows if row.received]
    synced = or_(Event.pushed_at.is_not(None), Event.received_at.is_not(None))
    query = select(Event.aggregate_id).where(Event.type == "dossier.received", synced)
    if len(received) > FEW:
        column = Event.origin_site_id  # coalesce: SQLite walks the (type, seq) index, not the site's log
        return set(db.session.scalars(query.where(in_sites(func.coalesce(column, column), facts.scope),
                                                  between(Event.occurred_at, facts.scope))))
    found = set()
    for start in range(0, len(received), 500):
        found.update(db.session.scalars(query.where(Event.aggregate_type == "dossier",
                                                    Event.aggregate_id.in_(received[start:start + 500]))))
    return found & set(received)


def _feedback(scope: Scope, now: datetime) -> dict:
    rows = db.session.execute(select(Feedback.status, Feedback.on_time, Feedback.due_at).where(
        in_sites(Feedback.site_id, scope), between(Feedback.received_at, scope))).all()
    closed = [on_time for status, on_time, _due in rows if status in ("answered", "rejected")]
    late_open = sum(1 for status, _on_time, due in rows if status in ("received", "assigned") and due < now)
    return {"received": len(rows), "closed_on_time": sum(1 for on_time in closed if on_time),
            "closed_late": sum(1 for on_time in closed if not on_time), "late_open": late_open}


def complained(facts: Facts) -> set:
    """Dossiers received in the period with a PAKN about them or a "dissatisfied" rating."""
    received = {row.id for row in facts.rows if row.received}
    against = set(feedback_by_dossier(facts))
    ratings = ratings_by_dossier(facts)
    against |= {key for key, sentiment in ratings.items() if sentiment == "dissatisfied"}
    return received & against


def _ratios(facts: Facts) -> dict[str, tuple]:
    """key → (numerator, denominator); None for a ratio computed otherwise."""
    rows = facts.rows
    received = [row for row in rows if row.received]
    finished = [row for row in rows if row.finished]
    handled = [row for row in rows if row.finished or row.open]
    in_time = sum(1 for row in handled if not row.late)
    pakn = _feedback(facts.scope, facts.now)
    days = sum((row.end_at - row.received_at).total_seconds() / 86400 for row in finished)
    late_share = (len(handled) - in_time) / len(handled) if handled else None
    against = len(complained(facts))
    satisfaction = None
    if handled and received:
        satisfaction = max(0.0, 1 - late_share - against / len(received))
    closed = pakn["closed_on_time"] + pakn["closed_late"]
    return {
        "1.4": (len(_synced(facts)), len(received)),
        "2.1": (in_time, len(handled)),
        "2.2": (round(days, 2), len(finished)),
        "3.3": (sum(1 for row in received if row.channel == "online"), len(received)),
        "4.1": (sum(1 for row in finished if row.attached), len(finished)),
        "4.2": (sum(1 for row in received if row.attached), len(received)),
        "4.3": (sum(1 for row in received if row.reused > 0), len(received)),
        "5.2": (pakn["closed_on_time"], closed + pakn["late_open"]),
        "5.3": (pakn["received"] - pakn["closed_late"] - pakn["late_open"], pakn["received"]),
        "5.4": (None, None, satisfaction),
    }


def report_from(facts: Facts, set_code: str | None = None) -> IndicatorReport:
    chosen = indicator_set(set_code or current_app.config.get("INDICATOR_SET"), facts.scope.end)
    ratios = _ratios(facts)
    groups, total, possible = [], 0.0, 0.0
    for group in chosen.groups:
        indicators = []
        for spec in group.indicators:
            numerator = denominator = ratio = score = None
            if spec.available and spec.key in ratios:
                numerator, denominator, *given = ratios[spec.key]
                ratio = given[0] if given else (numerator / denominator if denominator else None)
            if ratio is not None and spec.target:
                score = round(spec.points * min(1.0, ratio / spec.target), 2)
                possible += spec.points
            indicators.append(Indicator(spec.key, group.key, spec.name, numerator, denominator, ratio,
                                        spec.target, spec.points, score,
                                        spec.available and spec.key in ratios, spec.note))
        scores = [item.score for item in indicators if item.score is not None]
        group_score = round(sum(scores), 2) if scores else None
        total += group_score or 0.0
        groups.append(IndicatorGroup(group.key, group.name, group.weight, group_score, indicators))
    return IndicatorReport(chosen.code, chosen.basis, groups, round(total, 2), round(possible, 2))


def indicator_report(scope: Scope, now: datetime | None = None,
                     set_code: str | None = None) -> IndicatorReport:
    return report_from(load_facts(scope, now), set_code)


# ---- The dossiers behind an indicator --------------------------------------------------------------

def behind(scope: Scope, key: str, now: datetime | None = None) -> list | None:
    """Dossier ids an indicator's numerator counts ("2.1"), or its denominator but not its numerator
    ("2.1:missed"); for 5.4, the dossiers counted against it (late, or complained about). None: no
    such dossier indicator."""
    base, _, part = key.partition(":")
    if base not in ("1.4", "2.1", "2.2", "3.3", "4.1", "4.2", "4.3", "5.4") or part not in ("", "missed"):
        return None
    facts = load_facts(scope, now or utcnow())
    rows = facts.rows
    if base == "5.4":
        against = complained(facts)
        return [row.id for row in rows if (row.finished or row.open) and row.late or row.id in against]
    tests = {
        "1.4": (lambda r: r.received, None),
        "2.1": (lambda r: r.finished or r.open, lambda r: not r.late),
        "2.2": (lambda r: r.finished, None),
        "3.3": (lambda r: r.received, lambda r: r.channel == "online"),
        "4.1": (lambda r: r.finished, lambda r: r.attached),
        "4.2": (lambda r: r.received, lambda r: r.attached),
        "4.3": (lambda r: r.received, lambda r: r.reused > 0),
    }
    counted, passes = tests[base]
    if base == "1.4":
        synced = _synced(facts)
        passes = lambda r: r.id in synced  # noqa: E731
    passes = passes or (lambda r: True)
    return [row.id for row in rows if counted(row) and (passes(row) != (part == "missed"))]
