"""`flask staff …`: staff accounts, each change through domain.staff and recorded as an event."""

from contextlib import contextmanager

import click
from flask.cli import AppGroup

from .transactions import write_transaction


@click.group("staff", cls=AppGroup)
def staff_group():
    """Staff accounts: each change is an event (no officer is named as its actor)."""


ROLE = click.Choice(["admin", "supervisor", "officer", "postal_officer"])


@contextmanager
def _staff_change(username: str | None = None):
    """One write transaction yielding the account named `username`; a refusal is a CLI error."""
    from domain import DomainError
    from domain.staff import find_staff

    try:
        with write_transaction():
            yield find_staff(username) if username is not None else None
    except DomainError as exc:
        raise click.ClickException(str(exc.message).format(**exc.params)) from None


@staff_group.command("add")
@click.argument("username")
@click.argument("full_name")
@click.option("--role", type=ROLE, default="officer")
@click.option("--site", "sites", multiple=True, metavar="AGENCY_CODE",
              help="A reception point where the account may work (repeat for several; the first is its "
                   "home). Required at central; at a site the default is the site itself.")
@click.password_option()
def staff_add(username, full_name, role, sites, password):
    """Create a staff account, or reset its name, role, sites and password."""
    from domain.staff import (
        assign_sites,
        change_password,
        change_role,
        create_staff,
        rename_staff,
        staff_named,
    )

    with _staff_change():
        places = _sites(sites)
        user = staff_named(username)
        if user is None:
            create_staff(places[0], None, username, full_name, role, password, sites=places)
        else:
            rename_staff(user, None, full_name)
            change_role(user, None, role)
            change_password(user, None, password)
            if sites:
                assign_sites(user, None, places)
    click.echo(f"Đã lưu tài khoản {username}.")


def _sites(codes) -> list:
    """The reception points named by agency codes; none given: this site (a site server only)."""
    from flask import current_app

    from domain import DomainError
    from domain.site import current_site
    from sync.central import find_site

    if codes:
        return [find_site(code.strip().upper()) for code in codes]
    if current_app.config["ROLE"] == "central":
        raise DomainError("Ở máy chủ trung tâm, hãy chỉ định điểm tiếp nhận bằng --site MÃ_CƠ_QUAN.")
    return [current_site()]


@staff_group.command("sites")
@click.argument("username")
@click.argument("codes", nargs=-1, required=True, metavar="AGENCY_CODE...")
def staff_sites(username, codes):
    """Set the reception points where USERNAME may work (province-wide accounts, at central)."""
    from domain.staff import assign_sites

    with _staff_change(username) as user:
        assign_sites(user, None, _sites(codes))
    click.echo(f"Tài khoản {username}: {', '.join(codes)}.")


@staff_group.command("role")
@click.argument("username")
@click.argument("role", type=ROLE)
def staff_role(username, role):
    """Give USERNAME another role (it applies from the account's next request)."""
    from domain.staff import change_role

    with _staff_change(username) as user:
        change_role(user, None, role)
    click.echo(f"Tài khoản {username}: vai trò {role}.")


@staff_group.command("rename")
@click.argument("username")
@click.argument("full_name")
def staff_rename(username, full_name):
    """Change the full name USERNAME is shown with."""
    from domain.staff import rename_staff

    with _staff_change(username) as user:
        rename_staff(user, None, full_name)
    click.echo(f"Tài khoản {username}: {full_name}.")


@staff_group.command("password")
@click.argument("username")
@click.password_option()
def staff_password(username, password):
    """Set USERNAME's password; every session of the account ends."""
    from domain.staff import change_password

    with _staff_change(username) as user:
        change_password(user, None, password)
    click.echo(f"Đã đổi mật khẩu tài khoản {username}; các phiên đăng nhập cũ đã kết thúc.")


@staff_group.command("reset-password")
@click.argument("username")
def staff_reset_password(username):
    """Give USERNAME a generated password, printed once; every session of the account ends."""
    from domain.staff import reset_password

    with _staff_change(username) as user:
        password = reset_password(user, None)
    click.echo(f"Mật khẩu mới của {username} (chỉ hiện một lần): {password}")


@staff_group.command("disable")
@click.argument("username")
def staff_disable(username):
    """Stop USERNAME logging in; its sessions end and the counter it holds closes."""
    from domain.staff import disable_staff

    with _staff_change(username) as user:
        disable_staff(user, None)
    click.echo(f"Đã khoá tài khoản {username}.")


@staff_group.command("enable")
@click.argument("username")
def staff_enable(username):
    """Let a disabled USERNAME log in again."""
    from domain.staff import enable_staff

    with _staff_change(username) as user:
        enable_staff(user, None)
    click.echo(f"Đã mở lại tài khoản {username}.")
