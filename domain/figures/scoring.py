"""Circular 01/2018/TT-VPCP per-dossier scoring, and the officer and unit grades (domain.md §6).

Each dossier finished in the period is scored on the indices the data allows, 2 / 1 / 0 each; the
others are None ("không có dữ liệu"). A dossier's total is then scaled to the points its indices
could earn (max_total): the unit's grade is the mean over its dossiers scaled to 18 points (9 indices
× 2), the bands of Art. 15; an officer's grade (the officer who received the dossier) is scaled to 6
points (3 indices × 2), the range the staff thresholds 5 and 3.5 are written for. docs/figures.md §5.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from domain.collation import vi_key as sort_key
from models import ReceptionPoint, StaffUser
from motcua.extensions import db

from .facts import Facts, load_facts
from .links import feedback_by_dossier, ratings_by_dossier
from .types import DossierScore, Grade, Scope

INDICES = {  # key → Vietnamese name (Circular 01/2018 Art. 13), in order
    "time": "Thời gian giải quyết so với thời hạn",
    "agencies_time": "Thời gian của từng cơ quan tham gia giải quyết",
    "contacts": "Số lần phải liên hệ để hoàn thiện hồ sơ",
    "agencies": "Số cơ quan phải liên hệ",
    "publicity": "Công khai thủ tục hành chính",
    "online": "Thực hiện dịch vụ công trực tuyến",
    "cost": "Chi phí ngoài quy định",
    "feedback": "Tiếp nhận, xử lý phản ánh, kiến nghị",
    "satisfaction": "Mức độ hài lòng của người dân",
}
UNIT_POINTS = 18
STAFF_POINTS = 6
SENTIMENT_POINTS = {"satisfied": 2, "neutral": 1, "dissatisfied": 0}
FEEDBACK_POINTS = {"answered": 1, "open": 1, "late": 0}  # none about the dossier: 2
UNIT_BANDS = ((15, "Xuất sắc"), (12, "Tốt"), (9, "Khá"), (6, "Trung bình"), (0, "Yếu"))
STAFF_BANDS = ((5, "Hoàn thành 100% nhiệm vụ"), (3.5, "Hoàn thành từ 70% đến dưới 100% nhiệm vụ"),
               (0, "Hoàn thành dưới 70% nhiệm vụ"))


def scores_from(facts: Facts) -> list[DossierScore]:
    ratings = ratings_by_dossier(facts)
    feedback = feedback_by_dossier(facts)
    scores = []
    for row in facts.rows:
        if not row.finished:
            continue
        indices = dict.fromkeys(INDICES)
        indices["time"] = 0 if row.late else 2 if row.early else 1
        indices["contacts"] = max(0, 2 - row.supplements)
        indices["feedback"] = FEEDBACK_POINTS[feedback[row.id]] if row.id in feedback else 2
        if row.id in ratings:
            indices["satisfaction"] = SENTIMENT_POINTS[ratings[row.id]]
        known = [value for value in indices.values() if value is not None]
        scores.append(DossierScore(row.id, row.code or "", row.received_by_id, indices, sum(known),
                                   2 * len(known)))
    return scores


def _band(score: float | None, bands) -> str | None:
    if score is None:
        return None
    return next(label for floor, label in bands if score >= floor)


def _scaled(scores: list[DossierScore], points: int) -> float | None:
    scaled = [score.total / score.max_total * points for score in scores if score.max_total]
    return round(sum(scaled) / len(scaled), 2) if scaled else None


def officer_grades_from(scores: list[DossierScore]) -> list[Grade]:
    by_officer = defaultdict(list)
    for score in scores:
        if score.officer_id is not None:
            by_officer[score.officer_id].append(score)
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.full_name)
                                    .where(StaffUser.id.in_(list(by_officer)))).all()) if by_officer else {}
    grades = []
    for officer_id, own in by_officer.items():
        value = _scaled(own, STAFF_POINTS)
        grades.append(Grade(names.get(officer_id, "—"), value, _band(value, STAFF_BANDS), len(own),
                            officer_id))
    return sorted(grades, key=lambda grade: sort_key(grade.subject))


def unit_grade_from(scope: Scope, scores: list[DossierScore]) -> Grade:
    if scope.site_ids is not None and len(scope.site_ids) == 1:
        name = db.session.scalar(select(ReceptionPoint.name).where(ReceptionPoint.id == scope.site_ids[0]))
        subject_id = scope.site_ids[0]
    else:
        name, subject_id = "Toàn tỉnh" if scope.site_ids is None else "Các điểm tiếp nhận đã chọn", None
    value = _scaled(scores, UNIT_POINTS)
    return Grade(name or "—", value, _band(value, UNIT_BANDS), len(scores), subject_id)


def dossier_scores(scope: Scope, now: datetime | None = None) -> list[DossierScore]:
    return scores_from(load_facts(scope, now))


def officer_grades(scope: Scope, now: datetime | None = None) -> list[Grade]:
    return officer_grades_from(dossier_scores(scope, now))


def unit_grade(scope: Scope, now: datetime | None = None) -> Grade:
    return unit_grade_from(scope, dossier_scores(scope, now))
