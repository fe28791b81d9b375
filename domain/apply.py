"""Deriving tables from events: the one way state comes from the log.

`apply_event` takes an event in its wire form (`envelope`), stores it once, and brings the rows of
its aggregate to what the aggregate's events, in hybrid-logical-clock order, say:
- the same event twice changes nothing (same id, same content → "duplicate"; same id with other
  content → EventConflict, which sync quarantines);
- an event older (by clock) than one already applied is placed by its clock value: the aggregate
  is folded again from all its events;
- a transition its type does not allow from the state before it (domain.event_catalogue: `after`,
  `creates`) is kept, flagged for a supervisor (event_flag) and not applied.
`flask events replay` rebuilds a site from its events with these functions; the sync applies the
events that arrive from elsewhere with them.
"""

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, insert, select, update

from models import Event, EventFlag
from motcua.extensions import db

from .event_catalogue import ENTITIES, LINK_COLUMNS, ROOTS, TYPES
from .events import InvalidEvent, hold_log_lock, validate_payload
from .personal_data import destroy_key, prefetch
from .snapshots import parse_uuid, row_values, sqlite_row

HLC = re.compile(r"\d{13}-\d{5}-[0-9a-f]{32}")
ENVELOPE = ("id", "type", "version", "origin_site_id", "aggregate_type", "aggregate_id", "hlc",
            "occurred_at", "actor_id", "tx_id", "payload")


class EventConflict(ValueError):
    """An event id already stored with different content."""


def envelope(event: Event) -> dict:
    """An event in its wire form (JSON-ready): what a push sends and what apply takes."""
    return {"id": str(event.id), "type": event.type, "version": event.version,
            "origin_site_id": str(event.origin_site_id), "aggregate_type": event.aggregate_type,
            "aggregate_id": str(event.aggregate_id), "hlc": event.hlc,
            "occurred_at": event.occurred_at.isoformat(),
            "actor_id": str(event.actor_id) if event.actor_id else None,
            "tx_id": str(event.tx_id), "payload": event.payload}


def parse_envelope(env: dict, validate: bool = True) -> dict:
    """Envelope → column values, checked (InvalidEvent on anything malformed)."""
    try:
        kind = TYPES.get(env["type"])
        values = {"id": parse_uuid(env["id"]), "type": env["type"], "version": int(env["version"]),
                  "origin_site_id": parse_uuid(env["origin_site_id"]),
                  "aggregate_type": env["aggregate_type"],
                  "aggregate_id": parse_uuid(env["aggregate_id"]), "hlc": str(env["hlc"]),
                  "occurred_at": datetime.fromisoformat(env["occurred_at"]),
                  "actor_id": parse_uuid(env["actor_id"]) if env.get("actor_id") else None,
                  "tx_id": parse_uuid(env["tx_id"]), "payload": env["payload"]}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidEvent(f"malformed envelope: {exc}") from None
    if values["version"] == 0:
        return values  # written before the envelope existed: kept, never applied
    if kind is None or values["version"] != kind.version or values["aggregate_type"] != kind.aggregate:
        raise InvalidEvent(f"unknown type or version: {env.get('type')} v{env.get('version')}")
    if not HLC.fullmatch(values["hlc"]) or values["hlc"][20:] != values["origin_site_id"].hex:
        raise InvalidEvent(f"malformed hlc {values['hlc'][:80]!r} (its node must be the origin site)")
    if not isinstance(values["payload"], dict):
        raise InvalidEvent("the payload is not an object")
    if validate:
        validate_payload(values["type"], values["payload"])
    _rows_belong(kind, values)
    return values


def _rows_belong(kind, values: dict) -> None:
    """Every row a payload carries is of the event's own aggregate (an event cannot write another's)."""
    aggregate = str(values["aggregate_id"])
    for name in kind.entities + kind.optional:
        data = values["payload"].get(name)
        if data is None:
            continue
        entity = ENTITIES[name]
        if not isinstance(data, dict) or data.get(entity.parent) != aggregate:
            raise InvalidEvent(f"{kind.name}: {name}/{entity.parent}: the row is not of its aggregate "
                               f"{aggregate}")


def same_event(stored: Event, values: dict) -> bool:
    return all(getattr(stored, key) == values[key] for key in ENVELOPE)


@dataclass
class Applied:
    outcome: str  # applied | duplicate | flagged | legacy | refolded
    event_id: uuid.UUID


def apply_event(env: dict, **extra) -> Applied:
    """Store one event (once) and derive its aggregate's rows; see the module docstring. `extra`:
    columns the receiving machine sets (central: received_at, audience)."""
    return apply_values(parse_envelope(env), **extra)


def apply_values(values: dict, **extra) -> Applied:
    """apply_event for an envelope already checked (`parse_envelope`)."""
    stored = db.session.scalars(select(Event).where(Event.id == values["id"])).first()
    if stored is not None:
        if same_event(stored, values):
            return Applied("duplicate", values["id"])
        raise EventConflict(f"event {values['id']} already stored with other content")
    newest = db.session.scalar(select(func.max(Event.hlc)).where(
        Event.aggregate_type == values["aggregate_type"], Event.aggregate_id == values["aggregate_id"],
        Event.version > 0))
    hold_log_lock()
    db.session.execute(insert(Event.__table__).values(**values, **extra))
    if values["version"] == 0:
        return Applied("legacy", values["id"])
    if newest is None or values["hlc"] > newest:
        state = _State.load(values["aggregate_type"], values["aggregate_id"])
        legal = state.step(values)
        state.write()
        return Applied("applied" if legal else "flagged", values["id"])
    refold(values["aggregate_type"], values["aggregate_id"])
    return Applied("refolded", values["id"])


def refold(aggregate_type: str, aggregate_id: uuid.UUID) -> None:
    """Bring an aggregate's rows to what all its events, in clock order, say (and its flags)."""
    events = db.session.execute(
        select(Event.id, Event.type, Event.payload, Event.hlc)
        .where(Event.aggregate_type == aggregate_type, Event.aggregate_id == aggregate_id,
               Event.version > 0)
        .order_by(Event.hlc, Event.id)).all()
    db.session.execute(delete(EventFlag).where(EventFlag.aggregate_id == aggregate_id))
    state = _State(aggregate_type, aggregate_id, root=None, rows={}, existing=_existing(aggregate_type,
                                                                                         aggregate_id))
    for event_id, type_name, payload, _hlc in events:
        state.step({"id": event_id, "type": type_name, "payload": payload, "aggregate_id": aggregate_id})
    state.write(prune=True)


def _existing(aggregate_type: str, aggregate_id) -> dict:
    """The rows of an aggregate now in the tables: (entity, id) → values."""
    found = {}
    for name, entity in ENTITIES.items():
        if entity.aggregate != aggregate_type:
            continue
        table = entity.table
        for row in db.session.execute(select(table).where(table.c[entity.parent] == aggregate_id)).mappings():
            found[(name, row["id"])] = dict(row)
    return found


@dataclass(frozen=True)
class Flagged:
    occurred_at: datetime
    type: str
    code: str  # the ticket or dossier it is about, as staff know it
    reason: str


def flagged_events(limit: int = 50) -> list[Flagged]:
    """Events kept but not applied (illegal transitions), newest first: for a supervisor."""
    from models import Dossier, Ticket

    rows = db.session.execute(
        select(Event.occurred_at, Event.type, Event.aggregate_id, EventFlag.reason)
        .join(EventFlag, EventFlag.event_id == Event.id).order_by(Event.hlc.desc()).limit(limit)).all()
    codes = {}
    ids = [row.aggregate_id for row in rows]
    if ids:
        codes.update(db.session.execute(select(Ticket.id, Ticket.code).where(Ticket.id.in_(ids))).all())
        codes.update(db.session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(ids))).all())
    return [Flagged(row.occurred_at, row.type, codes.get(row.aggregate_id) or "", row.reason) for row in rows]


def illegal(kind, exists: bool, status: str | None) -> str | None:
    """Why an event of `kind` cannot follow the state before it (None: it can)."""
    if kind.creates and exists:
        return "tạo lại một bản ghi đã có"
    if kind.after is not None and status not in kind.after:
        return f"chuyển trạng thái không hợp lệ: {status or '(chưa có)'} → {kind.name}"
    return None


@dataclass
class _State:
    """An aggregate's rows while events are applied to it: (entity, id) → values (None: deleted)."""

    aggregate_type: str
    aggregate_id: uuid.UUID
    root: dict | None
    rows: dict
    existing: dict

    @classmethod
    def load(cls, aggregate_type, aggregate_id) -> "_State":
        existing = _existing(aggregate_type, aggregate_id)
        root = existing.get((ROOTS.get(aggregate_type), aggregate_id))
        return cls(aggregate_type, aggregate_id, root, {}, existing)

    def step(self, event: dict) -> bool:
        """Apply one event if its transition is legal; otherwise flag it. True when applied."""
        kind = TYPES[event["type"]]
        problem = illegal(kind, self.root is not None, (self.root or {}).get("status"))
        if problem is not None:
            db.session.execute(insert(EventFlag.__table__).values(
                event_id=event["id"], aggregate_id=event["aggregate_id"], reason=problem))
            return False
        if kind.name == "dossier.personal_data_erased":
            destroy_key(event["aggregate_id"])  # a replica forgets the key the origin destroyed
        root_name = ROOTS.get(self.aggregate_type)
        for name in kind.entities + kind.optional:
            data = event["payload"].get(name)
            if data is None:
                continue
            values, links = row_values(name, data)
            key = (name, values["id"])
            self.rows[key] = None if data.get("deleted") else (values, links)
            if name == root_name:
                self.root = None if data.get("deleted") else values
        return True

    def write(self, prune: bool = False) -> None:
        """Write the rows the events gave (parents first), and — after a fold — remove the rows of
        this aggregate that no applied event gave."""
        order = [table.name for table in db.metadata.sorted_tables]  # a row after the rows it refers to
        for (name, row_id), value in sorted(self.rows.items(),
                                            key=lambda item: order.index(ENTITIES[item[0][0]].table.name)):
            table = ENTITIES[name].table
            if value is None:
                _delete_links(name, row_id)
                db.session.execute(delete(table).where(table.c.id == row_id))
                continue
            values, links = value
            if (name, row_id) in self.existing or _exists(table, row_id):
                db.session.execute(update(table).where(table.c.id == row_id).values(**values))
            else:
                db.session.execute(insert(table).values(**values))
            for link, ids in links.items():
                _set_links(name, row_id, link, ids)
        if prune:
            for name, row_id in reversed(list(self.existing)):
                if (name, row_id) not in self.rows and ENTITIES[name].parent != "id":
                    table = ENTITIES[name].table
                    db.session.execute(delete(table).where(table.c.id == row_id))


def _exists(table, row_id) -> bool:
    return db.session.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None




def _set_links(name: str, row_id, link: str, ids: list) -> None:
    table = db.metadata.tables[ENTITIES[name].links[link]]
    mine, other = LINK_COLUMNS[table.name]
    db.session.execute(delete(table).where(table.c[mine] == row_id))
    if ids:
        db.session.execute(insert(table), [{mine: row_id, other: i} for i in ids])


def _delete_links(name: str, row_id) -> None:
    for link_table in ENTITIES[name].links.values():
        table = db.metadata.tables[link_table]
        mine, _ = LINK_COLUMNS[table.name]
        db.session.execute(delete(table).where(table.c[mine] == row_id))


# ---- Number series: rebuilt from the rows they numbered ----------------------------------------

def rebuild_number_series() -> None:
    """The last ticket number per queue and day, dossier code per agency and day, log number per
    year, PAKN code per agency and day — derived from the rows they numbered (after a replay, so
    numbering goes on)."""
    from models import Dossier, Feedback, NumberSeries, Ticket

    from .clock import business_date

    table = NumberSeries.__table__
    db.session.execute(delete(table))
    rows = {}
    tickets = select(Ticket.site_id, Ticket.business_date, Ticket.queue_letter, func.max(Ticket.number)) \
        .group_by(Ticket.site_id, Ticket.business_date, Ticket.queue_letter)
    for site_id, day, letter, last in db.session.execute(tickets):
        rows[(site_id, day, letter)] = last
    for site_id, code, received_at, log_number in db.session.execute(
            select(Dossier.site_id, Dossier.code, Dossier.received_at, Dossier.log_number)
            .where(Dossier.code.is_not(None))):
        agency, _day, number = code.rsplit("-", 2)
        day = business_date(received_at)
        key = (site_id, day, f"dossier:{agency}")
        rows[key] = max(rows.get(key, 0), int(number))
        year = (site_id, date(day.year, 1, 1), "log")
        rows[year] = max(rows.get(year, 0), log_number or 0)
    for site_id, code, received_at in db.session.execute(
            select(Feedback.site_id, Feedback.code, Feedback.received_at)):
        agency, _kind, _day, number = code.rsplit("-", 3)
        key = (site_id, business_date(received_at), f"feedback:{agency}")
        rows[key] = max(rows.get(key, 0), int(number))
    if rows:
        db.session.execute(insert(table), [{"site_id": s, "business_date": d, "series": k, "last": n}
                                           for (s, d, k), n in rows.items()])


# ---- Bulk: a whole log into an empty database ---------------------------------------------------

@dataclass
class _Head:
    hlc: str
    exists: bool
    status: str | None


class BulkLoader:
    """Apply a log, in its order, into an empty database with the same rules as `apply_event`, a batch
    of statements at a time: per aggregate it keeps only the last clock value and the root's status;
    each row is written once per batch, as the batch's last event left it. An event that is not newer
    than its aggregate's last one (or a repeated id) goes through `apply_event`, and so does every later
    event of that aggregate."""

    def __init__(self, validate: bool = True, incremental: bool = False):
        """`incremental`: the database already holds events (central taking a site's batch): call
        `preload` with the batch first, so each aggregate starts from what is stored."""
        if not incremental and db.session.scalar(select(func.count()).select_from(Event)):
            raise ValueError("BulkLoader starts from an empty database")
        self.validate = validate
        self.incremental = incremental
        self.heads: dict = {}
        self.slow: set = set()
        self.seen: set = set()
        self.written: set = set()
        self._events, self._flags, self._rows = [], [], {}

    def add(self, env: dict) -> None:
        self.add_values(parse_envelope(env, self.validate))

    def preload(self, batch: list[dict]) -> dict:
        """Heads of the batch's aggregates as stored: last clock value, and the root's status. Returns
        who owns each stored root: (aggregate type, id) → the site id (central checks a push with it)."""
        wanted = {(v["aggregate_type"], v["aggregate_id"]) for v in batch} - set(self.heads)
        owners = {}
        by_type: dict = {}
        for aggregate_type, aggregate_id in wanted:
            by_type.setdefault(aggregate_type, []).append(aggregate_id)
        for aggregate_type, ids in by_type.items():
            newest = dict(db.session.execute(
                select(Event.aggregate_id, func.max(Event.hlc))
                .where(Event.aggregate_type == aggregate_type, Event.aggregate_id.in_(ids), Event.version > 0)
                .group_by(Event.aggregate_id)).all())
            table = ENTITIES[ROOTS[aggregate_type]].table
            status = table.c.status if "status" in table.c else None
            owner = table.c.site_id if "site_id" in table.c else table.c.id  # a reception point owns itself
            roots = {}
            for row_id, row_owner, row_status in db.session.execute(
                    select(table.c.id, owner, status if status is not None else table.c.id)
                    .where(table.c.id.in_(ids))):
                roots[row_id] = row_status if status is not None else None
                owners[(aggregate_type, row_id)] = row_owner
            for aggregate_id, hlc in newest.items():
                self.heads[(aggregate_type, aggregate_id)] = _Head(hlc, aggregate_id in roots,
                                                                   roots.get(aggregate_id))
        return owners

    def add_values(self, values: dict, **extra) -> None:
        """Add an event already checked (`parse_envelope`); `extra` as for apply_event."""
        key = (values["aggregate_type"], values["aggregate_id"])
        head = self.heads.get(key)
        if values["version"] == 0:
            self._events.append({**values, **extra})
            return
        if key in self.slow or values["id"] in self.seen or (head and values["hlc"] <= head.hlc):
            self.flush()
            apply_values(values, **extra)
            self.slow.add(key)
            return
        self.seen.add(values["id"])
        self._events.append({**values, **extra})
        kind = TYPES[values["type"]]
        exists, status = (head.exists, head.status) if head else (False, None)
        problem = illegal(kind, exists, status)
        if problem is not None:
            self._flags.append({"event_id": values["id"], "aggregate_id": values["aggregate_id"],
                                "reason": problem})
        else:
            if kind.name == "dossier.personal_data_erased":
                self.flush()
                destroy_key(values["aggregate_id"])
            root_name = ROOTS.get(kind.aggregate)
            for name in kind.entities + kind.optional:
                data = values["payload"].get(name)
                if data is None:
                    continue
                # kept as it came: only a row's last snapshot in the batch is read (at flush)
                self._rows[(name, data["id"])] = None if data.get("deleted") else data
                if name == root_name:
                    exists, status = not data.get("deleted"), data.get("status")
        self.heads[key] = _Head(values["hlc"], exists, status)

    def flush(self) -> None:
        """Write what the batch gave: its events, its flags, and each row as its last event left it.
        On SQLite the rows go as SQLite stores them, through the driver's executemany (a year of a
        busy site is some 465,000 events: make bench, event_replay_year_s)."""
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        if self._events:
            hold_log_lock()
            _write_events(self._events, sqlite)
        if self._flags:
            db.session.execute(insert(EventFlag.__table__), self._flags)
        for name, rows in self._grouped(sqlite_row if sqlite else row_values).items():
            new, changed, linked = [], [], []
            if self.incremental:  # rows written before this loader: updated, not inserted
                self.written |= _stored_rows(name, [row_id for row_id, value in rows if value is not None])
            for row_id, value in rows:
                if value is None:
                    self._delete(name, row_id)
                    continue
                row, links = value
                (changed if (name, row_id) in self.written else new).append((row_id, row))
                self.written.add((name, row_id))
                linked += [(row_id, link, ids) for link, ids in links.items()]
            (_write_sqlite_rows if sqlite else _write_rows)(ENTITIES[name].table, new, changed)
            for row_id, link, ids in linked:  # after the rows they link
                _set_links(name, row_id, link, ids)
        self._events, self._flags, self._rows = [], [], {}

    def _grouped(self, convert) -> dict:
        """Pending rows by entity, entities in the order rows refer to each other, each converted."""
        order = [table.name for table in db.metadata.sorted_tables]  # a row after the rows it refers to
        prefetch(parse_uuid(data[ENTITIES[name].parent]) for (name, _id), data in self._rows.items()
                 if data is not None and data.get("sealed"))
        grouped: dict = {}
        for (name, row_id), data in self._rows.items():
            value = None if data is None else convert(name, data)
            grouped.setdefault(name, []).append((parse_uuid(row_id), value))
        return {name: grouped[name]
                for name in sorted(grouped, key=lambda entity: order.index(ENTITIES[entity].table.name))}

    def _delete(self, name: str, row_id) -> None:
        table = ENTITIES[name].table
        _delete_links(name, row_id)
        db.session.execute(delete(table).where(table.c.id == row_id))
        self.written.discard((name, row_id))


def _stored_rows(name: str, ids: list) -> set:
    table = ENTITIES[name].table
    found = set()
    for start in range(0, len(ids), 1000):
        found.update((name, row_id) for row_id in db.session.scalars(
            select(table.c.id).where(table.c.id.in_(ids[start:start + 1000]))))
    return found


def _write_events(events: list, sqlite: bool) -> None:
    if not sqlite:
        db.session.execute(insert(Event.__table__), events)
        return
    columns = [c.name for c in Event.__table__.columns if c.name != "seq"]
    db.session.connection().exec_driver_sql(
        f"INSERT INTO event ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [_event_storage(values) for values in events])


def _write_rows(table, new: list, changed: list) -> None:
    """Rows as column values (Python types), through SQLAlchemy Core: any database."""
    if new:
        db.session.execute(insert(table), [row for _id, row in new])
    if changed:
        params = [{**{f"v_{k}": v for k, v in row.items()}, "k_id": row_id} for row_id, row in changed]
        statement = update(table).where(table.c.id == bindparam("k_id")).values(
            {column: bindparam(f"v_{column}") for column in changed[0][1]})
        db.session.execute(statement, params)


def _write_sqlite_rows(table, new: list, changed: list) -> None:
    """Rows as SQLite stores them (domain.snapshots.sqlite_row), through the driver's executemany."""
    connection = db.session.connection()
    quoted = [f'"{c.name}"' for c in table.columns]
    if new:
        names, marks = ", ".join(quoted), ", ".join("?" * len(quoted))
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
                                   [row for _id, row in new])
    if changed:
        assignments = ", ".join(f"{c} = ?" for c in quoted)
        connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE id = ?",
                                   [row + (row_id.hex,) for row_id, row in changed])


def _event_storage(values: dict) -> tuple:
    """An event's column values as SQLite stores them (table order, without seq)."""
    stored = []
    for column in Event.__table__.columns:
        if column.name == "seq":
            continue
        value = values.get(column.name)
        if isinstance(value, uuid.UUID):
            value = value.hex
        elif isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
        elif isinstance(value, dict):
            value = json.dumps(value)
        stored.append(value)
    return tuple(stored)
