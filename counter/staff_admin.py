"""Staff accounts on screen, for the administrator: list, add, role and name, sites, password, disable.

Where accounts are managed (docs/central.md, "Accounts are province-wide"): a standalone site manages
its own; a site enrolled with central shows them read-only (they come down from central, and central
refuses a site's staff events); central (ROLE=central) manages the province's, each assigned to the
reception points where it works.
"""

import uuid

from flask import Blueprint, current_app, request
from flask_login import current_user
from sqlalchemy import select

from domain import DomainError, NotFound, staff
from domain.collation import vi_key
from domain.site import current_site
from models import ROLES, ReceptionPoint, StaffUser
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.web import render
from sync import site as sync_site

from .access import enforce_session, roles_required
from .admin import Outcome

bp = Blueprint("staff_admin", __name__, url_prefix="/counter/admin/staff")
bp.before_request(enforce_session)
admin_only = roles_required("admin")


def _at_central() -> bool:
    return current_app.config["ROLE"] == "central"


def _here():
    """This server's reception point (None at central, which serves the whole province)."""
    return None if _at_central() else current_site()


def _managed_here() -> bool:
    """Accounts are changed here unless this site is enrolled with central, which owns them."""
    return _at_central() or not sync_site.enrolled()


def _places() -> list:
    return sorted(db.session.scalars(select(ReceptionPoint)), key=lambda place: vi_key(place.name))


def _context(outcome: Outcome | None) -> dict:
    here = _here()
    return {"here": here, "central": _at_central(), "managed": _managed_here(), "roles": ROLES,
            "places": _places(), "outcome": outcome or Outcome()}


def _list(outcome: Outcome | None = None, password: str = "", created=None):
    here = _here()
    return render("staff/index.html", "staff/partials/_list.html", accounts=staff.accounts(here),
                  password=password, created=created, **_context(outcome))


def _account(user: StaffUser, outcome: Outcome | None = None, password: str = ""):
    return render("staff/account.html", "staff/partials/_account.html", account=staff.account(user),
                  password=password, **_context(outcome))


def _find(user_id) -> StaffUser:
    """An account this admin may manage: at a site, one that works here."""
    key = _uuid(user_id)
    user = db.session.get(StaffUser, key) if key is not None else None
    here = _here()
    if user is None or (here is not None and not staff.works_at(user, here)):
        raise NotFound("Không tìm thấy tài khoản này.")
    return user


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _refused(exc: DomainError) -> Outcome:
    """The refusal beside its field (or the form), with every value as typed; nothing saved."""
    db.session.rollback()
    text = gettext(exc.message, **exc.params)
    field = getattr(exc, "field", "")
    return Outcome(request.endpoint, "" if field else text, "error", {field: text} if field else {},
                   request.form)


def _require_managed() -> None:
    if not _managed_here():
        raise DomainError("Tài khoản do máy chủ trung tâm quản lý; hãy thay đổi tại đó.")


def _chosen_sites() -> list:
    """The reception points ticked in the form (at a site with only itself, that one)."""
    ids = {_uuid(value) for value in request.form.getlist("site_ids")}
    return [place for place in _places() if place.id in ids]


@bp.get("", strict_slashes=False)
@admin_only
def index():
    return _list()


@bp.post("", strict_slashes=False)
@admin_only
def add():
    """Add an account; with no password typed, a generated one is shown once."""
    _require_managed()
    form, here = request.form, _here()
    try:
        password = _typed_password() or staff.generate_password(form.get("username", ""))
        sites = _chosen_sites() if _at_central() or len(_places()) > 1 else [here]
        if not sites:
            raise staff.StaffError("Hãy chọn ít nhất một điểm tiếp nhận.", "site_ids")
        home = here if here is not None and here in sites else sites[0]
        user = staff.create_staff(home, current_user, form.get("username", ""), form.get("full_name", ""),
                                     form.get("role", ""), password, sites=sites)
    except NotFound:
        raise
    except DomainError as exc:
        return _list(_refused(exc)), exc.status
    shown = "" if form.get("password") else password
    message = gettext("Đã thêm tài khoản {username}.", username=user.username)
    return _list(Outcome("staff_admin.add", message), password=shown, created=user)


def _typed_password() -> str:
    """The password typed twice (empty when none was typed); a mismatch is refused beside the field."""
    password, again = request.form.get("password", ""), request.form.get("password_again", "")
    if password != again:
        raise staff.StaffError("Hai lần nhập mật khẩu không khớp nhau.", "password_again")
    return password


@bp.get("/<user_id>")
@admin_only
def account(user_id):
    return _account(_find(user_id))


def _change(user_id, action, message: str, password: bool = False):
    """Run `action(user)` on the account; its page again with `message`, or with the refusal."""
    _require_managed()
    user = _find(user_id)
    try:
        result = action(user)
    except NotFound:
        raise
    except DomainError as exc:
        return _account(user, _refused(exc)), exc.status
    return _account(user, Outcome(request.endpoint, gettext(message, username=user.username)),
                    password=result if password else "")


@bp.post("/<user_id>/details")
@admin_only
def details(user_id):
    def save(user):
        staff.rename_staff(user, current_user, request.form.get("full_name", ""))
        staff.change_role(user, current_user, request.form.get("role", ""))
    return _change(user_id, save, "Đã lưu tài khoản {username}.")


@bp.post("/<user_id>/sites")
@admin_only
def sites(user_id):
    return _change(user_id, lambda user: staff.assign_sites(user, current_user, _chosen_sites(), _here()),
                   "Đã lưu nơi làm việc của tài khoản {username}.")


@bp.post("/<user_id>/password")
@admin_only
def password(user_id):
    """A generated password shown once, or one typed twice; either way every session of the account ends."""
    def reset(user):
        typed = _typed_password()
        if request.form.get("mode") == "typed" or typed:
            staff.change_password(user, current_user, typed)
            return ""
        return staff.reset_password(user, current_user)
    return _change(user_id, reset, "Đã đặt lại mật khẩu của {username}; các phiên đăng nhập của tài khoản "
                                   "đã kết thúc.", password=True)


@bp.post("/<user_id>/disable")
@admin_only
def disable(user_id):
    return _change(user_id, lambda user: staff.disable_staff(user, current_user),
                   "Đã khoá tài khoản {username}: tài khoản đã bị đăng xuất và không đăng nhập được nữa.")


@bp.post("/<user_id>/enable")
@admin_only
def enable(user_id):
    return _change(user_id, lambda user: staff.enable_staff(user, current_user),
                   "Đã mở lại tài khoản {username}.")
