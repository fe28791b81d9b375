"""Dossier figures over a period spanning Tết 2027, every number worked out by hand.

The whole site's clock is moved (domain.clock.OFFSET_SECONDS), always forward, so the operations,
their steps and their events all happen "then". Procedure 1.004859 takes 3 working days; the
calendar (domain.workdays) has Tết off from Thu 4/2/2027 to Wed 10/2/2027, so a file received on
Mon 1/2 is due Thu 11/2 at 16:00 (2/2 → 1, 3/2 → 2, 11/2 → 3).
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from domain import DomainError, clock, lifecycle
from domain.clock import VN
from domain.dossiers import receive_dossier, validate_intake
from domain.figures import Scope, dossier_figures, dossiers_behind, indicator_report, parse_scope
from domain.site import current_site
from models import Dossier, Procedure, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

APPLICANT = {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001090123456",
             "applicant_phone": "0912345678", "applicant_address": "Số 5 ngõ 12, xóm Chè Đỗ"}


def utc(text: str) -> datetime:
    """'2027-02-01 09:00' Vietnamese time → naive UTC, as stored."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN).astimezone(UTC).replace(tzinfo=None)


def at(monkeypatch, text: str) -> None:
    """Move the site's whole clock to this Vietnamese time (only ever forward)."""
    real = datetime.now(UTC).replace(tzinfo=None)
    monkeypatch.setattr(clock, "OFFSET_SECONDS", (utc(text) - real).total_seconds())


class Site:
    """Runs the domain operations, each in its own write transaction, at the time it is told."""

    def __init__(self, app, monkeypatch):
        self.app, self.monkeypatch, self.codes = app, monkeypatch, {}

    def do(self, when: str, operation):
        at(self.monkeypatch, when)
        with self.app.app_context(), write_transaction():
            officer = db.session.scalars(select(StaffUser).where(StaffUser.username == "canbo1")).one()
            return operation(current_site(), officer)

    def receive(self, when: str, name: str, code="1.004859", **values):
        def operation(site, officer):
            procedure = db.session.scalars(select(Procedure).where(Procedure.code == code)).one()
            intake = validate_intake(procedure, {**APPLICANT, **values}, set(range(len(procedure.documents))))
            return receive_dossier(site, officer, intake).id
        self.codes[name] = self.do(when, operation)

    def step(self, when: str, name: str, action: str, *args):
        def operation(site, officer):
            dossier = db.session.get(Dossier, self.codes[name])
            getattr(lifecycle, action)(site, dossier, officer, *args)
        self.do(when, operation)


def seed(site: Site) -> None:
    """Seven dossiers (D1…D7), in time order; the due dates by hand are in the comments."""
    site.receive("2027-02-01 09:00", "D1", reused_fields="2")  # due Thu 11/2 16:00
    site.receive("2027-02-01 09:30", "D2")  # due 11/2 16:00
    site.step("2027-02-01 10:00", "D1", "transfer", "Phòng Tư pháp")
    site.step("2027-02-01 10:05", "D2", "transfer", "Phòng Tư pháp")
    site.receive("2027-02-01 11:00", "D7", channel="online")  # due 11/2 16:00; never finished
    site.step("2027-02-01 11:30", "D7", "transfer", "Phòng Tư pháp")
    site.receive("2027-02-02 09:00", "D4")  # due 3/2, 11/2, 12/2 → Fri 12/2
    site.step("2027-02-02 10:00", "D4", "transfer", "Phòng Tư pháp")
    site.receive("2027-02-02 14:00", "D3")  # due Fri 12/2 16:00
    site.step("2027-02-02 14:30", "D3", "transfer", "Phòng Tư pháp")
    site.receive("2027-02-03 08:00", "D5")  # due 11/2, 12/2, 15/2 → Mon 15/2
    site.step("2027-02-03 08:30", "D5", "transfer", "Phòng Tư pháp")
    site.step("2027-02-03 09:00", "D4", "request_supplement", ["Bản sao giấy khai sinh"], "Thiếu")
    site.step("2027-02-03 09:05", "D5", "request_supplement", ["Bản sao giấy khai sinh"], "Thiếu")
    site.step("2027-02-03 10:00", "D1", "result_ready", "Đã ký")  # 3/2 < 11/2: early
    site.step("2027-02-11 08:30", "D5", "supplemented")  # clock restarts: due 12/2, 15/2, 16/2
    site.step("2027-02-11 09:00", "D5", "request_supplement", ["Tờ khai"], "Thiếu lần hai")
    site.step("2027-02-11 09:05", "D4", "supplemented")  # due 12/2, 15/2, 16/2 → Tue 16/2 16:00
    site.step("2027-02-11 15:00", "D2", "result_ready", "Đã ký")  # 11/2 15:00 ≤ 16:00, same day: on time
    site.step("2027-02-12 08:00", "D5", "supplemented")  # due 15/2, 16/2, 17/2
    site.receive("2027-02-12 09:00", "D6", code="1.004873", channel="postal")  # due 15, 16, 17/2
    site.step("2027-02-12 10:00", "D5", "result_ready", "Đã ký")  # early by date; two supplements: late
    site.step("2027-02-15 09:00", "D3", "result_ready", "Đã ký")  # after Fri 12/2 16:00: late
    site.step("2027-02-16 10:00", "D4", "result_ready", "Đã ký")  # after the period; due 16/2: on time


@pytest.fixture
def seeded(app, monkeypatch):
    site = Site(app, monkeypatch)
    seed(site)
    at(monkeypatch, "2027-02-16 11:00")
    return site


def scope_of(app, start: date, end: date) -> Scope:
    with app.app_context():
        return Scope((current_site().id,), start, end)


def test_a_period_across_tet(app, seeded):
    scope = scope_of(app, date(2027, 2, 1), date(2027, 2, 15))
    with app.app_context():
        figures = dossier_figures(scope)
        assert figures.received == 7
        # Finished in the period: D1 early, D2 on time, D3 late, D5 late (two supplement requests).
        assert (figures.finished, figures.early, figures.on_time, figures.late) == (4, 1, 1, 2)
        # Open at the period's end (16/2 00:00): D4 (due 16/2) and D6 (due 17/2) in time; D7 late.
        assert figures.open_in_time == 2
        assert figures.by_channel == {"in_person": 5, "postal": 1, "online": 1}
        assert (figures.supplemented, figures.transferred) == (2, 6)
        # Filled Mẫu 01 fields: name, address, phone = 3 a dossier, 21 in all; D1 had 2 offered.
        assert (figures.fields_prefilled, figures.fields_typed) == (2, 19)
        assert figures.reuse_share == pytest.approx(2 / 21)
        assert (figures.digitised, figures.digitised_share) == (0, 0)
        # Now (16/2 11:00) only D7 runs past its date: 11/2 → 12/2, 15/2, 16/2 = 3 working days late.
        [overdue] = figures.overdue_now
        assert (overdue.code, overdue.days_late, overdue.apologised) == (code(seeded, "D7"), 3, False)
        rows = {(row.procedure_code, row.received, row.finished, row.on_time_or_early, row.late)
                for row in figures.by_field}
        assert rows == {("1.004859", 6, 4, 2, 2), ("1.004873", 1, 0, 0, 0)}

        behind = {key: sorted(line.code for line in dossiers_behind(scope, key))
                  for key in ("late", "early", "open_in_time", "overdue_now", "supplemented", "postal")}
        assert behind == {"late": codes(seeded, "D3", "D5"), "early": codes(seeded, "D1"),
                          "open_in_time": codes(seeded, "D4", "D6"), "overdue_now": codes(seeded, "D7"),
                          "supplemented": codes(seeded, "D4", "D5"), "postal": codes(seeded, "D6")}
        missed = sorted(line.code for line in dossiers_behind(scope, "2.1:missed"))
        assert missed == codes(seeded, "D3", "D5", "D7")
        with pytest.raises(DomainError):
            dossiers_behind(scope, "9.9")

        indicators = {item.key: item for group in indicator_report(scope).groups for item in group.indicators}
        # 2.1: (finished on time or early 2 + open in time 2) / (finished 4 + open 3) = 4/7.
        assert (indicators["2.1"].numerator, indicators["2.1"].denominator) == (4, 7)
        assert indicators["2.1"].score == pytest.approx(round(20 * 4 / 7, 2))
        # 3.3: 1 online of 7, target 50 %: 6 points × (1/7)/0.5.
        assert indicators["3.3"].score == pytest.approx(round(6 * (1 / 7) / 0.5, 2))
        # 4.3: 1 of 7 reused a field.
        assert (indicators["4.3"].numerator, indicators["4.3"].denominator) == (1, 7)
        # 1.4: nothing pushed to central in a test.
        assert (indicators["1.4"].numerator, indicators["1.4"].ratio) == (0, 0)
        assert indicators["3.6"].available is False and indicators["3.6"].score is None


def test_a_later_period_judges_what_was_open(app, seeded):
    """16/2 alone: D4 finished on its due date (on time, not early); D7 is still open and late."""
    scope = scope_of(app, date(2027, 2, 16), date(2027, 2, 16))
    with app.app_context():
        figures = dossier_figures(scope)
    assert (figures.received, figures.finished, figures.on_time) == (0, 1, 1)
    assert (figures.early, figures.late) == (0, 0)
    assert figures.open_in_time == 1  # D6, due 17/2; D7 counts open but late


def test_an_empty_period_has_zeros_and_no_shares(app):
    scope = scope_of(app, date(2020, 1, 1), date(2020, 1, 31))
    with app.app_context():
        figures = dossier_figures(scope)
        report = indicator_report(scope)
    assert (figures.received, figures.finished, figures.late, figures.open_in_time) == (0, 0, 0, 0)
    assert figures.by_channel == {"in_person": 0, "postal": 0, "online": 0}
    assert (figures.digitised_share, figures.reuse_share) == (None, None)
    assert report.total_score == 0 and report.max_available == 0
    assert all(item.score is None for group in report.groups for item in group.indicators)


def code(site: Site, name: str) -> str:
    return db.session.get(Dossier, site.codes[name]).code


def codes(site: Site, *names: str) -> list[str]:
    return sorted(code(site, name) for name in names)


@pytest.mark.parametrize(("args", "message"), [
    ({"from": "31/02/2027"}, "Ngày không hợp lệ"),
    ({"from": "01/01/0001"}, "Ngày không hợp lệ"),  # its UTC start would be before year 1
    ({"to": "31/12/9999"}, "Ngày không hợp lệ"),
    ({"from": "15/02/2027", "to": "01/02/2027"}, "phải trước hoặc bằng"),
    ({"from": "01/01/2026", "to": "01/03/2027"}, "tối đa là {days} ngày"),
    ({"period": "year"}, "Khoảng thời gian không hợp lệ"),
])
def test_parse_scope_refuses_bad_input(args, message):
    with pytest.raises(DomainError) as refused:
        parse_scope(args, None, today=date(2027, 2, 16))
    assert message in refused.value.message


def test_parse_scope_reads_dates_and_shortcuts():
    today = date(2027, 2, 17)  # a Wednesday
    assert parse_scope({"from": "01/02/2027", "to": "2027-02-15"}, None, today=today) == \
        Scope(None, date(2027, 2, 1), date(2027, 2, 15))
    assert parse_scope({}, None, today=today).label == "17/02/2027"
    week = parse_scope({"period": "week"}, None, today=today)
    assert (week.start, week.end, week.days) == (date(2027, 2, 15), date(2027, 2, 21), 7)
    month = parse_scope({"period": "month"}, "site", today=today)
    assert (month.site_ids, month.label) == (("site",), "01/02/2027 – 28/02/2027")


def test_a_walk_over_the_sites_rows_counts_as_the_look_ups_by_id_do(app, seeded, monkeypatch):
    """A long period reads the site's steps, scans and receipt events in one walk (from the earliest
    receipt on) instead of by id: both ways give the same figures."""
    from domain.figures import dashboard, facts, indicators, tickets

    scope = scope_of(app, date(2027, 2, 1), date(2027, 2, 15))
    with app.app_context():
        by_id = dashboard(scope)
        for module, name in ((facts, "FEW"), (indicators, "FEW"), (tickets, "FEW_TICKETS")):
            monkeypatch.setattr(module, name, 0)
        assert dashboard(scope) == by_id
