"""Rule sets in force by date: form numbers and titles changed on 1/7/2025.

A dossier keeps the rule set in force on the day it was received (domain.md §0, §2.1).
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RuleSet:
    code: str
    effective_from: date
    basis: str
    forms: dict = field(default_factory=dict)  # kind -> (number, title)

    def form(self, kind: str) -> tuple[str, str]:
        return self.forms[kind]


RULE_SETS = (
    RuleSet(
        "2018",
        date(2019, 1, 6),
        "Nghị định 61/2018/NĐ-CP; Thông tư 01/2018/TT-VPCP",
        {
            "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            "apology": ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
            "control": ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
            "log": ("06", "SỔ THEO DÕI HỒ SƠ"),
        },
    ),
    RuleSet(
        "2025",
        date(2025, 7, 1),
        "Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP",
        {
            "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            "supplement": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            "apology": ("04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
            "stop": ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
            "control": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
            "log": ("07", "SỔ THEO DÕI HỒ SƠ"),
        },
    ),
)
BY_CODE = {rules.code: rules for rules in RULE_SETS}


def in_force(versions, day: date):
    """Of versions ordered by `effective_from`, the one in force on `day` (the first before any)."""
    current = versions[0]
    for version in versions:
        if version.effective_from <= day:
            current = version
    return current


def rules_in_force(day: date) -> RuleSet:
    """The rule set a dossier received on `day` follows."""
    return in_force(RULE_SETS, day)


def rule_set(code: str) -> RuleSet:
    return BY_CODE[code]
