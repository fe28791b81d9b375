"""Dossier figures: received, finished early / on time / late, overdue now, channels, digitisation,
reuse of earlier data, supplements and transfers, per field and procedure (docs/figures.md §2)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from domain import DomainError
from domain.clock import to_local, utcnow
from domain.collation import vi_key as sort_key
from domain.workdays import WorkCalendar
from models import CalendarOverride, Dossier, Procedure
from motcua.extensions import db

from .facts import Facts, load_facts
from .sql import in_sites, share
from .types import DossierFigures, DossierLine, FieldRow, OverdueLine, Scope

CHANNELS = ("in_person", "postal", "online")
RUNNING = ("received", "transferred")  # the legal clock runs: waiting for papers stops it


def calendars(scope: Scope) -> dict:
    """Each site's working calendar (its overrides on top of the statutory holidays)."""
    from flask import current_app

    overrides = defaultdict(dict)
    for site_id, day, working in db.session.execute(
            select(CalendarOverride.site_id, CalendarOverride.day, CalendarOverride.working)
            .where(in_sites(CalendarOverride.site_id, scope))):
        overrides[site_id][day] = working
    count = current_app.config["MAKE_UP_SATURDAYS_COUNT"]
    return defaultdict(lambda: WorkCalendar(make_up_saturdays_count=count),
                       {site: WorkCalendar(overrides=days, make_up_saturdays_count=count)
                        for site, days in overrides.items()})


def overdue_now(scope: Scope, now: datetime | None = None) -> list[OverdueLine]:
    """Dossiers of the scope's sites whose clock runs and whose appointment has passed, most late first."""
    now = now or utcnow()
    query = (select(Dossier.id, Dossier.site_id, Dossier.code, Procedure.name, Procedure.field,
                    Dossier.due_at, Dossier.late_reason, Dossier.rescheduled)
             .join(Procedure, Procedure.id == Dossier.procedure_id)
             .where(in_sites(Dossier.site_id, scope), Dossier.status.in_(RUNNING), Dossier.due_at < now))
    rows = db.session.execute(query).all()
    by_site = calendars(scope) if rows else {}
    today = to_local(now).date()
    lines = [OverdueLine(dossier_id, code, name, field, due_at,
                         max(by_site[site_id].working_days_between(to_local(due_at).date(), today), 0),
                         reason or None, bool(moved))
             for dossier_id, site_id, code, name, field, due_at, reason, moved in rows]
    return sorted(lines, key=lambda line: (-line.days_late, line.due_at, line.code))


def _procedures(ids) -> dict:
    if not ids:
        return {}
    rows = db.session.execute(select(Procedure.id, Procedure.field, Procedure.code, Procedure.name)
                              .where(Procedure.id.in_(ids))).all()
    return {row[0]: row[1:] for row in rows}


def _by_field(facts: Facts) -> list[FieldRow]:
    counts = defaultdict(lambda: [0, 0, 0, 0])
    for row in facts.rows:
        if row.received or row.finished:
            count = counts[row.procedure_id]
            count[0] += row.received
            count[1] += row.finished
            count[2] += row.finished and not row.late
            count[3] += row.finished and row.late
    procedures = _procedures(list(counts))
    merged = defaultdict(lambda: [0, 0, 0, 0])  # one row per (field, code) across sites
    for procedure_id, count in counts.items():
        key = procedures.get(procedure_id, ("—", "—", "—"))
        merged[key] = [a + b for a, b in zip(merged[key], count, strict=True)]
    rows = [FieldRow(field, code, name, *count) for (field, code, name), count in merged.items()]
    return sorted(rows, key=lambda row: (sort_key(row.field), row.procedure_code))


def figures_from(facts: Facts) -> DossierFigures:
    received = [row for row in facts.rows if row.received]
    finished = [row for row in facts.rows if row.finished]
    late = sum(row.late for row in finished)
    early = sum(row.early for row in finished)
    by_channel = dict.fromkeys(CHANNELS, 0)
    for row in received:
        by_channel[row.channel] = by_channel.get(row.channel, 0) + 1
    digitised = sum(row.attached for row in received)
    prefilled = sum(row.reused for row in received)
    typed = sum(max(row.filled - row.reused, 0) for row in received)
    return DossierFigures(
        received=len(received), finished=len(finished), early=early, on_time=len(finished) - late - early,
        late=late, open_in_time=sum(row.open and not row.late for row in facts.rows),
        overdue_now=overdue_now(facts.scope, facts.now), by_channel=by_channel, digitised=digitised,
        digitised_share=share(digitised, len(received)), fields_prefilled=prefilled, fields_typed=typed,
        reuse_share=share(prefilled, prefilled + typed),
        supplemented=sum(row.supplements > 0 for row in received),
        transferred=sum(row.transferred for row in facts.rows), by_field=_by_field(facts))


def dossier_figures(scope: Scope, now: datetime | None = None) -> DossierFigures:
    return figures_from(load_facts(scope, now))


# ---- The dossiers behind a figure ------------------------------------------------------------------

def _selectors():
    from .indicators import behind as indicator_behind

    figures = {
        "received": lambda r: r.received,
        "finished": lambda r: r.finished,
        "early": lambda r: r.finished and r.early,
        "on_time": lambda r: r.finished and not r.late and not r.early,
        "late": lambda r: r.finished and r.late,
        "open_in_time": lambda r: r.open and not r.late,
        "open_late": lambda r: r.open and r.late,
        "digitised": lambda r: r.received and r.attached,
        "reused": lambda r: r.received and r.reused > 0,
        "supplemented": lambda r: r.received and r.supplements > 0,
        "supplemented_twice": lambda r: r.received and r.supplements > 1,
        "transferred": lambda r: r.transferred,
    } | {channel: (lambda r, c=channel: r.received and r.channel == c) for channel in CHANNELS}
    return figures, indicator_behind


def dossiers_behind(scope: Scope, key: str, now: datetime | None = None) -> list[DossierLine]:
    """The dossiers a figure or indicator counts (key: a figure name or an indicator key such as
    "2.1"; "2.1:missed" gives those its denominator counts and its numerator does not)."""
    figures, indicator_behind = _selectors()
    now = now or utcnow()
    if key == "overdue_now":
        ids = [line.dossier_id for line in overdue_now(scope, now)]
    elif key in figures:
        facts = load_facts(scope, now)
        return lines([row.id for row in facts.rows if figures[key](row)], facts)
    else:
        ids = indicator_behind(scope, key, now)
        if ids is None:
            raise DomainError("Không có chỉ tiêu “{key}”.", key=key)
    return lines(ids)


def lines(ids, facts: Facts | None = None) -> list[DossierLine]:
    """Lines for these dossiers, oldest receipt first; finished_at = end of processing, if known."""
    ids, found = list(ids), []
    ended = {row.id: row.end_at for row in facts.rows} if facts is not None else {}
    for chunk in range(0, len(ids), 500):
        found += db.session.execute(
            select(Dossier.id, Dossier.code, Procedure.name, Dossier.status, Dossier.received_at,
                   Dossier.due_at, Dossier.returned_at).join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(Dossier.id.in_(ids[chunk:chunk + 500]))).all()
    result = [DossierLine(*row[:6], ended.get(row[0]) or row[6]) for row in found]
    return sorted(result, key=lambda line: (line.received_at, line.code or ""))
