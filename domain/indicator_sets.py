"""Versioned sets of the official service-quality indicators, in force by date (like domain.rules).

A set names its groups (weight in points out of 100) and the indicators computed locally, each with
its share of the group's points and its target: sub-score = points × min(1, ratio / target)
(domain.md §4). INDICATOR_SET (config) picks a set by code; None = the set in force on the scope's
last day. How each ratio is counted: domain/figures/indicators.py and docs/figures.md §4.
"""

from dataclasses import dataclass
from datetime import date

from .rules import in_force


@dataclass(frozen=True)
class IndicatorDef:
    key: str  # "2.1"
    name: str
    points: float  # of its group's weight
    target: float | None  # None: shown, not scored
    available: bool = True  # False: the data does not exist locally (shown as such, never scored)
    note: str | None = None


@dataclass(frozen=True)
class GroupDef:
    key: str
    name: str
    weight: float
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class IndicatorSet:
    code: str
    effective_from: date
    basis: str
    groups: tuple[GroupDef, ...]


INDICATOR_SETS = (
    IndicatorSet("766-2022", date(2022, 6, 23), "Quyết định 766/QĐ-TTg ngày 23/6/2022", (
        GroupDef("transparency", "Công khai, minh bạch", 18, (
            IndicatorDef("1.4", "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", 18, 1.0,
                         note="Ước tính: hồ sơ đã gửi lên máy chủ trung tâm."),)),
        GroupDef("progress", "Tiến độ, kết quả giải quyết", 20, (
            IndicatorDef("2.1", "Hồ sơ giải quyết đúng hạn và còn trong hạn", 20, 1.0),
            IndicatorDef("2.2", "Thời gian giải quyết trung bình (ngày)", 0, None,
                         note="Chỉ để theo dõi, không tính điểm."))),
        GroupDef("online", "Cung cấp dịch vụ trực tuyến", 12, (
            IndicatorDef("3.1", "Thủ tục cung cấp dịch vụ công trực tuyến", 6, 0.8, available=False,
                         note="Không có dữ liệu tại điểm tiếp nhận."),
            IndicatorDef("3.3", "Hồ sơ nộp trực tuyến", 6, 0.5))),
        GroupDef("payment", "Thanh toán trực tuyến", 10, (
            IndicatorDef("3.6", "Hồ sơ thanh toán trực tuyến", 10, 0.8, available=False,
                         note="Không có dữ liệu thanh toán trực tuyến."),)),
        GroupDef("digitisation", "Số hóa hồ sơ", 22, (
            IndicatorDef("4.1", "Hồ sơ có kết quả điện tử", 22 / 3, 0.8,
                         note="Ước tính: hồ sơ có kết quả và có bản quét."),
            IndicatorDef("4.2", "Hồ sơ được số hóa", 22 / 3, 0.8),
            IndicatorDef("4.3", "Hồ sơ tái sử dụng dữ liệu đã có", 22 / 3, 0.8))),
        GroupDef("satisfaction", "Mức độ hài lòng", 18, (
            IndicatorDef("5.2", "Phản ánh, kiến nghị xử lý đúng hạn", 6, 1.0),
            IndicatorDef("5.3", "Phản ánh, kiến nghị không quá hạn", 6, 1.0,
                         note="Ước tính: chưa có đánh giá của người dân về câu trả lời."),
            IndicatorDef("5.4", "Mức độ hài lòng trong giải quyết thủ tục hành chính", 6, 0.9))),
    )),
)
BY_CODE = {indicator_set.code: indicator_set for indicator_set in INDICATOR_SETS}


def set_in_force(day: date) -> IndicatorSet:
    return in_force(INDICATOR_SETS, day)


def indicator_set(code: str | None, day: date) -> IndicatorSet:
    """The set named `code` (config INDICATOR_SET), or the one in force on `day`."""
    if code:
        if code not in BY_CODE:
            from domain import DomainError

            raise DomainError("Không có bộ chỉ số “{code}”.", code=code)
        return BY_CODE[code]
    return set_in_force(day)
