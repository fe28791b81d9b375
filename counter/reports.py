"""The supervisor's reports: the weekly report (PDF, Excel), the tracking log for a period, CSV exports.

Every download takes ?from=&to= (dd/mm/yyyy; the last full week when both are empty). Bad dates
answer with the reports page and its message, never a broken file.
"""

from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from domain import DomainError, NotFound, form_data
from domain.clock import business_date
from domain.exports import EXPORTS, csv_rows
from domain.report_xlsx import weekly_report_xlsx
from domain.reports import last_full_week, report_filename, report_scope, weekly_report
from domain.site import current_site
from domain.validation import uuid_or_none
from hardware.forms import tracking_log_pdf
from hardware.forms.weekly_report import weekly_report_pdf
from models import ReceptionPoint
from motcua.extensions import db
from motcua.i18n import gettext
from motcua.web import render

from .access import enforce_session, roles_required

bp = Blueprint("reports", __name__, url_prefix="/counter/supervisor")
bp.before_request(enforce_session)
supervisors = roles_required("supervisor", "admin")
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_WEEKS = 8
FILE_NAMES = {"weekly": ("bao-cao-tuan", "báo-cáo-tuần"), "log": ("so-theo-doi", "sổ-theo-dõi")}
# What each CSV holds, as the page lists them (the files themselves: domain.exports).
TABLES = {
    "tickets": "Số thứ tự (lượt lấy số)",
    "dossiers": "Hồ sơ (tên, số định danh, điện thoại đã che)",
    "dossier-steps": "Các bước xử lý hồ sơ",
    "ratings": "Đánh giá mức độ hài lòng",
    "feedback": "Phản ánh, kiến nghị",
    "events": "Nhật ký sự kiện (phần đầu, không có nội dung)",
}


@bp.get("/reports")
@supervisors
def index():
    """Pick a week or a range; the links download each report for it."""
    return _page()


@bp.get("/reports/weekly.pdf")
@supervisors
def weekly_pdf():
    site, scope = report_site(), _scope()
    report = weekly_report(site, scope, current_user.full_name)
    return _download(weekly_report_pdf(report), PDF, _names("weekly", scope, "pdf"), inline=True)


@bp.get("/reports/weekly.xlsx")
@supervisors
def weekly_xlsx():
    site, scope = report_site(), _scope()
    report = weekly_report(site, scope, current_user.full_name)
    return _download(weekly_report_xlsx(report), XLSX, _names("weekly", scope, "xlsx"))


@bp.get("/reports/log.pdf")
@supervisors
def log_pdf():
    """Sổ theo dõi hồ sơ for the period, as counter/forms.py prints it for a day."""
    site, scope = report_site(), _scope()
    try:  # the log's own limit: at most a year
        start, end = form_data.log_period(f"{scope.start:%d/%m/%Y}", f"{scope.end:%d/%m/%Y}")
    except DomainError as exc:
        raise BadPeriod(exc) from exc
    data = form_data.tracking_log(site, form_data.logged_dossiers(site, start, end), start, end)
    return _download(tracking_log_pdf(data), PDF, _names("log", scope, "pdf"), inline=True)


@bp.get("/reports/export/<table>.csv")
@supervisors
def export(table):
    """One table's rows of the period, streamed (UTF-8 with BOM, masked personal data)."""
    if table not in EXPORTS:
        raise NotFound("Không tìm thấy dữ liệu yêu cầu (có thể đã bị xoá hoặc đường dẫn sai).")
    site, scope = report_site(), _scope()
    rows = stream_with_context(csv_rows(table, site, scope))
    return _download(rows, "text/csv", _names(table, scope, "csv"))  # werkzeug adds "; charset=utf-8"


class BadPeriod(Exception):
    """Dates that make no period: the reports page answers with the message."""

    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.error = error


@bp.errorhandler(BadPeriod)
def _bad_period(exc: BadPeriod):
    return _page(gettext(exc.error.message, **exc.error.params), status=400)


def report_site() -> ReceptionPoint:
    """Whose report: this site's; at central, the reception point chosen on the dashboard (?site=) —
    a report carries one unit's letterhead and is signed there."""
    if current_app.config["ROLE"] != "central":
        return current_site()
    site_id = uuid_or_none(request.args.get("site"))
    site = db.session.get(ReceptionPoint, site_id) if site_id is not None else None
    if site is None:
        raise NotFound("Báo cáo được lập cho từng điểm tiếp nhận: hãy chọn điểm tiếp nhận trên trang "
                       "giám sát rồi mở Báo cáo.")
    return site


def _site_args(site) -> dict:
    """What keeps the chosen reception point in every link at central."""
    return {"site": str(site.id)} if current_app.config["ROLE"] == "central" else {}


def _scope():
    try:
        return report_scope(report_site(), request.args)
    except DomainError as exc:
        raise BadPeriod(exc) from exc


def _page(error: str = "", status: int = 200):
    site = report_site()
    scope = None if error else _scope()
    weeks = [last_full_week(business_date() - timedelta(weeks=n)) for n in range(RECENT_WEEKS)]
    chosen = _site_args(site)
    args = {"from": f"{scope.start:%d/%m/%Y}", "to": f"{scope.end:%d/%m/%Y}", **chosen} if scope else chosen
    response = render("supervisor/reports.html", "supervisor/partials/_reports.html", site=site, scope=scope,
                      args=args, site_args=chosen, typed=request.args, error=error, weeks=weeks,
                      tables=TABLES, links=_links(), lang_path=request.full_path.rstrip("?"))
    response.status_code = status
    return response


def _links() -> dict:
    """What the supervisor's menu (templates/supervisor/partials/_nav.html) links to."""
    try:  # the PAKN pages come with their own blueprint, built beside this one
        pakn = url_for("feedback.index")
    except BuildError:
        pakn = "/counter/pakn"
    return {"reports": url_for("reports.index"), "pakn": pakn}


def _names(kind: str, scope, extension: str) -> tuple[str, str]:
    """The file's name in ASCII and in Vietnamese: bao-cao-tuan-2026-11-23.pdf, báo-cáo-tuần-…"""
    ascii_stem, stem = FILE_NAMES.get(kind, (kind, kind))
    return report_filename(ascii_stem, scope, extension), report_filename(stem, scope, extension)


def _download(body, mimetype: str, names: tuple[str, str], inline: bool = False) -> Response:
    """A file with its name twice: plain ASCII for old clients, UTF-8 (RFC 6266) for the rest."""
    disposition = f"{'inline' if inline else 'attachment'}; filename=\"{names[0]}\"; " \
                  f"filename*=UTF-8''{quote(names[1])}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})
