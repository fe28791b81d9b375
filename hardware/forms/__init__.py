"""The official one-stop-shop forms as PDFs (Circular 01/2018, 03/2025; Decree 30/2020 layout).

`receipt` is Mẫu 01; `notices` the supplement request, refusal, apology and stop notice;
`control` the control slip and the tracking log; `common` what they share.
"""

from .common import Letterhead, day_month_year, hour_minute_date, local, place_and_date, register_fonts
from .control import RESULTS, ControlSlip, Handoff, LogEntry, TrackingLog, control_slip_pdf, tracking_log_pdf
from .notices import (
    ApologyNotice,
    Applicant,
    RefusalNotice,
    StopNotice,
    SupplementRequest,
    notice_pdf,
)
from .qr import QrCode, qr_modules
from .receipt import Proxy, ReceiptData, ReceivedDocument, receipt_pdf, receipt_story

__all__ = [
    "RESULTS", "Applicant", "ApologyNotice", "ControlSlip", "Handoff", "Letterhead", "LogEntry", "Proxy",
    "QrCode", "ReceiptData", "ReceivedDocument", "RefusalNotice", "StopNotice", "SupplementRequest",
    "TrackingLog", "control_slip_pdf", "day_month_year", "hour_minute_date", "local", "notice_pdf",
    "place_and_date", "qr_modules", "receipt_pdf", "receipt_story", "register_fonts", "tracking_log_pdf",
]
