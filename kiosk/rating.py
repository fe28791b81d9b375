"""Citizens rate the service: the counter's citizen screen and the kiosk."""

from flask import Blueprint

bp = Blueprint("rating", __name__, url_prefix="/danh-gia")
