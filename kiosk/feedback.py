"""Feedback and complaints (PAKN) at the kiosk, and the public page a PAKN receipt's QR opens."""

from flask import Blueprint

bp = Blueprint("kiosk_feedback", __name__)  # /kiosk/gop-y… and the public /P/<code>
