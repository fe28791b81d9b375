"""The reception point's working calendar: statutory holidays plus its override table."""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from models import CalendarOverride
from motcua.extensions import db

from .clock import VN, to_local
from .workdays import WorkCalendar


def calendar_for(site) -> WorkCalendar:
    """A WorkCalendar with this site's announced swaps, make-up Saturdays and closures."""
    overrides = {row.day: row.working for row in db.session.scalars(
        select(CalendarOverride).where(CalendarOverride.site_id == site.id))}
    return WorkCalendar(overrides=overrides,
                        make_up_saturdays_count=current_app.config["MAKE_UP_SATURDAYS_COUNT"])


def due_from(calendar: WorkCalendar, received_utc: datetime, procedure) -> datetime:
    """The appointment (naive UTC, as stored) for a complete dossier received at `received_utc`,
    counted from the next working day when received after 15:00 and the procedure keeps the 15:00 rule."""
    local = to_local(received_utc)
    cutoff = procedure.cutoff_applies
    if procedure.same_day:
        due = calendar.due_at(local, same_day=True, cutoff=cutoff)
    else:
        due = calendar.due_at(local, days=procedure.deadline_days, hours=procedure.deadline_hours,
                              cutoff=cutoff)
    return due.astimezone(UTC).replace(tzinfo=None)


def local_date(moment_utc: datetime):
    return moment_utc.replace(tzinfo=UTC).astimezone(VN).date()
