"""`flask sync …` (a site: enrol, sync now, status) and `flask central …` (central: sites and their
credentials, the demo province)."""

import click
from flask import current_app
from flask.cli import AppGroup

from motcua.transactions import write_transaction


def _fail(exc) -> click.ClickException:
    message = exc.message.format(**exc.params) if hasattr(exc, "message") else str(exc)
    return click.ClickException(message)


@click.group("sync", cls=AppGroup)
def sync_group():
    """This site's link with the province's central server."""


def _site_only() -> None:
    if current_app.config["ROLE"] != "site":
        raise click.ClickException("Lệnh này dành cho máy chủ của điểm tiếp nhận (ROLE=site).")


@sync_group.command("enrol")
@click.argument("url")
@click.option("--credential", envvar="MOTCUA_SYNC_CREDENTIAL", prompt=True, hide_input=True,
              help="The credential `flask central add-site` printed (or MOTCUA_SYNC_CREDENTIAL).")
def sync_enrol(url, credential):
    """Join this site to the central server at URL, then pull what central has for it."""
    from domain import DomainError

    from .site import SyncFailed, enrol

    _site_only()
    try:
        site = enrol(url, credential.strip())
    except (DomainError, SyncFailed) as exc:
        raise _fail(exc) from None
    click.echo(f"Đã đăng ký: {site.name} ({site.agency_code}) với {url}.")


@sync_group.command("now")
def sync_now():
    """Push what is waiting and pull what central has, now (exit code 1 when central is unreachable)."""
    from .site import SyncFailed, sync_round

    _site_only()
    try:
        done = sync_round()
    except SyncFailed as exc:
        raise click.ClickException(f"Chưa đồng bộ được: {exc}") from None
    click.echo(f"Đã đồng bộ: gửi {done.pushed} sự kiện, nhận {done.pulled_pages} trang.")


@sync_group.command("status")
def sync_status():
    """Online or not, events waiting, last successful sync, central's clock."""
    from domain.clock import fmt_datetime

    from .site import status

    _site_only()
    state = status()
    if not state.enrolled:
        click.echo("Chưa đăng ký với máy chủ trung tâm (flask sync enrol URL).")
        return
    click.echo(f"Máy chủ trung tâm: {state.central_url}")
    click.echo(f"Trạng thái: {'trực tuyến' if state.online else 'ngoại tuyến'}")
    click.echo(f"Sự kiện chờ gửi: {state.waiting}")
    click.echo("Đồng bộ thành công gần nhất: "
               + (fmt_datetime(state.last_success_at) if state.last_success_at else "chưa có"))
    if state.last_error:
        click.echo(f"Lỗi gần nhất: {state.last_error}")
    if state.problems:
        click.echo(f"Sự kiện máy chủ trung tâm không nhận: {state.problems}")
    if state.central_time:
        click.echo(f"Giờ máy chủ trung tâm (lần đồng bộ gần nhất): {fmt_datetime(state.central_time)}")


@click.group("central", cls=AppGroup)
def central_group():
    """The province's central server: reception points and their sync credentials."""


def _central_only() -> None:
    if current_app.config["ROLE"] != "central":
        raise click.ClickException("Lệnh này dành cho máy chủ trung tâm (ROLE=central).")


@central_group.command("add-site")
@click.argument("agency_code")
@click.argument("name")
@click.argument("kind", type=click.Choice(["commune_centre", "provincial_branch", "post_office"]))
@click.option("--address", default="")
@click.option("--parent-agency", default="")
def central_add_site(agency_code, name, kind, address, parent_agency):
    """Add a reception point and print its sync credential (shown once; only its hash is kept)."""
    from domain import DomainError

    from .provision import add_site

    _central_only()
    try:
        with write_transaction():
            site, credential = add_site(agency_code, name, kind, address, parent_agency)
            site_id = site.id
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"site: {site_id}")
    click.echo(f"credential: {credential}")


@central_group.command("rotate-credential")
@click.argument("agency_code")
def central_rotate(agency_code):
    """Issue a new credential; the old one keeps working until revoked (no downtime)."""
    from domain import DomainError

    from .central import find_site, issue_credential

    _central_only()
    try:
        with write_transaction():
            credential = issue_credential(find_site(agency_code))
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"credential: {credential}")


@central_group.command("revoke-credential")
@click.argument("agency_code")
@click.argument("key_id", required=False)
def central_revoke(agency_code, key_id):
    """Revoke one credential (the part before the dot) or, without KEY_ID, all of the site's."""
    from domain import DomainError

    from .central import find_site, revoke_credentials

    _central_only()
    try:
        with write_transaction():
            count = revoke_credentials(find_site(agency_code), key_id)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"Đã thu hồi {count} thông tin xác thực.")


@central_group.command("seed-demo")
@click.option("--activity/--no-activity", default=True,
              help="Also run the three demo sites for a morning (in process) and push their events.")
def central_seed_demo(activity):
    """Three demo reception points (two commune centres, a cultural post office), their procedures
    and accounts; with --activity, each site's morning of tickets and dossiers arrives through sync."""
    from .demo import seed_central_demo

    _central_only()
    for line in seed_central_demo(activity):
        click.echo(line)
