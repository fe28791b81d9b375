"""Business time: Asia/Ho_Chi_Minh dates, dd/mm/yyyy, and UTC storage."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """Now in UTC, naive (how rows store time)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC time seen in Vietnam."""
    return moment.replace(tzinfo=UTC).astimezone(VN)


def business_date(moment: datetime | None = None) -> date:
    """The Vietnamese calendar date of a stored UTC moment (default now)."""
    return to_local(moment or utcnow()).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a Vietnamese calendar day, naive."""
    start = datetime(day.year, day.month, day.day, tzinfo=VN).astimezone(UTC)
    return start.replace(tzinfo=None), (start + timedelta(days=1)).replace(tzinfo=None)


def fmt_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def fmt_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def fmt_datetime(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M %d/%m/%Y")
