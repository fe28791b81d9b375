"""The weekly report as an Excel workbook (openpyxl): one sheet per section, inputs as numbers, every
total a SUM and every rate a formula dividing two cells, guarded by IF so an empty week shows no
#DIV/0!. Headers are bold and frozen; counts, percentages and dd/mm/yyyy dates carry their formats.
"""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hardware.forms.weekly_report import ESTIMATE, WeeklyReport

COUNT, PERCENT, DATE = "#,##0", "0.0%", "dd/mm/yyyy"
FIRST_ROW = 5  # rows 1–3: title, unit and period; row 4: column heads (frozen with them)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def rate(part: str, whole: str) -> str:
    """part/whole as a formula; blank when whole is 0 (never #DIV/0!)."""
    return f'=IF({whole}=0,"",{part}/{whole})'


def weekly_report_xlsx(report: WeeklyReport) -> bytes:
    """The workbook's bytes: Tổng hợp, Theo thủ tục, Quá hạn, Hài lòng, PAKN, Chỉ số 766."""
    book = Workbook()
    book.properties.title = report.subject
    book.properties.creator = "motcua"
    _summary(book.active, report)
    _procedures(book.create_sheet(), report)
    _overdue(book.create_sheet(), report)
    _satisfaction(book.create_sheet(), report)
    _pakn(book.create_sheet(), report)
    _indicators(book.create_sheet(), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet: Worksheet, report: WeeklyReport, name: str, title: str, heads: Sequence[tuple[str, int]]):
    """Name, the three title rows, bold column heads on row 4 with widths, rows 1–4 frozen."""
    sheet.title = name
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = report.head.unit_name
    sheet["A3"], sheet["B3"], sheet["C3"], sheet["D3"] = "Từ ngày", report.start, "đến ngày", report.end
    for cell in ("B3", "D3"):
        sheet[cell].number_format = DATE
        sheet[cell].alignment = Alignment(horizontal="left")
    for column, (head, width) in enumerate(heads, 1):
        cell = sheet.cell(4, column, head)
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[4].height = 32
    sheet.freeze_panes = f"A{FIRST_ROW}"


def _row(sheet: Worksheet, row: int, values: Sequence, formats: Sequence[str | None] = (),
         bold: bool = False) -> None:
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row, column, value)
        cell.border = BOX
        if column <= len(formats) and formats[column - 1]:
            cell.number_format = formats[column - 1]
        if bold:
            cell.font = BOLD


def _summary(sheet: Worksheet, report: WeeklyReport) -> None:
    t, d = report.tickets, report.dossiers
    _sheet(sheet, report, "Tổng hợp", f"BÁO CÁO {report.subject.upper()}",
           [("Nội dung", 52), ("Số liệu", 14)])
    lines = [("Số thứ tự đã cấp", t.issued), ("Lượt đã phục vụ", t.served), ("Vắng mặt khi gọi", t.no_shows),
             ("Hồ sơ tiếp nhận trong kỳ", d.received), ("Hồ sơ đã giải quyết", "=B10+B11+B12"),
             ("   trước hạn", d.early), ("   đúng hạn", d.on_time), ("   quá hạn", d.late),
             ("Đang giải quyết trong hạn", d.open_in_time), ("Đang quá hạn", d.overdue_open)]
    for offset, (label, value) in enumerate(lines):
        _row(sheet, FIRST_ROW + offset, (label, value), (None, COUNT))
    row = FIRST_ROW + len(lines)
    _row(sheet, row, ("Tỷ lệ giải quyết trước hạn và đúng hạn", rate("(B10+B11)", "B9")), (None, PERCENT),
         bold=True)


PROCEDURE_HEADS = (("STT", 6), ("Lĩnh vực", 28), ("Mã thủ tục", 14), ("Tên thủ tục hành chính", 56),
                   ("Tiếp nhận", 11), ("Đã giải quyết", 11), ("Trước hạn, đúng hạn", 12), ("Quá hạn", 10),
                   ("Tỷ lệ đúng hạn", 11))


def _procedures(sheet: Worksheet, report: WeeklyReport) -> None:
    _sheet(sheet, report, "Theo thủ tục", "KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT THEO LĨNH VỰC, THỦ TỤC",
           PROCEDURE_HEADS)
    formats = (COUNT, None, None, None, COUNT, COUNT, COUNT, COUNT, PERCENT)
    row = FIRST_ROW
    for n, line in enumerate(report.procedures, 1):
        _row(sheet, row, (n, line.field, line.code, line.name, line.received, line.finished, line.in_time,
                          line.late, rate(f"G{row}", f"F{row}")), formats)
        row += 1
    last = row - 1
    totals = [f"=SUM({c}{FIRST_ROW}:{c}{last})" if last >= FIRST_ROW else 0 for c in "EFGH"]
    _row(sheet, row, ("", "Tổng cộng", "", "", *totals, rate(f"G{row}", f"F{row}")), formats, bold=True)


def _overdue(sheet: Worksheet, report: WeeklyReport) -> None:
    heads = (("STT", 6), ("Mã hồ sơ", 28), ("Thủ tục hành chính", 48), ("Hẹn trả", 12),
             ("Quá hạn (ngày làm việc)", 12), ("Lý do quá hạn", 48), ("Đã xin lỗi (Mẫu 04)", 12))
    _sheet(sheet, report, "Quá hạn", "HỒ SƠ QUÁ HẠN, LÝ DO VÀ VIỆC XIN LỖI", heads)
    for n, entry in enumerate(report.overdue, 1):
        _row(sheet, FIRST_ROW + n - 1, (n, entry.code, entry.procedure, entry.due_at.date(), entry.days_late,
                                        entry.reason, "Có" if entry.apologised else "Chưa"),
             (COUNT, None, None, DATE, COUNT))
    row = FIRST_ROW + len(report.overdue)
    _row(sheet, row, ("", "Tổng số", f'=COUNTA(B{FIRST_ROW}:B{row - 1})' if report.overdue else 0), bold=True)


def _satisfaction(sheet: Worksheet, report: WeeklyReport) -> None:
    _sheet(sheet, report, "Hài lòng", "MỨC ĐỘ HÀI LÒNG", (("Mức đánh giá / lý do", 40), ("Số lượt", 11),
                                                             ("Tỷ lệ", 11)))
    row = FIRST_ROW
    for level in report.levels:
        _row(sheet, row, (level.label, level.count), (None, COUNT))
        row += 1
    total = row
    _row(sheet, total, ("Tổng số lượt đánh giá", f"=SUM(B{FIRST_ROW}:B{total - 1})" if report.levels else 0),
         (None, COUNT), bold=True)
    for share in range(FIRST_ROW, total + 1):
        sheet.cell(share, 3, rate(f"B{share}", f"B${total}")).number_format = PERCENT
        sheet.cell(share, 3).border = BOX
    row = total + 2
    _row(sheet, row, ("Lý do chưa hài lòng", "Số lượt", "Tỷ lệ trên số lượt đánh giá"), bold=True)
    for reason in report.reasons:
        row += 1
        _row(sheet, row, (reason.label, reason.count, rate(f"B{row}", f"B${total}")), (None, COUNT, PERCENT))


def _pakn(sheet: Worksheet, report: WeeklyReport) -> None:
    p = report.pakn
    _sheet(sheet, report, "PAKN", "TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ",
           (("Nội dung", 44), ("Số lượng", 12)))
    lines = [("Tiếp nhận", p.received), ("Đã trả lời đúng hạn", p.answered_on_time),
             ("Đã trả lời quá hạn", p.answered_late), ("Đã trả lời", "=SUM(B6:B7)"),
             ("Từ chối tiếp nhận", p.rejected),
             ("Đang xử lý", p.open), ("   trong đó quá hạn", p.late_open)]
    for offset, (label, value) in enumerate(lines):
        _row(sheet, FIRST_ROW + offset, (label, value), (None, COUNT))
    row = FIRST_ROW + len(lines)
    _row(sheet, row, ("Tỷ lệ trả lời đúng hạn", rate("B6", "B8")), (None, PERCENT), bold=True)


INDICATOR_HEADS = (("Chỉ số", 8), ("Nhóm", 24), ("Nội dung", 56), ("Tử số", 10), ("Mẫu số", 10),
                   ("Tỷ lệ", 10), ("Chỉ tiêu", 10), ("Điểm tối đa", 10), ("Điểm (ước tính)", 12))


def _indicators(sheet: Worksheet, report: WeeklyReport) -> None:
    _sheet(sheet, report, "Chỉ số 766", f"CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTg ({ESTIMATE.upper()})",
           INDICATOR_HEADS)
    formats = (None, None, None, COUNT, COUNT, PERCENT, PERCENT, "0.0", "0.0")
    row = FIRST_ROW
    for line in report.indicators:
        _row(sheet, row, (line.key, line.group, line.name, *_indicator_values(line, row)), formats)
        row += 1
    score = f"=SUM(I{FIRST_ROW}:I{row - 1})" if report.indicators else 0
    # the most the indicators with data could earn (the figures engine's count), as the PDF prints it
    note = f"Số liệu {ESTIMATE}, tính tại điểm tiếp nhận; điểm tối đa tính trên các chỉ số có dữ liệu"
    _row(sheet, row, ("", "Tổng", note, "", "", "", "", report.indicator_max, score), formats, bold=True)


def _indicator_values(line, row: int) -> tuple:
    """Numerator, denominator, ratio, target, weight, score; the ratio a formula when it is their quotient."""
    if not line.available:
        return ("", "", "", line.target, line.weight, "")
    ratio = line.ratio
    if line.numerator is not None and line.denominator and ratio is not None \
            and abs(line.numerator / line.denominator - ratio) < 1e-9:
        ratio = rate(f"D{row}", f"E{row}")
    return (line.numerator, line.denominator, ratio, line.target, line.weight, line.score)
