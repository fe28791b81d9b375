"""The weekly report (báo cáo tuần) a reception point sends to its parent agency, as an A4 PDF.

Layout of an administrative report under Decree 30/2020, Phụ lục I (văn bản có tên loại "BÁO CÁO"):
the issuing agency and the national motto side by side, "Số: …/BC-…" under the agency and the place
and date under the motto, the title with the subject line under it, numbered sections (I, II, …),
then "Nơi nhận:" on the left and the signer on the right. Plain values in, nothing read from the
database: `domain.reports` builds a `WeeklyReport` from the figures.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer

from domain.numbers import vn_figure

from .common import (
    A4_PAGE,
    SIGN_AND_SEAL,
    Letterhead,
    _page_number,
    day_month_year,
    document,
    esc,
    frame,
    grid,
    header,
    register_fonts,
    signature_block,
    styles,
)

ESTIMATE = "ước tính"


@dataclass(frozen=True)
class ProcedureLine:
    """One row of the intake and results table: a procedure of a field."""

    field: str
    code: str
    name: str
    received: int
    finished: int
    in_time: int   # finished early or on time
    late: int


@dataclass(frozen=True)
class OverdueEntry:
    code: str
    procedure: str
    due_at: datetime     # Vietnamese wall-clock time
    days_late: int       # working days past the appointment
    reason: str
    apologised: bool


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class DossierTotals:
    received: int
    finished: int
    early: int
    on_time: int
    late: int
    open_in_time: int
    overdue_open: int


@dataclass(frozen=True)
class TicketTotals:
    issued: int
    served: int
    no_shows: int
    wait_median: float | None   # minutes


@dataclass(frozen=True)
class PaknTotals:
    received: int
    answered_on_time: int
    answered_late: int
    rejected: int
    open: int
    late_open: int


@dataclass(frozen=True)
class IndicatorLine:
    key: str              # "2.1"
    group: str            # the group's Vietnamese name
    name: str
    numerator: float | None
    denominator: float | None
    ratio: float | None   # 0..1
    target: float | None  # 0..1
    weight: float
    score: float | None
    available: bool


@dataclass(frozen=True)
class WeeklyReport:
    head: Letterhead      # number "……/BC-TTPVHCC": written by hand once registered
    start: date
    end: date
    tickets: TicketTotals
    dossiers: DossierTotals
    procedures: tuple[ProcedureLine, ...]
    overdue: tuple[OverdueEntry, ...]
    ratings: int
    levels: tuple[Count, ...]
    reasons: tuple[Count, ...]
    pakn: PaknTotals
    indicators: tuple[IndicatorLine, ...]
    indicator_score: float
    indicator_max: float
    signer_role: str      # "GIÁM ĐỐC"
    signer_name: str
    recipients: tuple[str, ...]

    @property
    def period(self) -> str:
        return f"từ ngày {day_month_year(self.start)} đến ngày {day_month_year(self.end)}"

    @property
    def subject(self) -> str:
        return f"Kết quả tiếp nhận, giải quyết thủ tục hành chính {self.period}"


def number(value: float | int) -> str:
    """1234 → "1.234"; 12.5 → "12,5": Vietnamese separators."""
    return vn_figure(value)


def percent(part: float | None, whole: float | None = 1) -> str:
    """A share as "95,5%"; "—" when there is nothing to divide by."""
    if part is None or not whole:
        return "—"
    return number(round(part / whole * 100, 1)) + "%"


def weekly_report_pdf(report: WeeklyReport) -> bytes:
    """Render the weekly report on A4 portrait, Tinos embedded, pages numbered from the second."""
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    story = [
        header(report.head, s, width),
        Spacer(1, s["body"].leading * 0.8),
        Paragraph("BÁO CÁO", s["title"]),
        Paragraph(f"<b>{esc(report.subject)}</b>", s["centre"]),
        _short_rule(s),
        *_intake_section(report, s, width),
        *_overdue_section(report, s, width),
        *_satisfaction_section(report, s, width),
        *_pakn_section(report, s),
        *_indicator_section(report, s, width),
        _closing(report, s, width),
    ]
    register_fonts()
    out = io.BytesIO()
    doc = document(out, report.head, report.subject, A4, [frame(A4_PAGE)], _page_number)
    doc.title = f"Báo cáo {report.subject[0].lower()}{report.subject[1:]}"  # not "Mẫu số …": no form number
    doc.build(story)
    return out.getvalue()


def _short_rule(s):
    return HRFlowable(width=40 * mm, thickness=0.6, color="black", hAlign="CENTER",
                      spaceBefore=4, spaceAfter=s["body"].leading * 0.6)


def _heading(text: str, s) -> Paragraph:
    """A section heading, never left alone at the foot of a page."""
    return Paragraph(f"<b>{esc(text)}</b>", ParagraphStyle("heading", parent=s["body"], keepWithNext=1))


def _line(text: str, s) -> Paragraph:
    return Paragraph(text, s["body"])


def _intake_section(report: WeeklyReport, s, width: float) -> list:
    t, d = report.tickets, report.dossiers
    wait = "" if t.wait_median is None else f", thời gian chờ trung vị {number(round(t.wait_median, 1))} phút"
    return [
        _heading("I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ", s),
        _line(f"1. Tiếp đón: cấp <b>{number(t.issued)}</b> số thứ tự, đã phục vụ <b>{number(t.served)}</b> "
              f"lượt, vắng mặt khi gọi {number(t.no_shows)} lượt{wait}.", s),
        _line(f"2. Hồ sơ tiếp nhận trong kỳ: <b>{number(d.received)}</b>; đã giải quyết: "
              f"<b>{number(d.finished)}</b> (trước hạn {number(d.early)}, đúng hạn {number(d.on_time)}, "
              f"quá hạn {number(d.late)}); đang giải quyết trong hạn: {number(d.open_in_time)}; "
              f"đang quá hạn: {number(d.overdue_open)}.", s),
        _line(f"3. Tỷ lệ giải quyết trước hạn và đúng hạn: "
              f"<b>{percent(d.early + d.on_time, d.finished)}</b> số hồ sơ đã giải quyết.", s),
        _line("4. Kết quả theo lĩnh vực, thủ tục:", s),
        _procedure_table(report.procedures, width),
        Spacer(1, s["body"].leading * 0.5),
    ]


def _table(rows, widths, head_rows: int = 1, total_row: bool = False):
    extra = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    table = grid(rows, widths, extra)
    table.repeatRows = head_rows
    return table


PROCEDURE_HEADS = ("STT", "Lĩnh vực, thủ tục hành chính", "Tiếp nhận", "Đã giải quyết",
                   "Trước hạn, đúng hạn", "Quá hạn", "Tỷ lệ đúng hạn")


def _procedure_table(lines: tuple[ProcedureLine, ...], width: float):
    s = styles(11)
    head = [Paragraph(title, s["column_head"]) for title in PROCEDURE_HEADS]
    widths = [10 * mm, 0, 17 * mm, 19 * mm, 21 * mm, 16 * mm, 19 * mm]
    widths[1] = width - sum(widths)
    rows, field = [head], None
    for n, line in enumerate(lines, 1):
        if line.field != field:
            field = line.field
            rows.append(["", Paragraph(f"<b>{esc(field or 'Khác')}</b>", s["cell"]), "", "", "", "", ""])
        rows.append(_counts_row(str(n), f"{esc(line.name)} <i>({esc(line.code)})</i>", line, s))
    total = ProcedureLine("", "", "", *(sum(getattr(x, k) for x in lines)
                                         for k in ("received", "finished", "in_time", "late")))
    rows.append(_counts_row("", "<b>Tổng cộng</b>", total, s, bold=True))
    return _table(rows, widths)


def _counts_row(n: str, label: str, line: ProcedureLine, s, bold=False) -> list:
    centre = s["cell_centre"]

    def cell(text):
        return Paragraph(f"<b>{text}</b>" if bold else text, centre)

    return [Paragraph(n, centre), Paragraph(label, s["cell"]), cell(number(line.received)),
            cell(number(line.finished)), cell(number(line.in_time)), cell(number(line.late)),
            cell(percent(line.in_time, line.finished))]


def _overdue_section(report: WeeklyReport, s, width: float) -> list:
    story = [_heading("II. HỒ SƠ QUÁ HẠN, LÝ DO VÀ VIỆC XIN LỖI", s)]
    if not report.overdue:
        return [*story, _line("Không có hồ sơ quá hạn đến hết kỳ báo cáo.", s),
                Spacer(1, s["body"].leading * 0.5)]
    t = styles(11)
    head = [Paragraph(title, t["column_head"]) for title in
            ("STT", "Mã hồ sơ", "Thủ tục", "Hẹn trả", "Quá hạn (ngày làm việc)", "Lý do quá hạn", "Xin lỗi")]
    widths = [10 * mm, 38 * mm, 0, 21 * mm, 18 * mm, 38 * mm, 16 * mm]
    widths[2] = width - sum(widths)
    rows = [head] + [[
        Paragraph(str(i), t["cell_centre"]), Paragraph(esc(e.code).replace("-", "-<br/>", 1), t["cell"]),
        Paragraph(esc(e.procedure), t["cell"]), Paragraph(day_month_year(e.due_at), t["cell_centre"]),
        Paragraph(number(e.days_late), t["cell_centre"]),
        Paragraph(esc(e.reason) if e.reason else "<i>Chưa ghi lý do</i>", t["cell"]),
        Paragraph("Đã xin lỗi" if e.apologised else "Chưa", t["cell_centre"]),
    ] for i, e in enumerate(report.overdue, 1)]
    apologised = sum(e.apologised for e in report.overdue)
    return [*story,
            _line(f"Có <b>{number(len(report.overdue))}</b> hồ sơ quá hạn, trong đó {number(apologised)} "
                  "hồ sơ đã có văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04).", s),
            _table(rows, widths), Spacer(1, s["body"].leading * 0.5)]


def _satisfaction_section(report: WeeklyReport, s, width: float) -> list:
    story = [_heading("III. MỨC ĐỘ HÀI LÒNG CỦA NGƯỜI DÂN, DOANH NGHIỆP", s),
             _line(f"Số lượt đánh giá: <b>{number(report.ratings)}</b>.", s)]
    if not report.ratings:
        return [*story, Spacer(1, s["body"].leading * 0.5)]
    t = styles(11)
    half = width / 2 - 3 * mm

    def counts(title, items):
        rows = [[Paragraph(title, t["column_head"]), Paragraph("Số lượt", t["column_head"]),
                 Paragraph("Tỷ lệ", t["column_head"])]]
        rows += [[Paragraph(esc(c.label), t["cell"]), Paragraph(number(c.count), t["cell_centre"]),
                  Paragraph(percent(c.count, report.ratings), t["cell_centre"])] for c in items]
        return _table(rows, [half - 34 * mm, 16 * mm, 18 * mm])

    reasons = counts("Lý do chưa hài lòng", report.reasons) if report.reasons else \
        Paragraph("<i>Không có lý do nào được chọn.</i>", t["cell"])
    return [*story, grid([[counts("Mức đánh giá", report.levels), reasons]], [half + 6 * mm, half]),
            Spacer(1, s["body"].leading * 0.5)]


def _pakn_section(report: WeeklyReport, s) -> list:
    p = report.pakn
    answered = p.answered_on_time + p.answered_late
    return [
        _heading("IV. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ", s),
        _line(f"Tiếp nhận <b>{number(p.received)}</b> phản ánh, kiến nghị; đã trả lời {number(answered)} "
              f"(đúng hạn {number(p.answered_on_time)}, quá hạn {number(p.answered_late)}); "
              f"từ chối tiếp nhận {number(p.rejected)}; đang xử lý {number(p.open)}, "
              f"trong đó quá hạn {number(p.late_open)}.", s),
        Spacer(1, s["body"].leading * 0.5),
    ]


def _indicator_section(report: WeeklyReport, s, width: float) -> list:
    t = styles(11)
    head = [Paragraph(title, t["column_head"]) for title in
            ("Chỉ số", "Nội dung", "Tử số / mẫu số", "Tỷ lệ", "Chỉ tiêu", "Điểm")]
    widths = [14 * mm, 0, 28 * mm, 18 * mm, 18 * mm, 18 * mm]
    widths[1] = width - sum(widths)
    rows, group = [head], None
    for line in report.indicators:
        if line.group != group:
            group = line.group
            rows.append(["", Paragraph(f"<b>{esc(group)}</b>", t["cell"]), "", "", "", ""])
        rows.append(_indicator_row(line, t))
    rows.append(["", Paragraph("<b>Tổng điểm (các chỉ số tính được)</b>", t["cell"]), "", "", "",
                 Paragraph(f"<b>{number(round(report.indicator_score, 1))}/"
                           f"{number(round(report.indicator_max, 1))}</b>", t["cell_centre"])])
    return [
        _heading(f"V. CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTg ({ESTIMATE.upper()})", s),
        Paragraph(f"<i>Các số liệu dưới đây là <b>{ESTIMATE}</b>, tính tại điểm tiếp nhận từ dữ liệu của "
                  "đơn vị; số liệu chính thức do Cổng Dịch vụ công quốc gia công bố.</i>",
                  ParagraphStyle("note", parent=s["body"], keepWithNext=1)),
        _table(rows, widths),
        Spacer(1, s["body"].leading * 0.5),
    ]


def _indicator_row(line: IndicatorLine, t) -> list:
    centre = t["cell_centre"]
    if not line.available:
        return [Paragraph(esc(line.key), centre), Paragraph(esc(line.name), t["cell"]),
                Paragraph("<i>Chưa có dữ liệu</i>", centre), "", "", ""]
    fraction = f"{number(line.numerator or 0)} / {number(line.denominator or 0)}"
    score = number(round(line.score, 1)) if line.score is not None else "—"
    return [Paragraph(esc(line.key), centre), Paragraph(esc(line.name), t["cell"]),
            Paragraph(fraction, centre),
            Paragraph(percent(line.ratio), centre), Paragraph(percent(line.target), centre),
            Paragraph(f"{score}/{number(line.weight)}", centre)]


def _closing(report: WeeklyReport, s, width: float):
    """"Nơi nhận:" on the left, the signer on the right, kept together on one page."""
    small = s["small"]
    recipients = [Paragraph("<b><i>Nơi nhận:</i></b>", s["small"]),
                  *(Paragraph(esc(r), small) for r in report.recipients)]
    signer = signature_block(report.signer_role, report.signer_name, s, A4_PAGE.signature_gap, SIGN_AND_SEAL)
    return KeepTogether([Spacer(1, s["body"].leading * 0.6),
                         grid([[recipients, signer]], [width * 0.45, width * 0.55])])
