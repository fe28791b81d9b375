"""The schema comes from migrations, and the models agree with them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from models import StaffUser
from motcua.extensions import db


def test_models_match_the_migrations(app):
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_every_synced_row_has_a_uuid7_key_and_an_owner(app):
    with app.app_context():
        user = db.session.scalars(select(StaffUser)).first()
    assert user.id.version == 7 and user.site_id is not None


def test_staff_cli_sets_a_hashed_password(app, runner):
    result = runner.invoke(args=["staff", "add", "canbo2", "Phạm Văn Mới", "--role", "officer",
                                 "--password", "mat-khau-dai-2026"])
    assert "Đã lưu tài khoản canbo2" in result.output
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo2")).one()
    assert user.password_hash != "mat-khau-dai-2026" and user.check_password("mat-khau-dai-2026")


def test_calendar_cli_records_an_announced_day_off(app, runner):
    from datetime import date

    from domain.calendar import calendar_for
    from domain.site import current_site

    args = ["calendar", "set", "04/05/2026", "--off", "--note", "Nghỉ bù theo thông báo"]
    result = runner.invoke(args=args)
    assert "Đã ghi 04/05/2026: nghỉ" in result.output
    with app.app_context():
        assert not calendar_for(current_site()).is_working_day(date(2026, 5, 4))
