"""The supervisor's dashboard: today's and any period's figures, the official indicators (estimated)."""

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/counter/supervisor")
