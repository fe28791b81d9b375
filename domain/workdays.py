"""Working-day calendar for appointment dates ("ngày hẹn trả kết quả").

Deadlines count in working days from the receipt of a complete dossier (domain.md §1.3). Working days
are Monday to Friday minus the public holidays of the `holidays` package (lunar Tết, Hùng Kings' Day
and compensatory days included), corrected by an override table synced from the server.

Times: a naive datetime is Vietnamese wall-clock time; an aware one is converted to Asia/Ho_Chi_Minh
and the result is then aware too. Stored naive-UTC values go through `clock.to_local` first.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays

from domain.clock import VN

# Provincial workflows write deadlines in working hours, 8 to a working day (domain.md §1.3).
HOURS_PER_DAY = 8
SATURDAY = 5


@dataclass
class WorkCalendar:
    """Working days for one reception point: package holidays plus announced overrides."""

    # True = worked (a make-up Saturday, or a package holiday the office works); False = a day off.
    overrides: Mapping[date, bool] = field(default_factory=dict)
    # Whether a make-up Saturday counts toward deadlines is not settled in law (domain.md §13).
    make_up_saturdays_count: bool = True
    # Decree 61 Art. 18 and Decree 23/2015 Art. 7: a file received after 15:00 counts from the next day.
    cutoff: time = time(15, 0)
    # Receipts promise the result an hour before the 17:00 close, leaving time to hand it back.
    return_time: time = time(16, 0)
    _years: dict[int, holidays.HolidayBase] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _holidays(self, year: int) -> holidays.HolidayBase:
        """Return the package's holidays for one year, computed on first use."""
        if year not in self._years:
            self._years[year] = holidays.country_holidays("VN", years=year, language="vi")
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        """Tell whether deadlines count this day."""
        override = self.overrides.get(day)
        if override is False:
            return False
        if override:
            return day.weekday() < SATURDAY or self.make_up_saturdays_count
        return day.weekday() < SATURDAY and day not in self._holidays(day.year)

    def holiday_name(self, day: date) -> str | None:
        """Return the Vietnamese holiday name of a day off, or None."""
        if self.overrides.get(day):
            return None
        return self._holidays(day.year).get(day)

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day after start; n = 0 gives start or the next working day."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while not self.is_working_day(day):
            day += timedelta(days=1)
        if day != start:
            n = max(n - 1, 0)  # the first working day after a day off is already one step on
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def clock_start(self, received: datetime, cutoff: bool = True) -> date:
        """Return the working day a dossier counts as received: the next one after 15:00 when `cutoff`."""
        local = _wall_clock(received)
        day = local.date()
        if self.is_working_day(day) and (not cutoff or local.time() <= self.cutoff):
            return day
        return self.add_working_days(day, 1)

    def due_at(self, received: datetime, days: int = 0, hours: int = 0, same_day: bool = False,
               cutoff: bool = True) -> datetime:
        """Return the appointment time for a complete dossier received at `received`.

        `cutoff` is the procedure's 15:00 rule: without it a dossier received late on a working day still
        counts from that day, but its appointment is never before the moment it was received.
        """
        if days < 0 or hours < 0:
            raise ValueError("a deadline cannot be negative")
        if same_day and (days or hours):
            raise ValueError("a same-day procedure has no deadline in days or hours")
        # Hours round up to whole working days: a receipt promises a date, never a half day.
        total = days - (-hours // HOURS_PER_DAY)
        local = _wall_clock(received)
        due_day = self.add_working_days(self.clock_start(received, cutoff), total)
        if datetime.combine(due_day, self.return_time) < local:
            due_day = self.add_working_days(due_day, 1)  # e.g. same day, no 15:00 rule, received 16:30
        return datetime.combine(due_day, self.return_time, tzinfo=VN if received.tzinfo else None)


def _wall_clock(moment: datetime) -> datetime:
    """Return a moment as naive Vietnamese wall-clock time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(VN).replace(tzinfo=None)
