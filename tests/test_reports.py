"""The supervisor's reports: the weekly report as a Decree 30 PDF and as a workbook with formulas,
the tracking log for a period, and the auditors' CSV exports (streamed, masked, with a BOM).

The seeded week is Monday 23/11 – Sunday 29/11/2026 (no holiday), written through the domain
operations with their clocks moved (`at`); its figures are worked out by hand beside the seed.
The screenshot docs/screenshots/weekly-report.png is rewritten by every run of
`test_weekly_pdf_layout_and_screenshot`, from fixed figures, so it changes only when the layout does.
"""

import csv
import io
import unicodedata
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from domain import clock, dossiers, feedback, issuance, lifecycle, ratings, tickets
from domain import figures as f
from domain.dossiers import Intake
from domain.report_xlsx import weekly_report_xlsx
from domain.reports import abbreviation, assemble, last_full_week
from domain.site import current_site
from hardware.forms import place_and_date
from hardware.forms.weekly_report import weekly_report_pdf
from models import Counter, Procedure, Queue, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "weekly-report.png"
UNIT = "Trung tâm Phục vụ hành chính công xã Tân Cương"
AGENCY = "Ủy ban nhân dân xã Tân Cương"
WEEK = {"from": "23/11/2026", "to": "29/11/2026"}
REPORTS = "/counter/supervisor/reports"


def flat(pdf: bytes) -> str:
    """The PDF's text on one line (cells wrap), checked to be NFC."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert unicodedata.is_normalized("NFC", text)
    return " ".join(text.split())


def in_order(text: str, *parts: str) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after {text[max(position - 80, 0):position]!r}"
        position = found + len(part)
    return True


def font_names(pdf: bytes) -> set[str]:
    return {str(font.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages
            for font in page["/Resources"]["/Font"].values()}


# ---- The layouts, from figures made by hand ---------------------------------------------------------

SITE = SimpleNamespace(id=uuid.UUID(int=1), name=UNIT, parent_agency=AGENCY)
SCOPE = f.Scope((SITE.id,), date(2026, 11, 23), date(2026, 11, 29))


def sample_report(**figures):
    tickets = f.TicketFigures(40, 35, 3, 1, 0, [], [], [], f.Stat(35, 6.5, 14.0), f.Stat(35, 8.0, 15.0))
    rows = [f.FieldRow("Hộ tịch", "1.004859", "Thay đổi, cải chính hộ tịch", 5, 4, 3, 1),
            f.FieldRow("Chứng thực", "2.000815", "Chứng thực bản sao từ bản chính", 12, 12, 12, 0),
            f.FieldRow("Hộ tịch", "1.001193", "Đăng ký khai sinh", 2, 1, 1, 0)]
    overdue = [f.OverdueLine(uuid.UUID(int=2), "000.00.12.H56-261120-0003", "Thay đổi, cải chính hộ tịch",
                             "Hộ tịch", datetime(2026, 11, 25, 10, 0), 3, "Chờ xác minh của xã khác", True)]
    channels = {"in_person": 19, "postal": 0, "online": 0}
    dossier_figures = f.DossierFigures(19, 17, 10, 6, 1, 1, overdue, channels, 5, 0.26, 3, 30, 0.1, 1, 2,
                                       rows)
    levels = [f.LevelCount(3, "Rất hài lòng", "", 20, 0.67), f.LevelCount(2, "Hài lòng", "", 8, 0.27),
              f.LevelCount(1, "Không hài lòng", "", 2, 0.07)]
    satisfaction = f.SatisfactionFigures(30, 3, levels, {"satisfied": 28, "neutral": 0, "dissatisfied": 2},
                                         0.93, [("wait", "Chờ lâu", 2)], [], f.FeedbackFigures(
                                             received=3, open=1, late_open=0, answered_on_time=1,
                                             answered_late=0, rejected=1))
    indicators = f.IndicatorReport("766-2022", "", [
        f.IndicatorGroup("progress", "Tiến độ, kết quả giải quyết", 20, 18.8, [
            f.Indicator("2.1", "progress", "Hồ sơ giải quyết đúng hạn", 16, 17, 16 / 17, None, 20, 18.8,
                        True)]),
        f.IndicatorGroup("online", "Cung cấp dịch vụ trực tuyến", 12, None, [
            f.Indicator("3.3", "online", "Hồ sơ trực tuyến", None, None, None, 0.5, 12, None, False)])],
        18.8, 20)
    parts = {"tickets": tickets, "dossiers": dossier_figures, "satisfaction": satisfaction,
             "indicators": indicators, **figures}
    return assemble(SITE, SCOPE, "Trần Thị Giám Sát", issued_on=date(2026, 11, 30), **parts)


def empty_report():
    nothing = f.FeedbackFigures(0, 0, 0, 0, 0, 0)
    return sample_report(
        tickets=f.TicketFigures(0, 0, 0, 0, 0, [], [], [], f.EMPTY_STAT, f.EMPTY_STAT),
        dossiers=f.DossierFigures(0, 0, 0, 0, 0, 0, [], {"in_person": 0, "postal": 0, "online": 0}, 0, None,
                                  0, 0, None, 0, 0, []),
        satisfaction=f.SatisfactionFigures(0, 3, [f.LevelCount(3, "Rất hài lòng", "", 0, None)],
                                           {"satisfied": 0, "neutral": 0, "dissatisfied": 0}, None, [], [],
                                           nothing),
        indicators=f.IndicatorReport("766-2022", "", [], 0, 0))


def test_weekly_pdf_layout_and_screenshot():
    pdf = weekly_report_pdf(sample_report())
    text = flat(pdf)
    assert in_order(text, "ỦY BAN NHÂN DÂN XÃ TÂN CƯƠNG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TÂN CƯƠNG",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: ……/BC-TTPVHCC",
                    "Tân Cương, ngày 30 tháng 11 năm 2026", "BÁO CÁO",
                    "Kết quả tiếp nhận, giải quyết thủ tục hành chính từ ngày 23/11/2026 đến ngày 29/11/2026",
                    "I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ",
                    "cấp 40 số thứ tự, đã phục vụ 35 lượt, vắng mặt khi gọi 3 lượt, "
                    "thời gian chờ trung vị 6,5 phút",
                    "Hồ sơ tiếp nhận trong kỳ: 19; đã giải quyết: 17 (trước hạn 10, đúng hạn 6, quá hạn 1)",
                    "Tỷ lệ giải quyết trước hạn và đúng hạn: 94,1%",
                    # fields in Vietnamese order (Chứng thực before Hộ tịch), procedures within them
                    "Chứng thực", "Chứng thực bản sao từ bản chính (2.000815) 12 12 12 0 100%",
                    "Hộ tịch", "Đăng ký khai sinh (1.001193) 2 1 1 0 100%",
                    "Thay đổi, cải chính hộ tịch (1.004859) 5 4 3 1 75%",
                    "Tổng cộng 19 17 16 1 94,1%",
                    "II. HỒ SƠ QUÁ HẠN, LÝ DO VÀ VIỆC XIN LỖI", "000.00.12.H56- 261120-0003", "25/11/2026",
                    "Chờ xác minh của xã khác", "Đã xin lỗi",
                    "III. MỨC ĐỘ HÀI LÒNG", "Số lượt đánh giá: 30", "Rất hài lòng 20 66,7%",
                    "Hài lòng 8 26,7%",
                    "Không hài lòng 2 6,7%", "Chờ lâu 2 6,7%",
                    "IV. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ",
                    "Tiếp nhận 3 phản ánh, kiến nghị; đã trả lời 1 (đúng hạn 1, quá hạn 0); "
                    "từ chối tiếp nhận 1; đang xử lý 1, trong đó quá hạn 0",
                    "V. CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTg (ƯỚC TÍNH)", "ước tính",
                    "2.1 Hồ sơ giải quyết đúng hạn 16 / 17 94,1%", "3.3 Hồ sơ trực tuyến Chưa có dữ liệu",
                    "Nơi nhận:", "- Ủy ban nhân dân xã Tân Cương (để báo cáo);", "- Lưu: VT.")
    assert "GIÁM ĐỐC" in text and "Trần Thị Giám Sát" in text
    fonts = font_names(pdf)
    assert fonts and all("+Tinos" in name for name in fonts), fonts  # embedded subsets, no Helvetica
    reader = PdfReader(io.BytesIO(pdf))
    assert {(round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
            for p in reader.pages} == {(210, 297)}
    assert reader.metadata.title == ("Báo cáo kết quả tiếp nhận, giải quyết thủ tục hành chính "
                                     "từ ngày 23/11/2026 đến ngày 29/11/2026")
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    assert page.size == (1241, 1754)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.convert("L").save(SCREENSHOT, optimize=True)


def test_an_empty_week_says_so_and_divides_by_nothing():
    text = flat(weekly_report_pdf(empty_report()))
    assert in_order(text, "Hồ sơ tiếp nhận trong kỳ: 0; đã giải quyết: 0",
                    "Tỷ lệ giải quyết trước hạn và đúng hạn: —", "Tổng cộng 0 0 0 0 —",
                    "Không có hồ sơ quá hạn đến hết kỳ báo cáo.", "Số lượt đánh giá: 0.",
                    "Tiếp nhận 0 phản ánh")


def test_unit_abbreviation_for_the_number_line():
    assert abbreviation(UNIT) == "TTPVHCC"
    assert abbreviation("Bộ phận Một cửa phường Phan Đình Phùng") == "BPMC"


def test_last_full_week_runs_monday_to_sunday_before_this_one():
    assert last_full_week(date(2026, 12, 2)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert last_full_week(date(2026, 11, 30)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert last_full_week(date(2026, 11, 29)) == (date(2026, 11, 16), date(2026, 11, 22))


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_workbook_has_a_sheet_per_section_with_formulas_and_formats():
    book = workbook(weekly_report_xlsx(sample_report()))
    assert book.sheetnames == ["Tổng hợp", "Theo thủ tục", "Quá hạn", "Hài lòng", "PAKN", "Chỉ số 766"]
    summary = book["Tổng hợp"]
    assert summary["B3"].value == datetime(2026, 11, 23) and summary["B3"].number_format == "dd/mm/yyyy"
    assert summary["D3"].value == datetime(2026, 11, 29)
    assert [summary[f"B{r}"].value for r in range(5, 9)] == [40, 35, 3, 19]
    assert summary["B9"].value == "=B10+B11+B12"  # finished = early + on time + late
    assert [summary[f"B{r}"].value for r in range(10, 15)] == [10, 6, 1, 1, 1]
    assert summary["B15"].value == '=IF(B9=0,"",(B10+B11)/B9)' and summary["B15"].number_format == "0.0%"
    assert summary["A4"].font.bold and summary.freeze_panes == "A5"

    table = book["Theo thủ tục"]
    assert [c.value for c in table[4]][:4] == ["STT", "Lĩnh vực", "Mã thủ tục", "Tên thủ tục hành chính"]
    assert all(c.font.bold for c in table[4]) and table.freeze_panes == "A5"
    assert [[c.value for c in row][:8] for row in table.iter_rows(min_row=5, max_row=7)] == [
        [1, "Chứng thực", "2.000815", "Chứng thực bản sao từ bản chính", 12, 12, 12, 0],
        [2, "Hộ tịch", "1.001193", "Đăng ký khai sinh", 2, 1, 1, 0],
        [3, "Hộ tịch", "1.004859", "Thay đổi, cải chính hộ tịch", 5, 4, 3, 1]]
    assert table["I6"].value == '=IF(F6=0,"",G6/F6)' and table["I6"].number_format == "0.0%"
    assert [table[f"{c}8"].value for c in "BEFGHI"] == [
        "Tổng cộng", "=SUM(E5:E7)", "=SUM(F5:F7)", "=SUM(G5:G7)", "=SUM(H5:H7)", '=IF(F8=0,"",G8/F8)']
    assert table["E5"].number_format == "#,##0" and table.column_dimensions["D"].width >= 40

    overdue = book["Quá hạn"]
    assert overdue["B5"].value == "000.00.12.H56-261120-0003"
    assert overdue["D5"].value == datetime(2026, 11, 25) and overdue["D5"].number_format == "dd/mm/yyyy"
    assert overdue["G5"].value == "Có"

    levels = book["Hài lòng"]
    assert [levels[f"B{r}"].value for r in range(5, 9)] == [20, 8, 2, "=SUM(B5:B7)"]
    assert levels["C5"].value == '=IF(B$8=0,"",B5/B$8)' and levels["C5"].number_format == "0.0%"
    assert levels["A11"].value == "Chờ lâu" and levels["C11"].value == '=IF(B$8=0,"",B11/B$8)'

    pakn = book["PAKN"]
    assert [pakn[f"B{r}"].value for r in range(5, 13)] == [
        3, 1, 0, "=SUM(B6:B7)", 1, 1, 0, '=IF(B8=0,"",B6/B8)']

    indicators = book["Chỉ số 766"]
    assert indicators["A1"].value.endswith("(ƯỚC TÍNH)")
    assert [indicators[f"{c}5"].value for c in "ADEFHI"] == ["2.1", 16, 17, '=IF(E5=0,"",D5/E5)', 20, 18.8]
    assert indicators["G6"].value == 0.5 and indicators["G6"].number_format == "0.0%"
    assert indicators["I7"].value == "=SUM(I5:I6)" and indicators["H7"].value == 20


def test_an_empty_week_gives_a_valid_workbook_with_zeros():
    book = workbook(weekly_report_xlsx(empty_report()))
    summary, table = book["Tổng hợp"], book["Theo thủ tục"]
    assert [summary[f"B{r}"].value for r in range(5, 9)] == [0, 0, 0, 0]
    assert summary["B15"].value.startswith("=IF(B9=0,")  # a blank, never #DIV/0!
    assert [table[f"{c}5"].value for c in "BEFGH"] == ["Tổng cộng", 0, 0, 0, 0]
    assert table["I5"].value == '=IF(F5=0,"",G5/F5)'
    assert book["Quá hạn"]["C5"].value == 0
    every = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in every if "#DIV/0" in v or ("/" in v and v.startswith("=") and "IF(" not in v)]


# ---- A week seeded through the domain operations ------------------------------------------------------

def vn(day: int, hour: int, minute: int = 0) -> datetime:
    """A Vietnamese wall-clock time in November 2026, as rows store it (naive UTC)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=clock.VN).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def at(monkeypatch):
    """at(moment): the operations' clocks read `moment` (naive UTC); the event log keeps real time."""

    def move(moment: datetime) -> None:
        for module in (dossiers, lifecycle, tickets, issuance, ratings, feedback):
            monkeypatch.setattr(module, "utcnow", lambda: moment)
        monkeypatch.setattr(tickets, "business_date", lambda when=None: clock.business_date(when or moment))

    return move


def receive(site, officer, code: str, name: str = "Nguyễn Thị Hồng Nhung"):
    procedure = db.session.scalars(select(Procedure).where(Procedure.code == code)).one()
    documents = [dict(item, received=True) for item in procedure.documents]
    intake = Intake(procedure, name, "001090123456", applicant_phone="0912 345 678", documents=documents)
    return dossiers.receive_dossier(site, officer, intake)


def step(at, moment, operation, *args, **kwargs):
    at(moment)
    with write_transaction():
        return operation(*args, **kwargs)


@pytest.fixture
def week(app, at):
    """The week of 23–29/11/2026 — Tuesday 24/11 is a day off (Ngày Văn hóa Việt Nam) — and by hand
    what its report must say.

    Dossiers (F's rules, docs/figures.md: end of processing = result ready; early = a day before the
    appointment's day; an apology does not excuse lateness; open ones judged at Sunday's midnight):
      D1 2.000815 Chứng thực bản sao (same day): Mon 09:00 in, result Mon 10:00 → finished on time
      D2 1.004859 Thay đổi, cải chính hộ tịch (3 working days: 25, 26, 27 → due Fri 27/11 16:00):
         Mon in, result Wed 25/11 → early
      D5 1.004859: Mon in, result Fri 27/11 16:30 → late
      D3 1.004859: Mon in, open; late reason written Sat 28/11 → overdue at the end, no apology
      D6 DP.CT.01 Chứng thực hợp đồng (2 days: due Thu 26/11): Mon in; apology Wed moving it to Fri 27/11;
         open → overdue at the end, apologised
      D4 1.004222 Đăng ký thường trú (Cư trú, 7 days): Wed in, due in December → open in time
    → received 6; finished 3 (early 1, on time 1, late 1); on-time rate 2/3 = 66,7%; open in time 1;
      overdue 2 (1 apologised). By field, procedure (received/finished/in time/late):
      Chứng thực: bản sao 1/1/1/0, hợp đồng 1/0/0/0; Cư trú: thường trú 1/0/0/0; Hộ tịch: 3/2/1/1.
    Tickets, Mon 23/11, queue A: three issued, two served, one no-show.
    Ratings: A001 very satisfied, A002 satisfied, D2 dissatisfied for a long wait → 1 / 1 / 1.
    PAKN: two on Wed 25/11, one answered Thu (on time), one open (due in 15 working days) → 2 / 1 / 0 / 1.
    Outside the week (not counted): a dossier and a ticket on Mon 30/11.
    """
    with app.app_context():
        site = current_site()
        officer = db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo1")).one()
        counter = db.session.scalars(select(Counter).where(Counter.number == 1)).one()
        queue = db.session.scalars(select(Queue).where(Queue.letter == "A")).one()
        d1 = step(at, vn(23, 9), receive, site, officer, "2.000815")
        d2 = step(at, vn(23, 9, 5), receive, site, officer, "1.004859", "Trần Văn Bình")
        d5 = step(at, vn(23, 9, 10), receive, site, officer, "1.004859")
        d3 = step(at, vn(23, 9, 20), receive, site, officer, "1.004859")
        d6 = step(at, vn(23, 9, 30), receive, site, officer, "DP.CT.01")
        d4 = step(at, vn(25, 10), receive, site, officer, "1.004222")
        step(at, vn(23, 10), lifecycle.result_ready, site, d1, officer)
        step(at, vn(23, 10, 30), lifecycle.return_result, site, d1, officer, "applicant", True)
        step(at, vn(25, 14), lifecycle.result_ready, site, d2, officer)
        step(at, vn(25, 15), lifecycle.return_result, site, d2, officer, "applicant", True)
        step(at, vn(25, 15, 5), ratings.record_rating, site, level=1, channel="counter_screen", dossier=d2,
             officer_id=officer.id, counter_id=counter.id, reasons=["wait"])
        step(at, vn(25, 9), lifecycle.reschedule, site, d6, officer, "Cần lấy ý kiến cơ quan cấp trên",
             date(2026, 11, 27))
        step(at, vn(27, 16, 30), lifecycle.result_ready, site, d5, officer)
        step(at, vn(28, 9), lifecycle.note_late_reason, site, d3, officer, "Chờ xác minh tại xã khác")
        issued = [step(at, vn(23, 8, n), tickets.issue_ticket, site, queue).ticket for n in range(3)]
        for minute in (10, 20, 30):
            step(at, vn(23, 8, minute), tickets.call_next, counter, officer)
        step(at, vn(23, 8, 40), tickets.mark_no_show, db.session.merge(issued[2]), counter, officer)
        for ticket, level in zip(issued[:2], (3, 2), strict=True):
            step(at, vn(23, 9), ratings.record_rating, site, level=level, channel="counter_screen",
                 ticket=db.session.merge(ticket), officer_id=officer.id, counter_id=counter.id)
        answered, _ = (step(at, vn(25, 8, n), feedback.submit_feedback, site, channel="counter",
                            kind="phan_anh", topic="delay", content="=Chờ lâu quá", officer=officer)
                       for n in range(2))
        step(at, vn(26, 9), feedback.answer_feedback, site, db.session.merge(answered), officer,
             "Đã nhắc nhở cán bộ.")
        step(at, vn(30, 9), receive, site, officer, "1.004859")
        step(at, vn(30, 9), tickets.issue_ticket, site, queue)
        return {"tickets": [t.code for t in issued], "codes": {"D3": d3.code, "D6": d6.code, "D4": d4.code}}


def test_weekly_pdf_of_a_seeded_week(week, staff):
    response = staff("giamsat").get(f"{REPORTS}/weekly.pdf?from=23/11/2026&to=29/11/2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"bao-cao-tuan-2026-11-23.pdf\"; "
        "filename*=UTF-8''b%C3%A1o-c%C3%A1o-tu%E1%BA%A7n-2026-11-23.pdf")
    text = flat(response.data)
    today = clock.business_date()
    assert in_order(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                    "Số: ……/BC-TTPVHCC",
                    place_and_date("Tân Cương", today), "BÁO CÁO", "từ ngày 23/11/2026 đến ngày 29/11/2026",
                    "cấp 3 số thứ tự, đã phục vụ 2 lượt, vắng mặt khi gọi 1 lượt",
                    "Hồ sơ tiếp nhận trong kỳ: 6; đã giải quyết: 3 (trước hạn 1, đúng hạn 1, quá hạn 1); "
                    "đang giải quyết trong hạn: 1; đang quá hạn: 2",
                    "Tỷ lệ giải quyết trước hạn và đúng hạn: 66,7%",
                    "Chứng thực", "Chứng thực bản sao từ bản chính (2.000815) 1 1 1 0 100%",
                    "Chứng thực hợp đồng, giao dịch (DP.CT.01) 1 0 0 0 —",
                    "Cư trú", "Đăng ký thường trú (1.004222) 1 0 0 0 —",
                    "Hộ tịch", "Thay đổi, cải chính hộ tịch (1.004859) 3 2 1 1 50%",
                    "Tổng cộng 6 3 2 1 66,7%",
                    "Có 2 hồ sơ quá hạn, trong đó 1 hồ sơ đã có văn bản xin lỗi",
                    "Số lượt đánh giá: 3", "Rất hài lòng 1 33,3%", "Hài lòng 1 33,3%",
                    "Không hài lòng 1 33,3%",
                    "Chờ lâu 1 33,3%",
                    "Tiếp nhận 2 phản ánh, kiến nghị; đã trả lời 1 (đúng hạn 1, quá hạn 0); "
                    "từ chối tiếp nhận 0; đang xử lý 1, trong đó quá hạn 0", "(ƯỚC TÍNH)", "Nơi nhận:",
                    "Trần Thị Giám Sát")
    assert "Chờ xác minh tại xã khác" in text
    for code in (week["codes"]["D3"], week["codes"]["D6"]):
        assert code.replace("-", "- ", 1) in text
    assert week["codes"]["D4"] not in text
    assert all("+Tinos" in name for name in font_names(response.data))


def test_weekly_workbook_of_a_seeded_week(week, staff):
    response = staff("giamsat").get(f"{REPORTS}/weekly.xlsx?from=23/11/2026&to=29/11/2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bao-cao-tuan-2026-11-23.xlsx"')
    book = workbook(response.data)
    summary = book["Tổng hợp"]
    assert [summary[f"B{r}"].value for r in range(5, 15)] == [3, 2, 1, 6, "=B10+B11+B12", 1, 1, 1, 1, 2]
    table = book["Theo thủ tục"]
    assert [[c.value for c in row][1:8] for row in table.iter_rows(min_row=5, max_row=8)] == [
        ["Chứng thực", "2.000815", "Chứng thực bản sao từ bản chính", 1, 1, 1, 0],
        ["Chứng thực", "DP.CT.01", "Chứng thực hợp đồng, giao dịch", 1, 0, 0, 0],
        ["Cư trú", "1.004222", "Đăng ký thường trú", 1, 0, 0, 0],
        ["Hộ tịch", "1.004859", "Thay đổi, cải chính hộ tịch", 3, 2, 1, 1]]
    assert table["E9"].value == "=SUM(E5:E8)" and table["I8"].value == '=IF(F8=0,"",G8/F8)'
    assert book["Quá hạn"]["C7"].value == "=COUNTA(B5:B6)"
    assert [book["PAKN"][f"B{r}"].value for r in (5, 6, 7, 10)] == [2, 1, 0, 1]


def test_an_empty_week_through_the_routes(staff):
    supervisor = staff("giamsat")
    pdf = supervisor.get(f"{REPORTS}/weekly.pdf?from=04/01/2027&to=10/01/2027")
    assert pdf.status_code == 200
    assert "Hồ sơ tiếp nhận trong kỳ: 0; đã giải quyết: 0" in flat(pdf.data)
    book = workbook(supervisor.get(f"{REPORTS}/weekly.xlsx?from=04/01/2027&to=10/01/2027").data)
    assert [book["Tổng hợp"][f"B{r}"].value for r in range(5, 9)] == [0, 0, 0, 0]


def test_tracking_log_for_the_period(week, staff):
    response = staff("giamsat").get(f"{REPORTS}/log.pdf?from=23/11/2026&to=29/11/2026")
    assert response.status_code == 200
    assert 'filename="so-theo-doi-2026-11-23.pdf"' in response.headers["Content-Disposition"]
    text = flat(response.data)
    assert in_order(text, "SỔ THEO DÕI HỒ SƠ", "(Từ ngày 23/11/2026 đến ngày 29/11/2026)",
                    "Tổng số: 6 hồ sơ.")


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_ticket_export_has_a_row_per_ticket_of_the_period(week, staff):
    response = staff("giamsat").get(f"{REPORTS}/export/tickets.csv?from=23/11/2026&to=29/11/2026")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith('attachment; filename="tickets-2026-11-23.csv"')
    rows = read_csv(response)
    assert rows[0][:4] == ["Số thứ tự", "Ngày", "Dãy số", "Hàng đợi"]
    assert [row[0] for row in rows[1:]] == week["tickets"]  # the ticket of Mon 30/11 is not there
    assert [row[5] for row in rows[1:]] == ["done", "done", "no_show"]
    assert rows[1][6] == "2026-11-23T08:00:00+07:00" and rows[1][1] == "2026-11-23"


def test_dossier_export_masks_personal_data(week, staff):
    rows = read_csv(staff("giamsat").get(f"{REPORTS}/export/dossiers.csv?from=23/11/2026&to=29/11/2026"))
    heads = rows[0]
    assert heads[7:10] == ["Người nộp (che)", "Số định danh (che)", "Điện thoại (che)"]
    assert len(rows) == 7
    names = {row[7] for row in rows[1:]}
    assert names == {"Nguyễn T. H. N.", "Trần V. B."}
    assert {row[8] for row in rows[1:]} == {"*********456"} and {row[9] for row in rows[1:]} == {"*******678"}
    text = "\n".join(",".join(row) for row in rows)
    assert "Nhung" not in text and "001090123456" not in text and "0912" not in text


def test_other_exports_and_formula_text(week, staff):
    supervisor = staff("giamsat")
    query = "?from=23/11/2026&to=29/11/2026"
    ratings_rows = read_csv(supervisor.get(f"{REPORTS}/export/ratings.csv{query}"))
    assert sorted(row[3] for row in ratings_rows[1:]) == ["1", "2", "3"]
    assert [row[5] for row in ratings_rows[1:] if row[3] == "1"] == ["wait"]
    pakn = read_csv(supervisor.get(f"{REPORTS}/export/feedback.csv{query}"))
    assert len(pakn) == 3 and {row[13] for row in pakn[1:]} == {"'=Chờ lâu quá"}  # never run as a formula
    steps = read_csv(supervisor.get(f"{REPORTS}/export/dossier-steps.csv{query}"))
    assert "dossier.rescheduled" in {row[1] for row in steps[1:]}
    events = read_csv(supervisor.get(f"{REPORTS}/export/events.csv{query}"))
    assert events[0] == ["seq", "id", "type", "version", "origin_site_id", "aggregate_type", "aggregate_id",
                         "hlc", "occurred_at", "actor_id", "tx_id", "pushed_at"]


def test_roles_bad_dates_and_unknown_tables(staff, client):
    assert staff("canbo1").get(f"{REPORTS}/export/tickets.csv").status_code == 403
    assert staff("canbo1").get(REPORTS).status_code == 403
    assert client.get(f"{REPORTS}/weekly.pdf").status_code in (302, 401)
    admin = staff("admin")
    page = admin.get(REPORTS)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start, end = last_full_week(clock.business_date())
    assert f"reports/weekly.pdf?from={start:%d/%m/%Y}&amp;to={end:%d/%m/%Y}" in html  # last full week
    supervisor = staff("giamsat")
    bad = supervisor.get(f"{REPORTS}/weekly.xlsx?from=31/02/2026&to=05/03/2026")
    assert bad.status_code == 400 and "text/html" in bad.content_type
    assert "31/02/2026" in bad.get_data(as_text=True) and 'id="reports"' in bad.get_data(as_text=True)
    backwards = supervisor.get(f"{REPORTS}?from=29/11/2026&to=23/11/2026")
    assert backwards.status_code == 400 and "phải trước hoặc bằng" in backwards.get_data(as_text=True)
    too_long = supervisor.get(f"{REPORTS}/log.pdf?from=01/01/2025&to=31/01/2026")
    assert too_long.status_code == 400 and "tối đa một năm" in too_long.get_data(as_text=True)
    fragment = supervisor.get(REPORTS, htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert 'id="reports"' in fragment.get_data(as_text=True)
    missing = supervisor.get(f"{REPORTS}/export/staff_user.csv")
    assert missing.status_code == 404 and "Không tìm thấy dữ liệu yêu cầu" in missing.get_data(as_text=True)
