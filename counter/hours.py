"""The office's opening hours and phone: what the kiosk and the tracking page tell citizens.

The hours decide when the kiosk gives tickets (domain.opening_hours); both are recorded as
`site.updated` events (change "hours" or "phone"), so central's tracking page shows them once synced.
"""

from flask import Blueprint, request
from flask_login import current_user

from domain import site_config as config
from domain import validation as check
from domain.opening_hours import checked_hours, form_values, hours_text, parse_hours
from domain.site import current_site
from models import ReceptionPoint
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.web import render

from .access import enforce_session, roles_required

bp = Blueprint("hours", __name__, url_prefix="/counter/admin/hours")
bp.before_request(enforce_session)
FIELDS = {  # form field: (label, the most it may hold)
    "weekday": ("Thứ Hai đến thứ Sáu", 100),
    "saturday": ("Thứ Bảy", 100),
    "cutoff_minutes": ("Ngừng phát số trước giờ nghỉ (phút)", 3),
    "collect_note": ("Ghi chú khi nhận kết quả", 300),
    "phone": ("Số điện thoại", check.column_length(ReceptionPoint.phone)),
}


def _page(site, values: dict, errors: dict | None = None, saved: bool = False):
    return render("admin/hours.html", "admin/partials/_hours.html", site=site, values=values,
                  errors=errors or {}, saved=saved, summary=hours_text(parse_hours(site.hours)))


@bp.get("", strict_slashes=False)
@roles_required("admin")
def edit():
    """The form, filled with the hours in force (the defaults until the admin saves some)."""
    site = current_site()
    return _page(site, {**form_values(parse_hours(site.hours)), "phone": site.phone})


@bp.post("", strict_slashes=False)
@roles_required("admin")
def save():
    """Save the hours and the phone; a refusal shows beside its field with every value as typed."""
    site = current_site()
    typed = {name: request.form.get(name, "") for name in FIELDS}
    try:
        form = {name: check.text(typed[name], label, limit, field=name)
                for name, (label, limit) in FIELDS.items()}
        hours = checked_hours(form["weekday"], form["saturday"], form["cutoff_minutes"], form["collect_note"])
        config.set_phone(site, current_user, form["phone"])
        config.set_hours(site, current_user, hours)
    except check.InvalidInput as exc:
        db.session.rollback()
        return _page(current_site(), typed, {exc.field or "weekday": gettext(exc.message, **exc.params)}), \
            exc.status
    return _page(site, {**form_values(parse_hours(site.hours)), "phone": site.phone}, saved=True)
