"""Feedback and complaints (PAKN) at the counter: record, assign, answer."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/counter/pakn")
