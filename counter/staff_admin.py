"""(being built for issue 11)"""

from flask import Blueprint

bp = Blueprint("staff_admin", __name__, url_prefix="/counter/admin/staff")
