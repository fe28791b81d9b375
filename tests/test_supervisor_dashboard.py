"""The supervisor's dashboard at /counter/supervisor: who may see it, what a small day shows on it, the
period picker's errors, the live fragment, the English page; the chart geometry it draws from; and the
same page at central, province-wide and per reception point."""

import io
import re
import uuid
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from counter import charts
from domain import numbers, ratings
from domain.clock import business_date
from domain.figures.types import (
    Dashboard,
    DossierFigures,
    FeedbackFigures,
    Indicator,
    IndicatorGroup,
    IndicatorReport,
    LevelCount,
    QueueHours,
    SatisfactionFigures,
    Scope,
    ServiceRow,
    Stat,
    TicketFigures,
)
from domain.site import current_site
from domain.tickets import call_next, finish, mark_no_show
from domain.tickets import issue_ticket as issue
from models import Counter, Dossier, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from . import test_province_dashboard as central
from .test_dossiers import intake

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/counter/supervisor/"
province, worked = central.province, central.worked  # central on PostgreSQL, two sites worked today


def tile(page: str, label: str) -> str:
    """The number a tile shows under its label, as read on the screen."""
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", page, re.S)
    assert match, label
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def section(page: str, section_id: str) -> str:
    start = page.index(f'<section class="panel" id="{section_id}"')
    return page[start:page.index("</section>", start)]


def titles(svg_part: str) -> list[str]:
    return [unescape(text) for text in re.findall(r"<rect[^>]*><title>(.*?)</title>", svg_part)]


# ---- Who may see it ----------------------------------------------------------------------------------

def test_supervisors_and_admins_see_it_officers_do_not_and_strangers_log_in(client, staff):
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert staff("canbo1").get(PAGE).status_code == 403
    assert staff("buudien").get("/counter/supervisor/figures").status_code == 403
    for username in ("giamsat", "admin"):
        page = staff(username).get(PAGE)
        assert page.status_code == 200, username
        assert "Giám sát chất lượng phục vụ" in page.get_data(as_text=True)


def test_the_counter_header_links_supervisors_to_the_dashboard(staff):
    assert 'href="/counter/supervisor/"' in staff("giamsat").get("/counter").get_data(as_text=True)
    assert 'href="/counter/supervisor/"' not in staff("canbo1").get("/counter").get_data(as_text=True)


# ---- A small day ---------------------------------------------------------------------------------

@pytest.fixture
def small_day(app, staff, monkeypatch):
    """Three tickets issued together at queue A; counter 1 calls the first after 6 minutes and finishes
    it 2 minutes later, calls the second at 8 (absent), the third at 10 and finishes it at 14. Waits
    6, 8, 10 (median 8, 90th percentile 9.6, with or without the absent one); services 2 and 4
    (median 3, 90th percentile 3.8). The two served rate: very satisfied; dissatisfied, the wait.
    One dossier is received at the counter."""
    import domain.tickets

    with app.app_context(), write_transaction():
        site = current_site()
        counter = db.session.scalar(select(Counter).where(Counter.number == 1))
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "canbo1"))
        queue = counter.queues[0]
        issued = [issue(site, queue).ticket for _ in range(3)]
        start = max(ticket.issued_at for ticket in issued)

        def at(minutes):
            monkeypatch.setattr(domain.tickets, "utcnow", lambda: start + timedelta(minutes=minutes))

        at(6)
        first = call_next(counter, officer)
        at(8)
        finish(first, counter, officer)
        mark_no_show(call_next(counter, officer), counter, officer)
        at(10)
        third = call_next(counter, officer)
        at(14)
        finish(third, counter, officer)
        monkeypatch.undo()
        for ticket, level, reasons in ((first, 3, []), (third, 1, ["wait"])):
            ratings.record_rating(site, level=level, channel="counter_screen", ticket=ticket,
                                  officer_id=officer.id, counter_id=counter.id, reasons=reasons, scale=3)
        queue_label, queue_name = f"{queue.letter} · {queue.name}", queue.name
    assert intake(staff("canbo1"), app).status_code == 303
    with app.app_context():
        code = db.session.scalar(select(Dossier.code).where(Dossier.code.is_not(None)))
    return {"queue": queue_label, "queue_name": queue_name, "code": code}


def test_a_small_day_shows_its_numbers(staff, small_day):
    page = staff("giamsat").get(PAGE).get_data(as_text=True)
    shown = (tile(page, "Số đã phát"), tile(page, "Đã phục vụ"), tile(page, "Vắng mặt khi gọi"))
    assert shown == ("3", "2", "1")
    assert tile(page, "Tiếp nhận") == "1"
    hours = page[page.index('id="chart-hours"'):]
    hours = hours[:hours.index("</figure>")]
    bars = titles(hours)
    assert len(bars) == 1 and bars[0].startswith(small_day["queue"]) and bars[0].endswith(": 3 vé")
    channels = section(page, "channels")
    assert "Trực tiếp: <a" in channels and "1 (100 %)" in channels
    satisfaction = section(page, "satisfaction")
    assert "2 lượt đánh giá; hài lòng: 50 %" in satisfaction
    levels = re.findall(r'<th scope="row">(.*?)</th>.*?<td class="num">(.*?)</td><td class="num">(.*?)</td>',
                        satisfaction, re.S)
    assert levels == [("Rất hài lòng", "1", "50 %"), ("Hài lòng", "0", "0 %"),
                      ("Không hài lòng", "1", "50 %")]
    assert titles(satisfaction) == ["Chờ lâu · Lượt chọn: 1 lượt"]
    assert tile(page, "Chờ (trung vị / phân vị 90)") == "8 / 9,6 phút"
    assert tile(page, "Phục vụ (trung vị / phân vị 90)") == "3 / 3,8 phút"
    times = section(page, "times")
    assert titles(times) == [f"{small_day['queue_name']} · Trung vị: 8 phút",
                             f"{small_day['queue_name']} · Phân vị 90: 9,6 phút",
                             "Nguyễn Văn Tiếp Nhận · Trung vị: 3 phút",
                             "Nguyễn Văn Tiếp Nhận · Phân vị 90: 3,8 phút"]
    assert '<section class="panel" id="tickets">' in page  # the figures, not "no data in this period"


def test_each_figure_links_to_the_dossiers_behind_it(staff, small_day):
    supervisor = staff("giamsat")
    page = supervisor.get(PAGE).get_data(as_text=True)
    link = unescape(re.search(r'<dt>Tiếp nhận</dt><dd><a href="([^"]+)"', page).group(1))
    assert "key=received" in link
    behind = supervisor.get(link).get_data(as_text=True)
    assert "Hồ sơ tiếp nhận" in behind and small_day["code"] in behind
    assert re.search(rf'href="/counter/dossiers/[0-9a-f-]+">{small_day["code"]}</a>', behind)
    indicator = unescape(re.search(r'href="(/counter/supervisor/dossiers\?key=\d\.\d[^"]*)"', page).group(1))
    assert supervisor.get(indicator).status_code == 200


def test_an_empty_period_says_so_instead_of_drawing_empty_charts(staff, small_day):
    page = staff("giamsat").get(PAGE + "?from=01/01/2025&to=31/01/2025").get_data(as_text=True)
    assert "Không có dữ liệu trong khoảng này" in page and "01/01/2025 – 31/01/2025" in page
    assert "<svg" not in page.split('id="figures"')[1]
    assert "hx-trigger" not in page.split('id="figures"')[1].split(">")[0]  # a past period is not polled


# ---- The period picker --------------------------------------------------------------------------

@pytest.mark.parametrize("typed,field,message", [
    ({"from": "31/02/2026", "to": "05/03/2026"}, "from", "Từ ngày “31/02/2026” không đúng dạng dd/mm/yyyy."),
    ({"from": "01/03/2026", "to": "hôm qua"}, "to", "Đến ngày “hôm qua” không đúng dạng dd/mm/yyyy."),
    ({"from": "01/01/0001", "to": "01/03/2026"}, "from", "Từ ngày phải trong khoảng 01/01/1900"),
    ({"from": "10/03/2026", "to": "01/03/2026"}, "to", "Ngày bắt đầu (10/03/2026) phải trước"),
])
def test_a_bad_date_gets_its_message_beside_its_field_and_nothing_typed_is_lost(staff, typed, field, message):
    response = staff("giamsat").client.get(PAGE, query_string=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(rf'<span class="error-text" id="{field}-error" role="alert">(.*?)</span>', page)
    assert unescape(error.group(1)).startswith(message)
    assert re.search(rf'<input id="period-{field}" name="{field}"[^>]*aria-invalid="true"', page, re.S)
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in page


def test_the_period_buttons_choose_today_this_week_and_this_month(staff):
    supervisor = staff("giamsat")
    assert 'aria-current="true">Hôm nay<' in supervisor.get(PAGE).get_data(as_text=True)
    week = supervisor.get(PAGE + "?period=week").get_data(as_text=True)
    assert 'aria-current="true">Tuần này<' in week and " – " in re.search(r"Khoảng thời gian: <strong>(.*?)<",
                                                                         week).group(1)


# ---- Live -------------------------------------------------------------------------------------

def test_the_figures_fragment_refreshes_every_30_seconds_without_keeping_the_session_alive(app, staff):
    supervisor = staff("giamsat")
    fragment = supervisor.get("/counter/supervisor/figures", htmx=True)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.lstrip().startswith('<div id="figures"')
    assert "<html" not in html and 'hx-trigger="every 30s"' in html and 'hx-swap="outerHTML"' in html
    assert "HX-Request" in fragment.headers["Vary"]
    assert app.view_functions["supervisor.figures"].passive
    page = supervisor.get(PAGE, htmx=True).get_data(as_text=True)
    assert page.lstrip().startswith('<div id="supervisor"') and "<html" not in page


def test_a_long_period_that_includes_today_refreshes_less_often(staff):
    """A year's figures take seconds on a busy site: a page left open must not recount every 30 s."""
    supervisor = staff("giamsat")
    today = business_date()
    for days, every in ((7, 30), (20, 120), (200, 600)):
        start = today - timedelta(days=days - 1)
        html = supervisor.get(f"{PAGE}?from={start:%d/%m/%Y}&to={today:%d/%m/%Y}").get_data(as_text=True)
        assert f'hx-trigger="every {every}s"' in html, days
    past = supervisor.get(f"{PAGE}?from=01/01/2026&to=31/01/2026").get_data(as_text=True)
    assert "hx-trigger" not in past.split('id="figures"')[1].split(">")[0]  # a closed period is not live


# ---- English ----------------------------------------------------------------------------------

def own_strings() -> set[str]:
    """The dashboard's own Vietnamese strings (templates and the view), placeholders cut out."""
    found = set()
    for path in (ROOT / "templates" / "supervisor").rglob("*.html"):
        if "report" not in path.name:  # the reports page is helper P's, tested there
            found |= {text for _q, text in re.findall(r"""_\(\s*(["'])(.+?)\1""", path.read_text())}
    for path in (ROOT / "counter" / "supervisor.py", ROOT / "counter" / "charts.py"):
        found |= set(re.findall(r'(?:gettext|gettext_noop)\("([^"]+)"', path.read_text()))
    return {part.strip() for text in found for part in re.split(r"\{\w+\}", text) if len(part.strip()) > 3}


def engine_labels(app) -> set[str]:
    """The labels the figures engine hands over (indicator names and notes, row labels): its own to
    translate (messages_en_figures), so left out here."""
    from domain.figures import dashboard, parse_scope

    with app.test_request_context():
        board = dashboard(parse_scope({}, None))
    indicators = board.indicators
    labels = {row.label for row in board.tickets.rows} | {indicators.basis}
    for group in indicators.groups:
        labels |= {group.name} | {i.name for i in group.indicators}
        labels |= {i.note for i in group.indicators if i.note}
    return {label for label in labels if label}


def test_the_english_page_has_none_of_the_dashboards_vietnamese(app, staff, small_day):
    supervisor = staff("giamsat")
    supervisor.get("/lang/en")
    page = unescape(supervisor.get(PAGE).get_data(as_text=True))
    assert "Tickets issued" in page and "Satisfaction" in page and "Decision 766" in page
    assert '<span class="estimate">estimate</span>' in page
    # Queues by their English names, counters as "Counter n" (the site's own names are data).
    assert "Civil status" in page and "Counter 1" in page and "Quầy 1" not in page
    for label in sorted(engine_labels(app), key=len, reverse=True):
        page = page.replace(label, "")
    left = sorted(text for text in own_strings() if re.search(rf"(?<![\w]){re.escape(text)}(?![\w])", page))
    assert left == [], left


# ---- Chart geometry ------------------------------------------------------------------------------

def test_vietnamese_number_formats():
    assert numbers.vn_number(1234567) == "1.234.567"
    assert numbers.vn_number(1234.5, 1) == "1.234,5"
    assert [numbers.vn_percent(share) for share in (0.875, 1, 0.2)] == ["87,5 %", "100 %", "20 %"]
    assert (numbers.vn_minutes(4.5), numbers.vn_minutes(27.4), numbers.vn_minutes(None)) == ("4,5", "27", "–")
    assert (numbers.vn_figure(17.5), numbers.vn_figure(12.0)) == ("17,5", "12")


def test_columns_scale_to_the_tallest_stack_and_draw_nothing_for_zero():
    chart = charts.column_chart(["8h", "9h", "10h"],
                                [charts.Series("A", [3, 5, 0]), charts.Series("B", [1, 5, 0])])
    assert [tick.text for tick in chart.ticks] == ["0", "2", "4", "6", "8", "10"]
    assert len(chart.bars) == 4  # 10h drew nothing
    nine = [bar for bar in chart.bars if bar.category == "9h"]
    assert nine[1].y == chart.top  # the tallest stack reaches the top tick (10)
    assert nine[0].height == nine[1].height == (chart.bottom - chart.top) / 2
    assert nine[0].y == nine[1].y + nine[1].height  # B stacked on A
    eight = [bar for bar in chart.bars if bar.category == "8h"]
    assert eight[0].height == pytest.approx(3 * eight[1].height)
    assert chart.summary == "8h: 4; 9h: 10; 10h: 0"
    assert [(item.css, item.label) for item in chart.legend] == [("s0", "A"), ("s1", "B")]


def test_a_chart_of_zeros_is_empty():
    for chart in (charts.column_chart(["8h"], [charts.Series("A", [0])]),
                  charts.bar_list(["A"], [charts.Series("x", [None])]), charts.bar_list([], [])):
        assert chart.empty and chart.bars == []


def test_bar_lists_share_one_scale_and_label_their_values():
    chart = charts.bar_list(["A · Hộ tịch", "B · Đất đai"], [charts.Series("Trung vị", [4.5, 8]),
                                                          charts.Series("Phân vị 90", [12, 20])],
                            fmt=numbers.vn_minutes, whole=False)
    longest = max(chart.bars, key=lambda bar: bar.value)
    assert longest.end == chart.right and [t.text for t in chart.ticks] == ["0", "5", "10", "15", "20"]
    assert [bar.text for bar in chart.bars] == ["4,5", "12", "8", "20"]
    assert chart.bars[0].width == pytest.approx(longest.width * 4.5 / 20)
    assert chart.summary == "A · Hộ tịch: 4,5 / 12; B · Đất đai: 8 / 20"


def test_counts_never_get_fractional_ticks():
    assert charts.nice_ticks(2) == [0, 1, 2]
    assert charts.nice_ticks(2, whole=False) == [0, 0.5, 1, 1.5, 2]
    assert charts.nice_ticks(37) == [0, 10, 20, 30, 40]


def test_a_strip_splits_100_percent_and_a_meter_knows_its_target():
    strip = charts.share_strip([("Trực tiếp", 9, "in_person"), ("Bưu chính", 1), ("Trực tuyến", 2)])
    assert [s.x for s in strip] == [0, 75, pytest.approx(83.333, abs=0.001)]
    assert sum(s.width for s in strip) == pytest.approx(100)
    assert [s.text for s in strip] == ["9 (75 %)", "1 (8,3 %)", "2 (16,7 %)"]
    assert (strip[0].key, strip[1].key) == ("in_person", None)
    assert charts.meter(0.3, 0.2).reached and charts.meter(0.1, 0.2).reached is False
    assert charts.meter(None, 0.2).reached is None and charts.meter(1.4).fill == 100


def fake_board() -> Dashboard:
    stat = Stat(10, 4.5, 12.0)
    tickets = TicketFigures(30, 25, 3, 1, 2, [8, 9], [QueueHours("A", "Hộ tịch", [4, 6], 10),
                                                      QueueHours("B", "Đất đai", [0, 2], 2)],
                            [ServiceRow("queue", "A", "A · Hộ tịch", 9, 1, stat, stat),
                             ServiceRow("officer", "o", "Nguyễn Văn An", 9, 1, stat, Stat(9, 7.5, 14))],
                            stat, stat)
    dossiers = DossierFigures(12, 8, 3, 4, 1, 3, [], {"in_person": 9, "postal": 1, "online": 2}, 10, 10 / 12,
                              30, 70, 0.3, 1, 0, [])
    levels = [LevelCount(3, "Rất hài lòng", "happy", 6, 0.6),
              LevelCount(1, "Không hài lòng", "unhappy", 4, 0.4)]
    satisfaction = SatisfactionFigures(10, 3, levels, {}, 0.6, [("wait", "Chờ lâu", 2)], [],
                                       FeedbackFigures(0, 0, 0, 0, 0, 0))
    on_time = Indicator("2.1", "progress", "Đúng hạn", 7, 8, 0.875, 0.9, 20, 19.4, True)
    average = Indicator("2.2", "progress", "Trung bình (ngày)", 25.25, 7, 25.25 / 7, None, 0, None, True)
    report = IndicatorReport("766", "", [IndicatorGroup("progress", "Tiến độ", 20, 19.4, [on_time, average])],
                             19.4, 20)
    return Dashboard(Scope(None, date(2026, 3, 2), date(2026, 3, 2)), tickets, dossiers, satisfaction, report)


def test_the_dashboards_charts_come_from_its_figures():
    drawn = charts.dashboard_charts(fake_board())
    assert [(bar.series, bar.category, bar.value) for bar in drawn["per_hour"].bars] == [
        ("A · Hộ tịch", "8h", 4), ("A · Hộ tịch", "9h", 6), ("B · Đất đai", "9h", 2)]
    assert [c.label for c in drawn["wait"].categories] == ["A · Hộ tịch"]
    assert [c.label for c in drawn["service"].categories] == ["Nguyễn Văn An"]
    assert [(s.label, s.value) for s in drawn["outcomes"]] == [("Trước hạn", 3), ("Đúng hạn", 4),
                                                               ("Trễ hạn", 1)]
    assert [s.key for s in drawn["channels"]] == ["in_person", "postal", "online"]
    assert drawn["reuse"].reached and drawn["reuse"].target_text == "20 %"
    assert drawn["indicators"]["2.1"].reached is False and drawn["indicator_values"]["2.1"] == "87,5 %"
    assert "2.2" not in drawn["indicators"] and drawn["indicator_values"]["2.2"] == "3,6"  # days, no target
    assert [m.fill for m in drawn["level_meters"]] == [60, 40]
    assert drawn["faces"][0] != drawn["faces"][1]


# ---- At central: the province, and one reception point ---------------------------------------------

def test_central_shows_the_province_and_each_reception_point(province, worked):
    supervisor = province.login("tinh.giamsat")
    page = supervisor.get(PAGE).get_data(as_text=True)
    assert "Toàn tỉnh" in page and 'href="/counter/supervisor/"' in page  # the central menu's link
    assert (tile(page, "Số đã phát"), tile(page, "Tiếp nhận")) == ("8", "3")
    assert worked["late"] in section(page, "dossiers")
    late = re.search(rf'href="(/central/dossiers/[0-9a-f-]+)">{worked["late"]}<', page).group(1)
    assert supervisor.get(late).status_code == 200
    tan_cuong = province.site_id(central.TAN_CUONG)
    assert f'<option value="{tan_cuong}">' in page
    one = supervisor.client.get(PAGE, query_string={"site": str(tan_cuong)}).get_data(as_text=True)
    assert (tile(one, "Số đã phát"), tile(one, "Tiếp nhận")) == ("5", "2")
    assert f'<option value="{tan_cuong}" selected>' in one
    assert supervisor.client.get(PAGE, query_string={"site": str(uuid.uuid4())}).status_code == 404
    assert supervisor.client.get(PAGE, query_string={"site": "không phải mã"}).status_code == 404



def test_at_central_a_report_is_one_reception_points_chosen_on_the_dashboard(province, worked):
    """A weekly report carries one unit's letterhead: at central it is made for the site chosen."""
    supervisor = province.login("tinh.giamsat")
    province_page = supervisor.get(PAGE).get_data(as_text=True)
    assert "/counter/supervisor/reports" not in province_page  # the province as a whole has no report
    refused = supervisor.client.get("/counter/supervisor/reports/weekly.pdf")
    assert refused.status_code == 404 and "hãy chọn điểm tiếp nhận" in refused.get_data(as_text=True)
    tan_cuong = province.site_id(central.TAN_CUONG)
    one = supervisor.client.get(PAGE, query_string={"site": str(tan_cuong)}).get_data(as_text=True)
    link = unescape(re.search(r'href="(/counter/supervisor/reports\?[^"]+)"', one).group(1))
    assert f"site={tan_cuong}" in link
    reports = supervisor.client.get(link).get_data(as_text=True)
    assert f'name="site" value="{tan_cuong}"' in reports  # kept by the period form and every link
    today = business_date().strftime("%d/%m/%Y")
    pdf = supervisor.client.get("/counter/supervisor/reports/weekly.pdf",
                                query_string={"site": str(tan_cuong), "from": today, "to": today})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "TÂN CƯƠNG" in text.upper() and "QUYẾT THẮNG" not in text.upper()
