"""Small SQL pieces that read the same on SQLite (sites) and PostgreSQL (central), and percentiles."""

import math
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, cast, func, literal_column, true
from sqlalchemy.sql import ColumnElement

from domain.clock import VN
from motcua.extensions import db

from .types import EMPTY_STAT, Scope, Stat

# Vietnam keeps UTC+7 all year (no daylight saving), so a local hour is the stored UTC hour + 7.
UTC_OFFSET_HOURS = int(datetime(2024, 1, 1, tzinfo=VN).utcoffset() / timedelta(hours=1))


def dialect() -> str:
    return db.session.get_bind().dialect.name


def minutes_between(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """end − start in minutes (float), None when either is missing."""
    if dialect() == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def local_hour(moment: ColumnElement) -> ColumnElement:
    """The Vietnamese wall-clock hour (0..23) of a stored naive-UTC moment."""
    if dialect() == "postgresql":
        return cast(func.extract("hour", moment + literal_column(f"interval '{UTC_OFFSET_HOURS} hours'")),
                    Integer)
    return cast(func.strftime("%H", moment, f"+{UTC_OFFSET_HOURS} hours"), Integer)


def in_sites(column, scope: Scope):
    """A WHERE clause for the scope's sites (True when the scope covers every site)."""
    if scope.site_ids is None:
        return true()
    if len(scope.site_ids) == 1:
        return column == scope.site_ids[0]
    return column.in_(scope.site_ids)


def between(column, scope: Scope):
    start, end = scope.bounds()
    return (column >= start) & (column < end)


def percentile(ordered: list[float], share: float) -> float | None:
    """The share-th percentile of an ascending list (linear interpolation), None when empty."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stat(values: list[float]) -> Stat:
    """Count, median and 90th percentile of minutes (negative clock noise counts as 0), one decimal."""
    if not values:
        return EMPTY_STAT
    ordered = sorted(max(v, 0.0) for v in values)
    return Stat(len(ordered), round(percentile(ordered, 0.5), 1), round(percentile(ordered, 0.9), 1))


def share(part: float, whole: float) -> float | None:
    """part / whole, None when whole is 0 (nothing to divide: shown as “—”)."""
    return part / whole if whole else None


def as_uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
