"""(being built for issue 11)"""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/counter/search")
