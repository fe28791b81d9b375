"""Reading a period (and sites) from query arguments: ?from=&to= or ?period=today|week|month."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from domain import DomainError
from domain.clock import business_date

from .types import Scope

MAX_DAYS = 400
FIRST_YEAR, LAST_YEAR = 2000, 2099
FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def _parse_day(text: str) -> date:
    for fmt in FORMATS:
        try:
            day = datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        if FIRST_YEAR <= day.year <= LAST_YEAR:  # year 1 or 9999 would overflow the UTC bounds
            return day
    raise DomainError("Ngày không hợp lệ: {value}. Hãy nhập theo dạng dd/mm/yyyy.", value=text)


def period_bounds(period: str, today: date) -> tuple[date, date]:
    if period == "today":
        return today, today
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    raise DomainError("Khoảng thời gian không hợp lệ: {value}.", value=period)


def _ids(site_ids):
    if site_ids is None:
        return None
    return tuple(site_ids) if isinstance(site_ids, list | tuple | set | frozenset) else (site_ids,)


def parse_scope(args: Mapping, site_ids, today: date | None = None) -> Scope:
    """A Scope from query args; `site_ids` None = every site, or one id, or several."""
    today = today or business_date()
    period = (args.get("period") or "").strip()
    start_text, end_text = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if period and not (start_text or end_text):
        start, end = period_bounds(period, today)
    else:
        start = _parse_day(start_text) if start_text else None
        end = _parse_day(end_text) if end_text else None
        start, end = start or end or today, end or start or today
    if start > end:
        raise DomainError("Ngày bắt đầu ({start}) phải trước hoặc bằng ngày kết thúc ({end}).",
                          start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError("Khoảng thời gian tối đa là {days} ngày.", days=MAX_DAYS)
    return Scope(_ids(site_ids), start, end)
