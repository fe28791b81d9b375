"""`flask events …`: replay the log into an empty database, print the catalogue, baseline old data."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .transactions import write_transaction, writer_queue


@click.group("events", cls=AppGroup)
def events_group():
    """The event log: the record every table is derived from."""


@events_group.command("replay")
@click.argument("target")
@click.option("--check/--no-check", default=True, help="Compare the result with this database.")
@click.option("--validate/--no-validate", default=True,
              help="Check every payload against its schema (this site's own log was checked when written).")
def replay(target: str, check: bool, validate: bool):
    """Rebuild this site's tables from its events alone into TARGET (a new SQLite file or a URL)."""
    from flask_migrate import upgrade

    from domain import replay as rebuild
    from domain.apply import BulkLoader

    from . import create_app

    url = target if "://" in target else f"sqlite:///{Path(target).resolve()}"
    if "://" not in target and Path(target).exists() and Path(target).stat().st_size > 0:
        raise click.ClickException(f"{target} đã có dữ liệu; hãy chỉ một tệp mới.")
    source_url = db.engine.url.render_as_string(hide_password=False)
    keys = rebuild.personal_keys()
    batches = rebuild.source_envelopes()
    instance = Path(target).resolve().parent if "://" not in target else Path(current_app.instance_path)
    other = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                        "START_WORKERS": False, "EVENT_GUARD": current_app.config["EVENT_GUARD"],
                        "SQLITE_CACHE_MB": 512})  # a whole log goes through its indexes
    with other.app_context():
        upgrade()
    total, loader = 0, None
    for batch in batches:  # read in this site's context, written in the other's
        with other.app_context(), write_transaction():
            if loader is None:
                rebuild.load_keys(keys)
                loader = BulkLoader(validate=validate)
            for env in batch:
                loader.add(env)
            loader.flush()
            total += len(batch)
    with other.app_context(), write_transaction():
        rebuild.finish()
    with other.app_context():
        db.engine.dispose()
    writer_queue.use(None)
    click.echo(f"Đã dựng lại {total} sự kiện vào {target}.")
    if check:
        result = rebuild.compare(source_url, url)
        for line in result.differences:
            click.echo(f"KHÁC: {line}")
        if not result.equal:
            raise SystemExit(1)
        click.echo(f"Trùng khớp {len(result.tables)} bảng với cơ sở dữ liệu đang chạy.")


@events_group.command("catalogue")
@click.option("--write", "path", type=click.Path(dir_okay=False),
              help="Replace the catalogue in this file (docs/events.md).")
def catalogue(path):
    """Print the catalogue of event types (the generated part of docs/events.md)."""
    from domain.event_docs import render_catalogue

    text = render_catalogue()
    if path:
        from domain.event_docs import replace_catalogue

        document = Path(path).read_text(encoding="utf-8")
        Path(path).write_text(replace_catalogue(document, text), encoding="utf-8")
        click.echo(f"Đã ghi danh mục sự kiện vào {path}.")
    else:
        click.echo(text)


@events_group.command("baseline")
def baseline():
    """Snapshot every row that has no event yet (a database from before the event envelope)."""
    from domain.baseline import record_baseline

    with write_transaction():
        count = record_baseline()
    click.echo(f"Đã ghi {count} sự kiện ảnh chụp cho dữ liệu cũ.")


@click.group("personal-data", cls=AppGroup)
def personal_data_group():
    """Personal data kept by this site, and its erasure when retention ends."""


@personal_data_group.command("erase-expired")
def erase_expired_command():
    """Erase the personal data of dossiers closed longer ago than PERSONAL_DATA_RETENTION_DAYS."""
    from domain.retention import delete_scans, erase_expired
    from domain.site import current_site

    with write_transaction():
        count, files = erase_expired(current_site())
    delete_scans(files)
    click.echo(f"Đã xóa dữ liệu cá nhân của {count} hồ sơ đã hết thời hạn lưu giữ.")


def init_app(app) -> None:
    app.cli.add_command(events_group)
    app.cli.add_command(personal_data_group)
