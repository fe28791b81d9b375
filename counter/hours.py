"""(being built for issue 11)"""

from flask import Blueprint

bp = Blueprint("hours", __name__, url_prefix="/counter/admin/hours")
