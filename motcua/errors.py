"""Every failure a user or a device can cause becomes a clear message, never a bare 500."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from domain import DomainError

from .i18n import gettext
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


def error_response(message: str, status: int, /, **params):
    """Render a message as a fragment (htmx swaps it in place) or as a full page."""
    text = gettext(message, **params)
    template = "partials/_message.html" if wants_fragment() else "error.html"
    response = render_template(template, message=text, status=status, level="error")
    headers = {}
    if wants_fragment():
        # htmx 2 does not swap 4xx/5xx by default; tell it to show the message anyway.
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return response, status, headers


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
