"""The control slip that travels with a dossier ("Phiếu kiểm soát quá trình giải quyết hồ sơ") and
the tracking log ("Sổ theo dõi hồ sơ"), on A4 portrait and A4 landscape.

The slip has one row per hand-off: who gave the file to whom, when, both signatures, and whether
that step was early, on time or late (trước hạn / đúng hạn / quá hạn). A step not yet taken is
printed with blanks, to be filled in by hand as the paper file moves.
"""

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from .common import (
    A4_LANDSCAPE,
    A4_PAGE,
    Letterhead,
    day_month_year,
    esc,
    field,
    grid,
    hour_minute_date,
    letterhead_story,
    local,
    render_pdf,
    styles,
)

RESULTS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
UNFILLED_TIME = ".... giờ .... phút, ngày ..../..../........"


@dataclass(frozen=True)
class Handoff:
    """One hand-off of the paper file; `at` None is a step still to come."""

    sender: str
    receiver: str
    at: datetime | None = None
    result: str = ""              # a RESULTS key, or "" where the step has no deadline
    note: str = ""
    sender_name: str = ""
    receiver_name: str = ""


@dataclass(frozen=True)
class ControlSlip:
    """The slip's heading fields and its hand-off rows, in order."""

    head: Letterhead
    dossier_code: str
    applicant_name: str
    procedure: str
    lead_agency: str
    received_at: datetime
    due_at: datetime
    handoffs: tuple[Handoff, ...]
    co_agencies: str = ""
    original_due_at: datetime | None = None  # set when the date was moved once (Mẫu 04)


@dataclass(frozen=True)
class LogEntry:
    """One line of Sổ theo dõi hồ sơ."""

    number: int | None            # "Số thứ tự", continuing through the year
    dossier_code: str
    procedure: str
    applicant_name: str
    address: str
    phone: str
    lead_agency: str
    received_at: datetime
    due_at: datetime
    returned_at: datetime | None = None
    outcome: str = ""             # for a dossier closed without a return: "Từ chối giải quyết"…
    return_channel: str = ""


@dataclass(frozen=True)
class TrackingLog:
    head: Letterhead
    start: date
    end: date
    entries: tuple[LogEntry, ...]


def control_slip_pdf(slip: ControlSlip) -> bytes:
    """Render the control slip on A4 portrait."""
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    body = s["body"]
    due = hour_minute_date(slip.due_at)
    if slip.original_due_at:
        due += f" (hẹn lại; hẹn ban đầu: {hour_minute_date(slip.original_due_at)})"
    story = [
        *letterhead_story(slip.head, s, width),
        Paragraph(field("Mã hồ sơ: ", slip.dossier_code, bold=True), body),
        Paragraph(field("Kèm theo hồ sơ của: ", slip.applicant_name, bold=True), body),
        Paragraph(field("Nội dung yêu cầu giải quyết: ", slip.procedure), body),
        Paragraph(field("Cơ quan (bộ phận) giải quyết hồ sơ: ", slip.lead_agency), body),
        Paragraph(field("Cơ quan phối hợp giải quyết hồ sơ: ", slip.co_agencies), body),
        Paragraph(field("Thời gian nhận hồ sơ: ", hour_minute_date(slip.received_at)), body),
        Paragraph(field("Thời gian hẹn trả kết quả: ", due, bold=True), body),
        Spacer(1, body.leading * 0.4),
        _handoff_table(slip.handoffs, s, width),
    ]
    return render_pdf(slip.head, slip.dossier_code, story)


def _handoff_table(handoffs, s, width: float):
    cell, centre = s["cell"], s["cell_centre"]
    widths = [42 * mm, 62 * mm, 31 * mm, width - 135 * mm]
    titles = ("TÊN CƠ QUAN", "THỜI GIAN GIAO,<br/>NHẬN HỒ SƠ",
              "KẾT QUẢ GIẢI QUYẾT HỒ SƠ<br/>(Trước hạn/ đúng hạn/ quá hạn)", "GHI CHÚ")
    head = [Paragraph(text, s["column_head"]) for text in titles]
    rows = [[[Paragraph(f"1. Giao: <b>{esc(row.sender)}</b>", cell),
              Paragraph(f"2. Nhận: <b>{esc(row.receiver)}</b>", cell)],
             [Paragraph(hour_minute_date(row.at) if row.at else UNFILLED_TIME, centre),
              Spacer(1, 3), _signature_boxes(row, s, widths[1] - 6)],
             Paragraph(f"<b>{RESULTS.get(row.result, '')}</b>", centre),
             Paragraph(esc(row.note), cell)] for row in handoffs]
    table = grid([head, *rows], widths, [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (2, 1), (2, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ])
    table.repeatRows = 1
    return table


def _signature_boxes(row: Handoff, s, width: float):
    """Two boxes under the time: the sender signs on the left, the receiver on the right."""
    caption = s["caption"]

    def box(role: str, name: str) -> list:
        return [Paragraph(f"<i>{role}</i>", caption), Spacer(1, 11 * mm), Paragraph(esc(name), caption)]

    boxes = [("BOX", (0, 0), (0, 0), 0.4, "black"), ("BOX", (1, 0), (1, 0), 0.4, "black"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    return grid([[box("Người giao", row.sender_name), box("Người nhận", row.receiver_name)]],
                [width / 2] * 2, boxes)


# Sổ theo dõi hồ sơ: one wide table on landscape A4, its heading repeated on every page.

LOG_COLUMNS = (("STT", 9), ("Mã hồ sơ", 28), ("Tên thủ tục hành chính", 34), ("Tên cá nhân, tổ chức", 24),
               ("Địa chỉ, số điện thoại", 27), ("Cơ quan chủ trì giải quyết", 23), ("Nhận hồ sơ", 25),
               ("Hẹn trả kết quả", 25), ("Trả kết quả", 25), ("Phương thức nhận kết quả", 18),
               ("Ký nhận", 14))


def tracking_log_pdf(log: TrackingLog) -> bytes:
    """Render the tracking log for a date range on A4 landscape."""
    s, width = styles(A4_LANDSCAPE.body), A4_LANDSCAPE.text_width
    period = f"Từ ngày {day_month_year(log.start)} đến ngày {day_month_year(log.end)}"
    story = [
        *letterhead_story(log.head, s, width),
        Paragraph(f"<i>({period})</i>", s["centre"]),
        Spacer(1, s["body"].leading * 0.5),
        _log_table(log.entries, width),
        Spacer(1, s["body"].leading * 0.5),
        Paragraph(f"Tổng số: <b>{len(log.entries)}</b> hồ sơ.", s["body"]),
    ]
    return render_pdf(log.head, period, story, A4_LANDSCAPE)


def _log_table(entries, width: float):
    s = styles(11)  # table text near 10 pt: eleven columns across 252 mm
    cell, centre = s["cell"], s["cell_centre"]
    head = [Paragraph(title, s["column_head"]) for title, _ in LOG_COLUMNS]
    rows = [[Paragraph(str(entry.number or ""), centre),
             Paragraph(esc(entry.dossier_code).replace("-", "-<br/>", 1), cell),
             Paragraph(esc(entry.procedure), cell),
             Paragraph(esc(entry.applicant_name), cell),
             Paragraph("<br/>".join(esc(part) for part in (entry.address, entry.phone) if part), cell),
             Paragraph(esc(entry.lead_agency), cell),
             Paragraph(_when(entry.received_at), centre),
             Paragraph(_when(entry.due_at), centre),
             Paragraph(_when(entry.returned_at) if entry.returned_at else esc(entry.outcome), centre),
             Paragraph(esc(entry.return_channel), centre),
             Spacer(1, 9 * mm)] for entry in entries]
    widths = [w * mm for _, w in LOG_COLUMNS]
    widths[2] += width - sum(widths)  # the procedure column takes whatever is left over
    table = grid([head, *rows], widths, [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])
    table.repeatRows = 1
    return table


def _when(moment: datetime) -> str:
    """A date over its time, so both fit a narrow column."""
    moment = local(moment)
    return f"{moment:%d/%m/%Y}<br/>{moment:%H} giờ {moment:%M} phút"
