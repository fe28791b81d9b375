"""Dossier search at the counter, and a citizen's whole history at this reception point."""

from flask import Blueprint, request

from domain import DomainError
from domain.lifecycle import STATUS_LABELS
from domain.search import LIMIT, citizen_dossiers, find_dossiers, masked_id, masked_phone, parse_query
from domain.site import current_site, get_owned
from models import COUNTER_ROLES, Dossier
from motcua.i18n import gettext
from motcua.web import render

from .access import enforce_session, roles_required

bp = Blueprint("search", __name__, url_prefix="/counter/search")
bp.before_request(enforce_session)
staff_only = roles_required(*COUNTER_ROLES)  # the supervisor works at counters; the admin reads no dossier


@bp.get("", strict_slashes=False)
@staff_only
def index():
    """The search page (?q=), or its results alone for the box's live htmx requests."""
    site = current_site()
    typed = request.args.get("q", "")
    results, more, error = [], False, None
    try:
        query = parse_query(typed)
        if query is not None:
            results, more = find_dossiers(site, query, limit=LIMIT)
    except DomainError as exc:
        query, error = None, gettext(exc.message, **exc.params)
    return render("search/index.html", "search/partials/_results.html", site=site, q=typed[:200],
                  query=query, results=results, more=more, limit=LIMIT, error=error,
                  labels=STATUS_LABELS, masked_id=masked_id, masked_phone=masked_phone), 422 if error else 200


@bp.get("/citizen/<dossier_id>")
@staff_only
def citizen(dossier_id):
    """Every dossier of the citizen who filed this one, at this site, newest first, with its status."""
    site = current_site()
    dossier = get_owned(Dossier, site, dossier_id)
    return render("search/citizen.html", "search/citizen.html", site=site, dossier=dossier,
                  dossiers=citizen_dossiers(site, dossier), labels=STATUS_LABELS,
                  masked_id=masked_id, masked_phone=masked_phone)
