"""Central's screens (ROLE=central): the province dashboard, each site's drill-down, quarantined
events, and what the agency does to a dossier centrally (the site pulls it at its next sync).

Only the province's admins and supervisors log in here (counter.access.may_work_here). Both read the
figures and quarantine; an admin marks quarantine resolved; a supervisor (lãnh đạo) acts on dossiers —
the administrator configures and reads no citizen's dossier beyond the masked lists.
"""

import uuid

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from counter.access import CENTRAL_ROLES, enforce_session, roles_required
from domain import DomainError, NotFound, lifecycle
from domain import validation as check
from domain.clock import fmt_datetime, utcnow
from domain.dossiers import CHANNELS
from domain.tracking import mask_name, staff_history
from models import Dossier, DossierStep, ReceptionPoint
from motcua.extensions import db
from motcua.i18n import gettext, gettext_noop
from motcua.web import passive, render, wants_fragment

from . import figures
from .quarantine import quarantine_cases, resolve_quarantine

bp = Blueprint("central", __name__, url_prefix="/central")
bp.before_request(enforce_session)
province_staff = roles_required(*CENTRAL_ROLES)
HANDOVER = "dossier.handover_accepted"


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # staff pages: never kept by a shared browser
    return response


def _province() -> dict:
    rows = figures.site_figures()
    return {"rows": rows, "totals": figures.province_totals(rows),
            "quarantined": figures.open_quarantine_count(), "updated_at": utcnow()}


@bp.get("/")
@province_staff
def dashboard():
    """Every reception point of the province: link, today's tickets and dossiers, overdue."""
    return render("central/dashboard.html", "central/partials/_province.html", **_province())


@bp.get("/figures")
@province_staff
@passive
def province_figures():
    """The dashboard's figures again, polled every 30 s (does not keep the session alive)."""
    return render("central/dashboard.html", "central/partials/_province.html", **_province())


def _reception_point(site_id) -> ReceptionPoint:
    try:
        site = db.session.get(ReceptionPoint, uuid.UUID(str(site_id)))
    except ValueError:
        site = None
    if site is None:
        raise NotFound("Không tìm thấy điểm tiếp nhận này.")
    return site


def _site_context(site_id) -> dict:
    site = _reception_point(site_id)
    handovers = figures.awaiting_handover(site.id) if site.kind == "post_office" else None
    return {"site": site, "row": figures.site_figures(site.id)[0], "updated_at": utcnow(),
            "recent": figures.recent_dossiers(site.id), "overdue": figures.overdue_dossiers(site.id),
            "handovers": handovers, "credentials": figures.credentials(site.id)}


@bp.get("/sites/<site_id>")
@province_staff
def site(site_id):
    """One reception point: its figures, recent and overdue dossiers, and its sync link."""
    return render("central/site.html", "central/partials/_site.html", **_site_context(site_id))


@bp.get("/sites/<site_id>/figures")
@province_staff
@passive
def site_figures(site_id):
    return render("central/site.html", "central/partials/_site.html", **_site_context(site_id))


@bp.get("/quarantine")
@province_staff
def quarantine():
    """Events a site sent again with other content, newest first, beside what central stored."""
    return _quarantine_page()


@bp.post("/quarantine/<case_id>/resolve")
@roles_required("admin")
def resolve(case_id):
    row = resolve_quarantine(case_id)
    if not wants_fragment():
        return redirect(url_for(".quarantine"), code=303)
    return _quarantine_page(gettext("Đã đánh dấu sự kiện {event} là đã xử lý.", event=str(row.event_id)))


def _quarantine_page(message=None):
    return render("central/quarantine.html", "central/partials/_quarantine.html", cases=quarantine_cases(),
                  quarantined=figures.open_quarantine_count(), may_resolve=current_user.role == "admin",
                  message=message)


# ---- Dossiers: what the agency does centrally -----------------------------------------------------

STEPS = {
    "result-ready": lambda site, dossier, form: lifecycle.result_ready(
        site, dossier, current_user, check.text(form.get("note"), "Ghi chú kết quả", 1000, field="note",
                                                multiline=True)),
    "accept-handover": lambda site, dossier, form: lifecycle.accept_handover(site, dossier, current_user),
}
DONE = {
    "result-ready": gettext_noop("Đã ghi nhận hồ sơ {code} đã có kết quả; điểm tiếp nhận sẽ nhận được khi "
                                 "đồng bộ."),
    "accept-handover": gettext_noop("Đã tiếp nhận bàn giao hồ sơ {code}; hẹn trả kết quả mới: {due}."),
}


def _dossier(dossier_id) -> Dossier:
    try:
        dossier = db.session.get(Dossier, uuid.UUID(str(dossier_id)))
    except ValueError:
        dossier = None
    if dossier is None or dossier.code is None:
        raise NotFound("Không tìm thấy hồ sơ này.")
    return dossier


def _handover_pending(site, dossier) -> bool:
    """A post office's postal filing, transferred, whose hand-over the agency has not yet signed."""
    if dossier.status != "transferred" or dossier.channel != "postal" or site.kind != "post_office":
        return False
    return db.session.scalar(select(DossierStep.id).where(
        DossierStep.dossier_id == dossier.id, DossierStep.type == HANDOVER).limit(1)) is None


def _dossier_page(dossier, message=None):
    site = db.session.get(ReceptionPoint, dossier.site_id)
    may_act = current_user.role == "supervisor"
    actions = {"result_ready": may_act and dossier.status in ("received", "transferred"),
               "accept_handover": may_act and _handover_pending(site, dossier)}
    return render("central/dossier.html", "central/partials/_dossier.html", dossier=dossier, site=site,
                  applicant=mask_name(dossier.applicant_name), history=staff_history(dossier),
                  status=lifecycle.STATUS_LABELS.get(dossier.status, dossier.status),
                  channel=CHANNELS.get(dossier.channel, dossier.channel), actions=actions,
                  message=message)


@bp.get("/dossiers")
@province_staff
def find_dossier():
    """A dossier by its code (from a hand-over record or a phone call): to its page."""
    code = " ".join(request.args.get("code", "").split()).upper()[:60]
    dossier_id = db.session.scalar(select(Dossier.id).where(Dossier.code == code)) if code else None
    if dossier_id is None:
        raise NotFound("Không có hồ sơ mã “{code}”.", code=code)
    return redirect(url_for(".dossier", dossier_id=dossier_id), code=303)


@bp.get("/dossiers/<dossier_id>")
@province_staff
def dossier(dossier_id):
    """A dossier of any site as central holds it (applicant masked), and the agency's actions."""
    return _dossier_page(_dossier(dossier_id))


@bp.post("/dossiers/<dossier_id>/steps/<step>")
@roles_required("supervisor")
def dossier_step(dossier_id, step):
    """Result ready, or the post office's hand-over accepted: an event for the dossier's site to pull."""
    operation = STEPS.get(step)
    if operation is None:
        raise DomainError("Thao tác không hợp lệ.")
    dossier = _dossier(dossier_id)
    operation(db.session.get(ReceptionPoint, dossier.site_id), dossier, request.form)
    if not wants_fragment():
        return redirect(url_for(".dossier", dossier_id=dossier.id), code=303)
    return _dossier_page(dossier, gettext(DONE[step], code=dossier.code, due=fmt_datetime(dossier.due_at)))
