"""Every failure a user or a device can cause becomes a clear message, never a bare 500."""

import logging

from flask import Flask, current_app, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from domain import DomainError

from .extensions import db
from .i18n import gettext, gettext_noop
from .web import wants_fragment

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    405: "Thao tác không được hỗ trợ tại địa chỉ này.",
    413: "Tệp gửi lên quá lớn.",
    429: "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
}


# Shown when even the error page cannot be rendered: no template, no database, no session.
BARE_PAGE = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Thông báo</title>'
    "<p>Hệ thống đang gặp sự cố, thao tác chưa được lưu. Vui lòng thử lại sau ít phút.</p>"
    "<p>The system has a problem; nothing was saved. Please try again in a few minutes.</p></html>"
)


TICKETS_TOO_FAST = gettext_noop(
    "Kiosk vừa phát rất nhiều số trong ít phút nên tạm dừng một chút. "
    "Vui lòng chờ khoảng một phút rồi lấy số lại, hoặc hỏi nhân viên hướng dẫn.")
OWN_LIMIT_MESSAGES = frozenset({TICKETS_TOO_FAST})


# Where an error page's second button leads: citizens back to their own start, never to the staff
# menu. (path prefixes, endpoint, label); any other path is a staff page: the staff menu.
PUBLIC_HOMES = (
    (("/T/", "/t/", "/P/", "/p/", "/kiosk/tra-cuu"), "tracking.lookup", gettext_noop("Tra cứu hồ sơ")),
    (("/display",), "display.board_page", gettext_noop("Về bảng hiển thị")),
    (("/kiosk", "/danh-gia"), "kiosk.home", gettext_noop("Về màn hình lấy số")),
)


def home_link() -> tuple[str, str]:
    """The error page's way home for this request's page: (URL, label)."""
    for prefixes, endpoint, label in PUBLIC_HOMES:
        if request.path.startswith(prefixes) and endpoint.split(".")[0] in current_app.blueprints:
            return url_for(endpoint), gettext(label)
    return url_for("index"), gettext("Trang chính")


def error_response(message: str, status: int, /, **params):
    """Render a message as a fragment (htmx swaps it in place) or as a full page.

    The page never touches the database: Flask's context processors are skipped (Flask-Login's
    loads the user), so a locked or broken database still gets a readable answer.
    """
    _discard_failed_work()
    if request.path.startswith("/api/"):  # machines (the sync API) read JSON
        from flask import jsonify

        return jsonify(error=gettext(message, **params), status=status), status
    template = "partials/_message.html" if wants_fragment() else "error.html"
    try:
        text = gettext(message, **params)
        home_url, home_label = home_link()
        response = current_app.jinja_env.get_template(template).render(
            message=text, status=status, level="error", home_url=home_url, home_label=home_label)
    except Exception:  # the error page must answer whatever else is broken
        log.exception("error page failed on %s", request.path)
        response = BARE_PAGE
    headers = {}
    if wants_fragment():
        # htmx 2 does not swap 4xx/5xx by default; tell it to show the message anyway.
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return response, status, headers


def _discard_failed_work() -> None:
    try:
        db.session.rollback()
    except Exception:  # a connection that cannot even roll back is closed by the teardown
        log.warning("rollback before the error page failed", exc_info=True)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.message, exc.status, **exc.params)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        log.warning("CSRF check failed on %s: %s", request.path, exc.description)
        response = error_response(
            "Biểu mẫu đã cũ hoặc không hợp lệ. Trang sẽ được tải lại, vui lòng thao tác lại.", 400
        )
        if wants_fragment():
            response[2]["HX-Refresh"] = "true"
        return response

    @app.errorhandler(RateLimitExceeded)
    def _too_fast(exc: RateLimitExceeded):
        message = exc.description if exc.description in OWN_LIMIT_MESSAGES else HTTP_MESSAGES[429]
        return error_response(message, 429)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        message = HTTP_MESSAGES.get(exc.code, "Yêu cầu không thực hiện được.")
        return error_response(message, exc.code or 400)

    @app.errorhandler(OperationalError)
    def _database(exc: OperationalError):
        text = str(exc.orig).lower()
        log.error("database error on %s: %s", request.path, exc.orig)
        if "full" in text:
            return error_response(
                "Bộ nhớ của máy chủ đã đầy, chưa lưu được. Không có dữ liệu nào bị mất; "
                "vui lòng báo quản trị giải phóng dung lượng.", 503)
        if "locked" in text:
            return error_response("Hệ thống đang bận, vui lòng thử lại.", 503)
        return error_response("Không truy cập được cơ sở dữ liệu. Vui lòng thử lại.", 503)

    @app.errorhandler(SQLAlchemyError)
    def _sqlalchemy(exc: SQLAlchemyError):
        log.exception("database error on %s", request.path)
        return error_response("Không lưu được dữ liệu. Vui lòng thử lại.", 503)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return error_response("Đã có lỗi ngoài dự kiến. Thao tác chưa được lưu; vui lòng thử lại.",
                              500)
