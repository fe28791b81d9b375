"""The supervisor's dashboard: today's and any period's figures, the official indicators (estimated).

At a site it shows the site; at central (ROLE=central) the same URL shows the whole province, or one
reception point with ?site=<id>. One `domain.figures.dashboard(scope)` call per page: no query per row.
"""

from flask import Blueprint, current_app, request, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from domain import DomainError, NotFound, numbers
from domain import figures as engine
from domain import validation as check
from domain.clock import business_date, utcnow
from domain.collation import vi_key
from domain.lifecycle import STATUS_LABELS
from domain.site import current_site
from models import ReceptionPoint
from motcua.extensions import db
from motcua.i18n import gettext, gettext_noop
from motcua.web import passive, render

from . import charts
from .access import enforce_session, roles_required

bp = Blueprint("supervisor", __name__, url_prefix="/counter/supervisor")
bp.before_request(enforce_session)
supervisors = roles_required("supervisor", "admin")
PERIODS = {"today": gettext_noop("Hôm nay"), "week": gettext_noop("Tuần này"),
           "month": gettext_noop("Tháng này")}
REFRESH_SECONDS = 30
# A long period costs seconds to count on a busy site (docs/figures.md §6): it refreshes less often,
# so a page left open on "this year" does not take a core from the kiosks and counters.
SLOWER_REFRESH = ((7, REFRESH_SECONDS), (31, 120))
LONG_PERIOD_REFRESH = 600


def refresh_seconds(scope) -> int:
    """How often the figures of a period that includes today refresh themselves."""
    return next((every for days, every in SLOWER_REFRESH if scope.days <= days), LONG_PERIOD_REFRESH)
DAY_FIELDS = {"from": "Từ ngày", "to": "Đến ngày"}  # the period's inputs and their labels
# What each figure linked to its dossiers counts (domain.figures.dossiers_behind's keys); indicators
# are named by their key ("2.1"), and "2.1:missed" lists those its denominator counts and not its numerator.
BEHIND = {"received": gettext_noop("Hồ sơ tiếp nhận"), "finished": gettext_noop("Hồ sơ đã giải quyết"),
          "early": gettext_noop("Hồ sơ giải quyết trước hạn"),
          "on_time": gettext_noop("Hồ sơ giải quyết đúng hạn"),
          "late": gettext_noop("Hồ sơ giải quyết trễ hạn"),
          "open_in_time": gettext_noop("Hồ sơ đang giải quyết, còn hạn"),
          "overdue_now": gettext_noop("Hồ sơ quá hạn hiện nay"),
          "digitised": gettext_noop("Hồ sơ được số hóa"),
          "reused": gettext_noop("Hồ sơ dùng lại dữ liệu sẵn có"),
          "supplemented": gettext_noop("Hồ sơ phải bổ sung"),
          "in_person": gettext_noop("Hồ sơ nộp trực tiếp"), "postal": gettext_noop("Hồ sơ nộp qua bưu chính"),
          "online": gettext_noop("Hồ sơ nộp trực tuyến")}

bp.add_app_template_filter(numbers.vn_number, "vn_number")
bp.add_app_template_filter(numbers.vn_percent, "vn_percent")
bp.add_app_template_filter(numbers.vn_minutes, "vn_minutes")
bp.add_app_template_filter(numbers.vn_figure, "vn_figure")
ROW_KINDS = {"queue": gettext_noop("Hàng"), "counter": gettext_noop("Quầy"),
             "officer": gettext_noop("Cán bộ")}


def _at_central() -> bool:
    return current_app.config["ROLE"] == "central"


def _reception_points() -> list[ReceptionPoint]:
    points = db.session.scalars(select(ReceptionPoint)).all()
    return sorted(points, key=lambda point: (vi_key(point.name), point.agency_code))


def _where(args) -> dict:
    """Which sites: this site; at central every site, or the one chosen in ?site=."""
    if not _at_central():
        site = current_site()
        return {"site": site, "site_ids": (site.id,), "points": None, "chosen": None}
    points = _reception_points()
    chosen = (args.get("site") or "").strip()
    if not chosen:
        return {"site": None, "site_ids": None, "points": points, "chosen": None}
    match = next((point for point in points if str(point.id) == chosen), None)
    if match is None:
        raise NotFound("Không tìm thấy điểm tiếp nhận này.")
    return {"site": match, "site_ids": (match.id,), "points": points, "chosen": match.id}


def _checked_scope(args, site_ids) -> engine.Scope:
    """The period asked for; each typed day is checked first, so its error names its own field."""
    for field, label in DAY_FIELDS.items():
        check.day(args.get(field), label, field=field)
    return engine.parse_scope(args, site_ids)


def _scope(args, site_ids) -> tuple[engine.Scope, dict]:
    """The period asked for; if it cannot be read, today's, and the message for the field at fault
    (an unknown ?period=, or an end before the start)."""
    try:
        return _checked_scope(args, site_ids), {}
    except DomainError as error:
        field = getattr(error, "field", "") or ("period" if "value" in error.params else "to")
        return engine.parse_scope({}, site_ids), {field: gettext(error.message, **error.params)}


def _query(scope: engine.Scope, chosen) -> dict:
    """The arguments that show this period again (the live fragment, the links to dossiers)."""
    query = {"from": f"{scope.start:%d/%m/%Y}", "to": f"{scope.end:%d/%m/%Y}"}
    return query | ({"site": str(chosen)} if chosen else {})


def _nothing(board) -> bool:
    """Nothing happened in the period: the page says so instead of drawing empty charts."""
    tickets, dossiers, satisfaction = board.tickets, board.dossiers, board.satisfaction
    return not (tickets.issued or dossiers.received or dossiers.finished or dossiers.overdue_now
                or satisfaction.ratings or satisfaction.feedback.received or satisfaction.feedback.open)


def _period_shown(args, errors) -> str:
    """Which period button is lit: the one asked for; today when nothing was asked."""
    if errors or args.get("from") or args.get("to"):
        return ""
    return args.get("period") or "today"


def _dashboard(args) -> dict:
    where = _where(args)
    scope, errors = _scope(args, where["site_ids"])
    board = engine.dashboard(scope)
    typed = {"from": args.get("from", "") if errors else f"{scope.start:%d/%m/%Y}",
             "to": args.get("to", "") if errors else f"{scope.end:%d/%m/%Y}"}
    return where | _shared(scope, where) | {
        "board": board, "charts": charts.dashboard_charts(board), "nothing": _nothing(board),
        "errors": errors, "typed": typed, "periods": PERIODS, "row_kinds": ROW_KINDS,
        "period": _period_shown(args, errors), "refresh_seconds": refresh_seconds(scope),
        "live": scope.start <= business_date() <= scope.end, "updated_at": utcnow(),
    }


def _shared(scope, where) -> dict:
    """What every page here needs: where links go, and the arguments that show this period again."""
    central = _at_central()
    return {"at_central": central, "query": _query(scope, where["chosen"]),
            "links": {"reports": _reports_link(central, where["chosen"]),
                      "pakn": None if central else _url("feedback.index") or "/counter/pakn"},
            "dossier_endpoint": "central.dossier" if central else "dossiers.show",
            "lang_path": request.full_path.rstrip("?")}


def _reports_link(central: bool, chosen) -> str | None:
    """The reports of this site; at central, of the reception point chosen (none for the province)."""
    if not central:
        return _url("reports.index")
    return _url("reports.index", site=str(chosen)) if chosen is not None else None


def _url(endpoint: str, **values) -> str | None:
    try:  # the reports and PAKN pages come with their own blueprints, built beside this one
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.get("/")
@supervisors
def index():
    """The dashboard for a period (today unless asked), with the period picker."""
    return render("supervisor/index.html", "supervisor/partials/_dashboard.html", **_dashboard(request.args))


@bp.get("/figures")
@supervisors
@passive
def figures():
    """The figures alone, polled every 30 s while the period includes today (not counted as activity)."""
    return render("supervisor/index.html", "supervisor/partials/_figures.html", **_dashboard(request.args))


@bp.get("/dossiers")
@supervisors
def dossiers():
    """The dossiers behind one figure of the dashboard, each linking to its page."""
    where = _where(request.args)
    key = (request.args.get("key") or "").strip()[:20]
    scope = _checked_scope(request.args, where["site_ids"])
    lines = engine.dossiers_behind(scope, key)
    return render("supervisor/dossiers.html", "supervisor/partials/_dossiers.html", **where,
                  **_shared(scope, where), title=_behind_title(key), scope=scope, lines=lines,
                  status_labels=STATUS_LABELS)


def _behind_title(key: str) -> str:
    if key in BEHIND:
        return gettext(BEHIND[key])
    indicator, _, missed = key.partition(":")
    if missed:
        return gettext("Hồ sơ chưa đạt chỉ số {key}", key=indicator)
    return gettext("Hồ sơ của chỉ số {key}", key=indicator)

