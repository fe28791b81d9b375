"""Gap-free numbers: a counter row bumped in the same transaction as the insert it numbers.

A rollback (crash, disk full, constraint) rolls the counter back too, so numbers
are never skipped; the row lock (SQLite's write lock, PostgreSQL's row lock)
means two writers never get the same number.
"""

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite

from models import NumberSeries
from motcua.extensions import db


def allocate_number(site_id, day: date, series: str) -> int:
    """Return the next number of `series` at this site on `day`, starting from 1."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    table = NumberSeries.__table__
    stmt = (
        insert(table)
        .values(site_id=site_id, business_date=day, series=series, last=1)
        .on_conflict_do_update(
            index_elements=["site_id", "business_date", "series"],
            set_={"last": table.c.last + 1},
        )
        .returning(table.c.last)
    )
    return db.session.execute(stmt).scalar_one()
