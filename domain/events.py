"""Recording events: one versioned envelope, a complete snapshot, in the caller's transaction.

Every change to a row the log covers (domain.event_catalogue.ENTITIES) goes through `record`,
called by the domain operation that made the change, after it. A guard checks at commit that no
covered row was changed without an event, and none after its event was taken.
"""

import logging
import uuid

import fastjsonschema
from flask import current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from models import ClockState, Event, ReceptionPoint
from motcua.extensions import db

from . import DomainError
from .clock import CLOCK_BEHIND, clock_is_behind, guard_clock, utcnow, wall_ms
from .event_catalogue import CENTRAL_OWNED, ENTITIES, ROOTS, TYPES, payload_schema
from .ids import uuid7
from .snapshots import snapshot

log = logging.getLogger(__name__)


class UnrecordedChange(RuntimeError):
    """A row the event log covers was changed without an event (or after its event)."""


class InvalidEvent(ValueError):
    """A payload that does not match its type's schema in the catalogue."""


# ---- Hybrid logical clock ----------------------------------------------------------------

def format_hlc(ms: int, counter: int, node) -> str:
    """Sortable as text; the origin site's id makes values from two sites never equal."""
    return f"{ms:013d}-{counter:05d}-{node.hex}"


def next_hlc(site_id: uuid.UUID) -> str:
    """Advance the site's hybrid logical clock, behind the clock guard, and return its value."""
    clocks = db.session.info.setdefault("clocks", {})  # held for the transaction: the session's map
    state = clocks.get(site_id)                          # is weak, and a clean row would be reloaded
    if state is None:
        guard_clock(site_id)
        state = db.session.get(ClockState, site_id)
    elif clock_is_behind(state.wall_ms or state.last_ms):
        raise DomainError(CLOCK_BEHIND)
    now = wall_ms()
    if state is None:
        state = ClockState(site_id=site_id, last_ms=now, counter=0, wall_ms=now)
        db.session.add(state)
    elif now > state.last_ms:
        state.last_ms, state.counter = now, 0
    else:
        state.counter += 1
    if now > (state.wall_ms or 0):
        state.wall_ms = now
    clocks[site_id] = state
    return format_hlc(state.last_ms, state.counter, site_id)


def observe_hlc(site_id: uuid.UUID, value: str) -> None:
    """Move this site's clock past a value seen from elsewhere (an event pulled from central). Only
    the logical clock moves: the clock guard watches this machine's own wall times (`wall_ms`), so a
    central clock that runs ahead never makes a site refuse work."""
    ms, counter = int(value[:13]), int(value[14:19])
    state = db.session.get(ClockState, site_id)
    if state is None:  # this machine's own wall time starts now, not at the value seen
        db.session.add(ClockState(site_id=site_id, last_ms=ms, counter=counter, wall_ms=wall_ms()))
    elif (ms, counter) > (state.last_ms, state.counter):
        state.last_ms, state.counter = ms, counter


# ---- Central: one writer of the log at a time ------------------------------------------------
# PostgreSQL hands out `seq` values when rows are inserted but shows them when transactions commit,
# so a reader could see 105 before 104 and a pull cursor would skip 104 for good. Every transaction
# that writes events at central holds this advisory lock until it commits: seq order is then commit
# order, and a pull that reads up to N has seen everything below N (docs/central.md).
LOG_LOCK = 0x6D6F74637561  # "motcua"
CENTRAL_NODE = uuid.UUID("0000c0de-0000-7000-8000-00000000c0de")  # central's clock node and origin
FEED_ALL = uuid.UUID(int=0)  # audience: every site's pull feed


def hold_log_lock() -> None:
    """Take the log's advisory lock for this transaction (PostgreSQL only; SQLite's writer queue
    already makes writers take turns)."""
    if db.session.info.get("log_locked"):
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOG_LOCK})
    db.session.info["log_locked"] = True


def _audience(kind, rows) -> uuid.UUID:
    """Whose pull feed carries an event central wrote: accounts and reception points go to every
    site, everything else to the site whose record it is."""
    if kind.aggregate in ("staff", "site"):
        return FEED_ALL
    first = rows[0]
    return first.id if isinstance(first, ReceptionPoint) else first.site_id


def transaction_id() -> uuid.UUID:
    """One id for every event committed together (reset after each commit or rollback)."""
    return db.session.info.setdefault("tx_id", uuid7())


# ---- Validation ----------------------------------------------------------------------------

# fastjsonschema compiles each schema to Python once: ~4 µs for a staff account's payload against
# ~65 µs with the jsonschema package's validator (make bench: event_validate_*_us). Times are naive
# UTC ISO 8601.
FORMATS = {"date-time": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$",
           "date": r"^\d{4}-\d{2}-\d{2}$",
           "uuid": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
_validators: dict = {}


def validate_payload(type_name: str, payload: dict) -> None:
    """Raise InvalidEvent unless `payload` matches the catalogue's schema for `type_name`."""
    validator = _validators.get(type_name)
    if validator is None:
        if type_name not in TYPES:
            raise InvalidEvent(f"unknown event type {type_name!r}")
        validator = _validators[type_name] = fastjsonschema.compile(payload_schema(TYPES[type_name]),
                                                                    formats=FORMATS)
    try:
        validator(payload)
    except fastjsonschema.JsonSchemaValueException as error:
        where = "/".join(str(p) for p in error.path[1:]) or "(payload)"
        raise InvalidEvent(f"{type_name}: {where}: {error.message}") from None


# ---- Recording -----------------------------------------------------------------------------

def _entity_name(row) -> str:
    name = row.__table__.name
    if name not in ENTITIES:
        raise TypeError(f"{name} is not covered by the event log")
    return name


def _origin(rows) -> uuid.UUID:
    first = rows[0]
    return first.id if isinstance(first, ReceptionPoint) else first.site_id


def record(type_name: str, *rows, actor=None, context: dict | None = None, deleted: bool = False) -> Event:
    """Append one event whose payload snapshots `rows` (the aggregate's rows this change wrote).

    Call it after the change: it flushes, so every default is filled, and it commits or rolls back
    with the change. `deleted` marks rows about to be deleted (the caller deletes them after).
    """
    kind = TYPES[type_name]
    central = current_app.config["ROLE"] == "central"
    if kind.aggregate in CENTRAL_OWNED and not central:
        _refuse_if_enrolled(kind)
    db.session.flush()
    payload, aggregate_id = {}, None
    recorded = db.session.info.setdefault("recorded", {})
    for row in rows:
        name = _entity_name(row)
        payload[name] = snapshot(name, row)
        if deleted:
            payload[name]["deleted"] = True
        entity = ENTITIES[name]
        aggregate_id = aggregate_id or (row.id if ROOTS[entity.aggregate] == name
                                        else getattr(row, entity.parent))
        recorded[(name, row.id)] = (row, _values(name, row))
    if context:
        payload["context"] = {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in context.items()}
    validate_payload(type_name, payload)
    origin = CENTRAL_NODE if central else _origin(rows)
    hold_log_lock()
    event = Event(id=uuid7(), type=type_name, version=kind.version, origin_site_id=origin,
                  aggregate_type=kind.aggregate, aggregate_id=aggregate_id, hlc=next_hlc(origin),
                  occurred_at=utcnow(), actor_id=actor.id if actor is not None else None,
                  tx_id=transaction_id(), payload=payload)
    if central:
        event.received_at, event.audience = event.occurred_at, _audience(kind, rows)
    db.session.add(event)
    return event


MANAGED_CENTRALLY = {
    "staff": "Tài khoản cán bộ do máy chủ trung tâm của tỉnh quản lý; hãy thay đổi tại đó.",
    "procedure": "Danh mục thủ tục do máy chủ trung tâm của tỉnh quản lý; hãy thay đổi tại đó.",
}


def _refuse_if_enrolled(kind) -> None:
    """A site enrolled with central does not write what central owns (it would be refused there)."""
    from models import SyncState

    if db.session.get(SyncState, 1) is not None:
        raise DomainError(MANAGED_CENTRALLY[kind.aggregate])


def _values(name: str, row) -> dict:
    """The row's column values as the session holds them (unset on a new row reads as None, as a
    reload would give it)."""
    held = inspect(row).dict
    return {column.name: held.get(column.key) for column in ENTITIES[name].table.columns}


# ---- The guard -----------------------------------------------------------------------------

_COVERED = {name for name in ENTITIES}


@sa_event.listens_for(Session, "after_flush")
def _note_touched(session, flush_context):
    touched = session.info.setdefault("touched", set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(obj, "__table__", None)
        if table is not None and table.name in _COVERED and (obj in session.new or obj in session.deleted
                                                              or session.is_modified(obj)):
            touched.add((table.name, obj.id))


@sa_event.listens_for(Session, "before_commit")
def _check_recorded(session):
    if not session.info.get("touched") or not has_app_context():
        return
    session.flush()
    recorded = session.info.get("recorded", {})
    problems = [f"{name} {row_id} changed without an event" for name, row_id in session.info["touched"]
                if (name, row_id) not in recorded]
    for (name, row_id), (row, values) in recorded.items():
        if inspect(row).deleted or inspect(row).detached:
            continue
        if _values(name, row) != values:
            problems.append(f"{name} {row_id} changed after its event was taken")
    if problems:
        message = "; ".join(sorted(problems))
        if current_app.config.get("EVENT_GUARD") == "raise":
            raise UnrecordedChange(message)
        log.error("event log incomplete: %s", message)


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget(session):
    for key in ("tx_id", "recorded", "touched", "personal_keys", "clocks", "log_locked"):
        session.info.pop(key, None)

