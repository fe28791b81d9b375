"""Ratings on three scales, PAKN answered on time / late / rejected / still open past due, the 766
satisfaction indicators and the Circular 01/2018 scoring, over February 2027 (the dossiers of
test_figures_dossiers); every number worked out by hand."""

from datetime import date

import pytest
from sqlalchemy import select

from domain import feedback as pakn
from domain import lifecycle
from domain.figures import (
    Scope,
    dashboard,
    dossier_scores,
    indicator_report,
    officer_grades,
    satisfaction_figures,
    unit_grade,
)
from domain.ratings import record_rating
from domain.site import current_site
from models import Dossier, Feedback, StaffUser
from motcua.extensions import db

from .test_figures_dossiers import Site as Dossiers
from .test_figures_dossiers import at, seed


class Site(Dossiers):
    def returned_and_rated(self, when, name, scale, level, username, reasons=()):
        def operation(site, officer):
            dossier = db.session.get(Dossier, self.codes[name])
            lifecycle.return_result(site, dossier, officer, "applicant", True)
            rater = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
            record_rating(site, level=level, channel="counter_screen", dossier=dossier, officer_id=rater.id,
                          reasons=reasons, scale=scale)
        self.do(when, operation)

    def feedback(self, when, name, about=""):
        code = db.session.get(Dossier, self.codes[about]).code if about else ""
        self.codes[name] = self.do(when, lambda site, officer: pakn.submit_feedback(
            site, channel="counter", kind="phan_anh", topic="delay", content="Chậm trả kết quả",
            dossier_code=code, officer=officer).id)

    def close(self, when, name, how):
        def operation(site, officer):
            row = db.session.get(Feedback, self.codes[name])
            getattr(pakn, f"{how}_feedback")(site, row, officer, "Đã xem xét và trả lời.")
        self.do(when, operation)


@pytest.fixture
def february(app, monkeypatch):
    site = Site(app, monkeypatch)
    seed(site)
    with app.app_context():
        site.returned_and_rated("2027-02-16 11:10", "D1", 3, 3, "canbo1")  # Rất hài lòng: satisfied
        # D2 on a 5-level scale, level 1: dissatisfied.
        site.returned_and_rated("2027-02-16 11:15", "D2", 5, 1, "canbo1", ["wait", "attitude"])
        site.returned_and_rated("2027-02-16 11:20", "D3", 4, 2, "giamsat", ["wait"])  # Bình thường: neutral
        site.feedback("2027-02-16 13:00", "P1", about="D3")  # due 9/3 17:00 (15 working days)
        site.feedback("2027-02-16 13:30", "P2")  # due 9/3 17:00
        site.feedback("2027-02-17 09:00", "P3")  # due 10/3 17:00; never answered
        site.feedback("2027-02-17 09:30", "P4")  # to be rejected within 2 working days (19/2)
        site.close("2027-02-18 10:00", "P1", "answer")  # on time
        site.close("2027-02-18 10:30", "P4", "reject")  # on time
        site.close("2027-03-10 09:00", "P2", "answer")  # after 9/3 17:00: late
    at(monkeypatch, "2027-03-12 10:00")  # P3 is now open past its date
    return site


def scope_of(app):
    with app.app_context():
        return Scope((current_site().id,), date(2027, 2, 1), date(2027, 2, 28))


def test_ratings_and_pakn(app, february):
    scope = scope_of(app)
    with app.app_context():
        figures = satisfaction_figures(scope)
    assert (figures.ratings, figures.scale) == (3, 3)
    # The site's scale has 3 levels; D2 (5-level scale) and D3 (4-level) count by sentiment only.
    assert [(level.label, level.count) for level in figures.levels] == \
        [("Rất hài lòng", 1), ("Hài lòng", 0), ("Không hài lòng", 0)]
    assert figures.levels[0].share == pytest.approx(1 / 3)
    assert figures.by_sentiment == {"satisfied": 1, "neutral": 1, "dissatisfied": 1}
    assert figures.satisfied_share == pytest.approx(1 / 3)
    assert figures.reasons == [("wait", "Chờ lâu", 2), ("attitude", "Thái độ chưa tốt", 1)]
    assert [(row.name, row.ratings, row.satisfied_share) for row in figures.officers] == \
        [("Nguyễn Văn Tiếp Nhận", 2, 0.5), ("Trần Thị Giám Sát", 1, 0.0)]
    feedback = figures.feedback
    assert (feedback.received, feedback.open, feedback.late_open) == (4, 1, 1)
    assert (feedback.answered_on_time, feedback.answered_late, feedback.rejected) == (1, 1, 1)


def test_satisfaction_indicators(app, february):
    scope = scope_of(app)
    with app.app_context():
        report = indicator_report(scope)
    indicators = {item.key: item for group in report.groups for item in group.indicators}
    # 5.2: closed on time P1, P4 = 2 / (closed 3 + open past due 1) = 0.5 → 6 × 0.5.
    five_two = indicators["5.2"]
    assert (five_two.numerator, five_two.denominator, five_two.score) == (2, 4, 3.0)
    # 5.3: (4 − P2 late − P3 past due) / 4 = 0.5 → 3 points.
    assert (indicators["5.3"].numerator, indicators["5.3"].score) == (2, 3.0)
    # 5.4 = 1 − late share − complaint share. Judged at 1/3: finished D1, D2, D3 (late), D4, D5 (late);
    # open D6 (due 17/2: late), D7 (late) → 4 late of 7. Complained about: D2 (dissatisfied), D3 (PAKN)
    # → 2 of 7 received. 1 − 4/7 − 2/7 = 1/7; target 90 % → 6 × (1/7) / 0.9 = 0.95.
    assert indicators["5.4"].ratio == pytest.approx(1 / 7)
    assert indicators["5.4"].score == 0.95
    [satisfaction] = [group for group in report.groups if group.key == "satisfaction"]
    assert satisfaction.score == pytest.approx(3.0 + 3.0 + 0.95)
    assert report.estimate_label == "ước tính" and report.set_code == "766-2022"


def test_circular_01_scoring(app, february):
    scope = scope_of(app)
    with app.app_context():
        scores = {db.session.get(Dossier, score.dossier_id).code: score for score in dossier_scores(scope)}
        names = {name: db.session.get(Dossier, february.codes[name]).code
                 for name in ("D1", "D2", "D3", "D4", "D5")}
        officers, unit = officer_grades(scope), unit_grade(scope)
        whole = dashboard(scope)
    by_name = {name: scores[code] for name, code in names.items()}
    # D1: early 2, no supplement 2, no PAKN 2, satisfied 2 = 8 / 8.
    assert (by_name["D1"].total, by_name["D1"].max_total) == (8, 8)
    assert by_name["D1"].indices["agencies"] is None  # không có dữ liệu
    # D2: on time 1, 2, 2, dissatisfied 0 = 5 / 8. D3: late 0, 2, PAKN answered 1, neutral 1 = 4 / 8.
    assert [(by_name[n].total, by_name[n].max_total) for n in ("D2", "D3")] == [(5, 8), (4, 8)]
    # D4: on time 1, one supplement 1, 2, no rating = 4 / 6. D5: late 0, two supplements 0, 2 = 2 / 6.
    assert [(by_name[n].total, by_name[n].max_total) for n in ("D4", "D5")] == [(4, 6), (2, 6)]
    assert set(scores) == set(names.values())  # D6, D7 are not finished
    # Unit, on 18: 18, 11.25, 9, 12, 6 → 11.25: Khá. Officer canbo1 received all five, on 6:
    # 6, 3.75, 3, 4, 2 → 3.75: 70 % to under 100 %.
    assert (unit.score, unit.band, unit.dossiers) == (11.25, "Khá", 5)
    assert [(grade.subject, grade.score, grade.band) for grade in officers] == \
        [("Nguyễn Văn Tiếp Nhận", 3.75, "Hoàn thành từ 70% đến dưới 100% nhiệm vụ")]
    assert whole.unit_grade == unit and whole.officer_grades == officers
    assert whole.dossiers.received == 7 and whole.satisfaction.ratings == 3


def test_an_empty_period(app):
    with app.app_context():
        scope = Scope((current_site().id,), date(2020, 1, 1), date(2020, 1, 31))
        figures, whole = satisfaction_figures(scope), dashboard(scope)
    assert (figures.ratings, figures.satisfied_share, figures.reasons, figures.officers) == (0, None, [], [])
    assert [level.share for level in figures.levels] == [None, None, None]
    assert figures.feedback.received == 0
    assert (whole.unit_grade.score, whole.unit_grade.band, whole.officer_grades) == (None, None, [])


def test_a_walk_over_the_sites_rows_counts_as_the_look_ups_by_id_do(app, february, monkeypatch):
    from domain.figures import dashboard, facts, indicators, tickets

    with app.app_context():
        scope = scope_of(app)
        by_id = dashboard(scope)
        for module, name in ((facts, "FEW"), (indicators, "FEW"), (tickets, "FEW_TICKETS")):
            monkeypatch.setattr(module, name, 0)
        assert dashboard(scope) == by_id
