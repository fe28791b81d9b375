"""Rebuild a site's tables from its events alone, and compare two databases table by table.

`flask events replay TARGET` migrates an empty database, copies the personal-data keys (they are
not events: destroying one is how a dossier's personal data is erased), applies every event in
log order with domain.apply, rebuilds the number series, and sets the clock past the last event.
"""

import random
from dataclasses import dataclass, field

from sqlalchemy import create_engine, insert, inspect, select

from models import ClockState, Event, PersonalKey
from motcua.extensions import db

from .apply import BulkLoader, apply_event, envelope, rebuild_number_series
from .event_catalogue import TYPES

# Not derived from events: machine-local state (sessions, login throttle, print spool, printer
# status), the alembic stamp — and the clock, a derived cache set from the last event.
LOCAL_TABLES = frozenset({"staff_session", "login_attempt", "print_job", "printer_state",
                          "alembic_version", "clock_state", "site_credential", "site_link",
                          "sync_quarantine", "sync_state", "sync_problem"})
# seq: this database's order of arrival; the rest: sync bookkeeping of the machine that holds it
LOCAL_COLUMNS = {"event": {"pushed_at", "seq", "received_at", "audience"}}


def source_envelopes(batch: int = 1000):
    """Every event of this database, in log order, in wire form."""
    last = 0
    while True:
        rows = db.session.scalars(select(Event).where(Event.seq > last)
                                  .order_by(Event.seq).limit(batch)).all()
        if not rows:
            return
        last = rows[-1].seq
        yield [envelope(row) for row in rows]


def personal_keys() -> list[dict]:
    return [{"subject_id": k.subject_id, "key": k.key, "created_at": k.created_at}
            for k in db.session.scalars(select(PersonalKey))]


def load(envelopes, keys: list[dict], bulk: bool = False, validate: bool = True) -> int:
    """Apply the events (in the order given) into the current (empty) database; return how many.

    `bulk` writes a batch of statements at a time (domain.apply.BulkLoader, same rules);
    `validate=False` skips the schema check for a log this code base wrote and checked itself."""
    load_keys(keys)
    count = 0
    if bulk:
        loader = BulkLoader(validate)
        for env in envelopes:
            loader.add(env)
            count += 1
        loader.flush()
    else:
        for env in envelopes:
            apply_event(env)
            count += 1
    finish()
    return count


def load_keys(keys: list[dict]) -> None:
    if keys:
        db.session.execute(insert(PersonalKey.__table__), keys)


def finish() -> None:
    """After the last event: number series and clock, which are derived from the rows."""
    rebuild_number_series()
    restore_clock()


def restore_clock() -> None:
    """Each origin's hybrid clock past its last event, so new events sort after the old."""
    for origin, hlc in db.session.execute(select(Event.origin_site_id, Event.hlc).where(
            Event.seq.in_(select(db.func.max(Event.seq)).group_by(Event.origin_site_id)))):
        state = db.session.get(ClockState, origin)
        ms, counter = int(hlc[:13]), int(hlc[14:19])
        if state is None:
            db.session.add(ClockState(site_id=origin, last_ms=ms, counter=counter))
        elif (ms, counter) > (state.last_ms, state.counter):
            state.last_ms, state.counter = ms, counter


def shuffled_within_clocks(envelopes: list[dict], seed: int) -> list[dict]:
    """A delivery order a receiver may see: any order, except that a record's creation comes before
    events that refer to it (the sync holds an event until what it refers to has arrived)."""
    rng = random.Random(seed)
    order = list(envelopes)
    rng.shuffle(order)
    creations = [e for e in envelopes if TYPES.get(e["type"]) and TYPES[e["type"]].creates]
    created = {e["id"] for e in creations}
    return creations + [e for e in order if e["id"] not in created]


@dataclass
class Comparison:
    tables: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


def compare(url_a: str, url_b: str) -> Comparison:
    """Every table the log covers, row by row (ordered by primary key), except LOCAL_TABLES."""
    result = Comparison()
    engine_a, engine_b = create_engine(url_a), create_engine(url_b)
    try:
        with engine_a.connect() as a, engine_b.connect() as b:
            names = sorted(set(inspect(a).get_table_names()) - LOCAL_TABLES)
            for name in names:
                result.tables.append(name)
                rows_a, rows_b = _rows(a, name), _rows(b, name)
                if rows_a != rows_b:
                    result.differences.append(_describe(name, rows_a, rows_b))
    finally:
        engine_a.dispose()
        engine_b.dispose()
    return result


def _rows(conn, name: str) -> list[tuple]:
    table = db.metadata.tables[name]
    skip = LOCAL_COLUMNS.get(name, set())
    order = [table.c.id] if name == "event" else table.primary_key.columns
    query = select(*(c for c in table.columns if c.name not in skip)).order_by(*order)
    return [tuple(row) for row in conn.execute(query)]


def _describe(name: str, rows_a: list, rows_b: list) -> str:
    only_a = [r for r in rows_a if r not in rows_b]
    only_b = [r for r in rows_b if r not in rows_a]
    return (f"{name}: {len(rows_a)} rows vs {len(rows_b)}; first only in live: "
            f"{only_a[:1]}; first only in replay: {only_b[:1]}")
