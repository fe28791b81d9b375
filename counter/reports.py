"""The supervisor's reports: the weekly report (PDF, Excel), the tracking log for a period, CSV exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/counter/supervisor")
