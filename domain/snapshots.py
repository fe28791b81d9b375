"""Rows to JSON and back: the one place event payloads are written and read.

A snapshot holds every column of a row as JSON (UUIDs and times as ISO strings), the association
lists an entity declares (a counter's queue ids), and — for entities with personal data — those
columns sealed with the dossier's key (domain.personal_data).
"""

import json
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Uuid, select

from motcua.extensions import db

from . import personal_data
from .event_catalogue import ENTITIES, LINK_COLUMNS


def _to_json(column, value):
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_new, _set, _UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown


def parse_uuid(text: str) -> uuid.UUID:
    """uuid.UUID(text) for the canonical 36-character form, without its general parser (a replay
    reads some ten ids an event)."""
    if len(text) != 36 or text[8] != "-" or text[13] != "-" or text[18] != "-" or text[23] != "-":
        return uuid.UUID(text)
    value = _new(uuid.UUID)
    _set(value, "int", int(text.replace("-", ""), 16))
    _set(value, "is_safe", _UNKNOWN)
    return value


def _reader(column):
    """How a column's JSON value becomes its Python value (None: as it is)."""
    kind = column.type
    if isinstance(kind, Uuid):
        return parse_uuid
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    return None


def _from_json(column, value):
    reader = _reader(column)
    return value if value is None or reader is None else reader(value)


_READERS = {name: [(column.name, _reader(column)) for column in entity.table.columns]
            for name, entity in ENTITIES.items()}


def subject_of(name: str, values: dict):
    """Whose key seals the row's personal data: the dossier (its own id, or its dossier_id)."""
    entity = ENTITIES[name]
    return values["id"] if entity.parent == "id" else values[entity.parent]


def snapshot(name: str, row) -> dict:
    """The JSON snapshot of an ORM row (after flush, so defaults are filled)."""
    entity = ENTITIES[name]
    values = {column.name: getattr(row, column.key) for column in entity.table.columns}
    return snapshot_values(name, values, links={link: _current_links(name, row.id, link)
                                                for link in entity.links})


def snapshot_values(name: str, values: dict, links: dict | None = None) -> dict:
    """The JSON snapshot of a row given as column values (the grouped ticket path's Core rows)."""
    entity = ENTITIES[name]
    data = {column.name: _to_json(column, values.get(column.name)) for column in entity.table.columns
            if column.name not in entity.derived}
    for link in entity.links:
        data[link] = sorted(str(v) for v in (links or {}).get(link, ()))
    if entity.personal:
        personal = {key: data.pop(key) for key in entity.personal}
        data["sealed"] = personal_data.seal(subject_of(name, values), name, personal)
    return data


def _current_links(name: str, row_id, link: str) -> list:
    table = db.metadata.tables[ENTITIES[name].links[link]]
    mine, other = LINK_COLUMNS[table.name]
    return list(db.session.scalars(select(table.c[other]).where(table.c[mine] == row_id)))


def _unsealed(name: str, data: dict) -> dict:
    """The snapshot with its personal columns in clear (blank when the key was destroyed)."""
    entity = ENTITIES[name]
    data = dict(data)
    if entity.personal:
        sealed = data.pop("sealed", None)
        subject = subject_of(name, {key: _from_json(entity.table.c[key], data.get(key))
                                    for key in ("id", entity.parent)})
        data.update(personal_data.unseal(subject, name, sealed))
    for column, derive in entity.derived.items():  # never carried: rebuilt from what was
        data[column] = derive(data)
    return data


def _sqlite_datetime(text: str) -> str:
    text = text.replace("T", " ")
    return text if len(text) > 19 else text + ".000000"


def _storer(column):
    """How a column's JSON value is stored by SQLAlchemy on SQLite (None: as it is)."""
    kind = column.type
    if isinstance(kind, Uuid):
        return lambda text: text.replace("-", "")
    if isinstance(kind, DateTime):
        return _sqlite_datetime
    if isinstance(kind, Boolean):
        return int
    if isinstance(kind, JSON):
        return json.dumps
    return None


_STORERS = {name: [(column.name, _storer(column)) for column in entity.table.columns]
            for name, entity in ENTITIES.items()}


def sqlite_row(name: str, data: dict) -> tuple[tuple, dict]:
    """A snapshot as the tuple of values SQLite stores for its columns (in table order) and its
    association lists — what a bulk replay into a site's database writes without the ORM."""
    data = _unsealed(name, data)
    links = {link: [parse_uuid(v) for v in data.pop(link)] for link in ENTITIES[name].links if link in data}
    row = []
    for key, storer in _STORERS[name]:
        value = data.get(key)
        row.append(value if value is None or storer is None else storer(value))
    return tuple(row), links


def row_values(name: str, data: dict) -> tuple[dict, dict]:
    """Column values (Python types) and association lists from a snapshot; personal data unsealed,
    or blank when its key was destroyed."""
    entity = ENTITIES[name]
    data = _unsealed(name, data)
    links = {link: [parse_uuid(v) for v in data.pop(link)] for link in entity.links if link in data}
    values = {}
    for key, reader in _READERS[name]:
        value = data.get(key)
        values[key] = value if value is None or reader is None else reader(value)
    return values, links
