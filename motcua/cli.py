"""Command-line tasks, grouped by area and registered through the factory."""

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .extensions import db
from .staff_cli import staff_group
from .transactions import write_transaction


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(clock_group)
    app.cli.add_command(staff_group)
    app.cli.add_command(calendar_group)
    app.cli.add_command(printer_group)
    from sync.cli import central_group, sync_group

    app.cli.add_command(sync_group)
    app.cli.add_command(central_group)


@click.command("seed-demo")
@click.option("--history", "history_days", default=0, metavar="DAYS",
              help="Also fill this many past working days with activity (only a site with no tickets).")
@with_appcontext
def seed_demo_command(history_days):
    """Load the demo reception point (no-op when one exists)."""
    from .demo_history import seed_demo_with_history

    created, history = seed_demo_with_history(history_days)
    click.echo("Đã tạo dữ liệu mẫu." if created else "Dữ liệu đã có sẵn, không thay đổi.")
    if history:
        click.echo(f"Đã tạo hoạt động mẫu của {history_days} ngày làm việc gần đây.")


@click.group("clock", cls=AppGroup)
def clock_group():
    """The site clock guard."""


@clock_group.command("confirm")
def clock_confirm():
    """Accept the current system time after checking it (unblocks ticket issuing)."""
    from counter.admin import central_clock_seen
    from domain.clock import confirm_clock, fmt_date, fmt_time, utcnow
    from domain.site import current_site

    with write_transaction():
        central = central_clock_seen()
        confirm_clock(current_site().id)
    here = utcnow()
    click.echo(f"Giờ máy này: {fmt_date(here)} {fmt_time(here)}")
    if central is not None:
        seen = f"{fmt_date(central)} {fmt_time(central)}"
        click.echo(f"Giờ máy chủ trung tâm (theo lần đồng bộ gần nhất): {seen}")
    click.echo("Đã xác nhận giờ hệ thống.")


@click.group("calendar", cls=AppGroup)
def calendar_group():
    """Announced swaps, make-up Saturdays and local days off."""


@calendar_group.command("set")
@click.argument("day")
@click.option("--working/--off", default=True, help="a working day (make-up) or a day off")
@click.option("--note", default="", help="the announcement it comes from")
@click.option("--site", "sites", multiple=True, metavar="AGENCY_CODE",
              help="At central: the reception point(s) it applies to (each pulls it); --all-sites for all.")
@click.option("--all-sites", is_flag=True, help="At central: every reception point of the province.")
def calendar_set(day, working, note, sites, all_sites):
    """Mark DAY (dd/mm/yyyy) as a working day or a day off for deadlines."""
    from flask import current_app

    from domain import DomainError
    from domain.dossiers import parse_date
    from domain.site import current_site
    from domain.site_config import set_calendar_day
    from models import ReceptionPoint
    from sync.central import find_site

    try:
        with write_transaction():
            if all_sites:
                places = list(db.session.scalars(select(ReceptionPoint)))
            elif sites:
                places = [find_site(code.strip().upper()) for code in sites]
            elif current_app.config["ROLE"] == "central":
                raise DomainError("Ở máy chủ trung tâm, hãy chỉ định điểm tiếp nhận bằng --site MÃ_CƠ_QUAN "
                                  "hoặc --all-sites.")
            else:
                places = [current_site()]
            for place in places:
                set_calendar_day(place, None, parse_date(day), working, note)
    except DomainError as exc:
        raise click.ClickException(str(exc.message).format(**exc.params)) from None
    click.echo(f"Đã ghi {day}: {'làm việc' if working else 'nghỉ'}.")


@click.group("printer", cls=AppGroup)
def printer_group():
    """For the technician: test a printer, ask for its status."""


def _device(name: str):
    """A kiosk by code (K1) or a counter by number (2, "quay-2")."""
    from domain import DomainError
    from domain.site import current_site
    from models import Counter, Kiosk

    site = current_site()
    number = name.lower().removeprefix("quay-").removeprefix("quầy-")
    if number.isdigit():
        device = db.session.scalars(select(Counter).where(Counter.site_id == site.id,
                                                          Counter.number == int(number))).first()
        label = f"Quầy {number}"
    else:
        device = db.session.scalars(select(Kiosk).where(Kiosk.site_id == site.id,
                                                        Kiosk.code == name.upper())).first()
        label = f"Kiosk {name.upper()}"
    if device is None:
        raise DomainError("Không có thiết bị “{name}”. Dùng mã kiosk (K1) hoặc số quầy (2).", name=name)
    return site, device, label


@printer_group.command("test")
@click.argument("name")
def printer_test(name):
    """Print a test page on NAME's printer now (a kiosk code like K1, or a counter number)."""
    from domain import DomainError
    from domain.printing import process_due_jobs, queue_test_page

    try:
        with write_transaction():
            site, device, label = _device(name)
            queue_test_page(site, device.printer_url, label)
        process_due_jobs()
        status, error = _status_of(device.printer_url)
    except DomainError as exc:
        raise click.ClickException(str(exc.message).format(**exc.params)) from None
    click.echo(f"{label} ({device.printer_url}): {'đã in trang thử' if not error else 'lỗi: ' + error}")
    click.echo(status)


def _status_of(printer_url: str) -> tuple[str, str]:
    from domain.printer_status import describe
    from models import PrinterState

    state = db.session.scalars(select(PrinterState).where(PrinterState.printer_url == printer_url)).first()
    text, params, _level = describe(state)
    return f"Trạng thái: {text.format(**params)}", state.last_error if state else ""


@printer_group.command("status")
@click.argument("name")
def printer_status(name):
    """Ask NAME's printer for its status (online, paper) where its link can answer."""
    from flask import current_app

    from domain import DomainError
    from domain.printer_status import PAPER_LABELS, probe

    try:
        with write_transaction():
            _site, device, label = _device(name)
    except DomainError as exc:
        raise click.ClickException(str(exc.message).format(**exc.params)) from None
    status = probe(device.printer_url, current_app.config["PRINT_TIMEOUT_SECONDS"])
    if status is None:
        click.echo(f"{label} ({device.printer_url}): kết nối này không hỏi được trạng thái.")
        return
    online = {True: "đang bật", False: "TẮT hoặc mở nắp", None: "không trả lời"}[status.online]
    paper = PAPER_LABELS.get(status.paper, "không rõ")
    click.echo(f"{label} ({device.printer_url}): {online}; giấy: {paper}. {status.detail}")
