"""Read the QR code on a chip citizen ID card (CCCD) as a keyboard-wedge scanner types it.

Layout, documented by developers rather than by an official spec (domain.md §7):
    id(12)|old CMND (9 or 12, may be empty)|full name|DOB ddmmyyyy|Nam/Nữ|address|issue date ddmmyyyy

The scan is personal data: errors never carry the ID number, and a card's repr masks it.
`CardParseError.field` is "payload" (no `|`: not a CCCD code), "field_count", or the
`CitizenCard` attribute that failed.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from . import DomainError
from .clock import business_date

SEPARATOR = "|"
EARLIEST_BIRTH = date(1900, 1, 1)
GENDERS = {"nam": ("male", "Nam"), "nữ": ("female", "Nữ")}
_CARD_START = re.compile(r"\s*[0-9]{12}\|")
_ASCII_DIGITS = re.compile(r"[0-9]*")
_DATE_MESSAGES = {
    # (not eight digits: never echoed, it may be another field; eight digits but not an allowed date)
    "date_of_birth": ("Ngày sinh trên mã QR không hợp lệ.", "Ngày sinh “{value}” không hợp lệ."),
    "issue_date": ("Ngày cấp trên mã QR không hợp lệ.", "Ngày cấp “{value}” không hợp lệ."),
}


class CardParseError(DomainError):
    """A scan that is not a readable CCCD; `message` is Vietnamese for the officer, `field` says where."""

    status = 422

    def __init__(self, message: str, field: str, **params):
        super().__init__(message, **params)
        self.args = (message.format(**params),)
        self.field = field


@dataclass(frozen=True, repr=False)
class CitizenCard:
    id_number: str  # số định danh cá nhân
    old_id_number: str | None  # số CMND cũ
    full_name: str
    date_of_birth: date
    gender: str  # "male" or "female"
    gender_label: str  # "Nam" or "Nữ", as the forms print it
    address: str  # nơi thường trú, raw: pre-2025 administrative names
    issue_date: date | None
    extra: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"CitizenCard(id_number={mask_id(self.id_number)!r}, ...)"


def mask_id(number: str) -> str:
    """Hide all but the last four digits of an ID number, for logs and messages."""
    return "*" * max(0, len(number) - 4) + number[-4:]


def looks_like_card_payload(text: str | None) -> bool:
    """Tell a scanned CCCD code from typing: twelve digits and a `|`, five separators or more."""
    return bool(text) and text.count(SEPARATOR) >= 5 and _CARD_START.match(text) is not None


def parse_card(text: str, *, today: date | None = None) -> CitizenCard:
    """Parse a scanned CCCD payload, or raise CardParseError naming the field that is wrong."""
    fields = _split(text)
    today = today or business_date()
    id_number = _digits(fields[0], (12,), "id_number", "Số định danh cá nhân phải có đúng 12 chữ số.")
    old_id = _digits(fields[1], (0, 9, 12), "old_id_number", "Số CMND cũ phải có 9 hoặc 12 chữ số.")
    full_name = " ".join(fields[2].split())
    if not full_name:
        raise CardParseError("Mã QR không có họ và tên.", "full_name")
    born = _date(fields[3], "date_of_birth", EARLIEST_BIRTH, today)
    gender, gender_label = _gender(fields[4])
    issued = _date(fields[6], "issue_date", born, today) if len(fields) > 6 and fields[6] else None
    return CitizenCard(
        id_number=id_number,
        old_id_number=old_id or None,
        full_name=full_name,
        date_of_birth=born,
        gender=gender,
        gender_label=gender_label,
        address=fields[5],
        issue_date=issued,
        extra=tuple(fields[7:]),
    )


def _split(text: str) -> list[str]:
    # Scanners and Unikey may send decomposed (NFD) Vietnamese; compare and store composed text.
    text = unicodedata.normalize("NFC", text or "").strip()
    if SEPARATOR not in text:
        raise CardParseError("Mã QR không phải của thẻ Căn cước công dân.", "payload")
    fields = [field.strip() for field in text.split(SEPARATOR)]
    if len(fields) < 6:
        raise CardParseError(
            "Mã QR chỉ có {count} trường thông tin, thẻ Căn cước công dân có ít nhất 6. Vui lòng quét lại.",
            "field_count",
            count=len(fields),
        )
    return fields


def _digits(value: str, lengths: tuple[int, ...], field: str, message: str) -> str:
    # Not str.isdigit(): it also accepts digits such as "١" or fullwidth "１".
    if len(value) not in lengths or not _ASCII_DIGITS.fullmatch(value):
        raise CardParseError(message, field)
    return value


def _date(raw: str, field: str, earliest: date, latest: date) -> date:
    shape_message, value_message = _DATE_MESSAGES[field]
    if len(raw) != 8 or not _ASCII_DIGITS.fullmatch(raw):
        raise CardParseError(shape_message, field)
    try:
        value = date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        value = None
    if value is None or not earliest <= value <= latest:
        raise CardParseError(value_message, field, value=raw)
    return value


def _gender(raw: str) -> tuple[str, str]:
    try:
        return GENDERS[raw.casefold()]
    except KeyError:
        raise CardParseError("Giới tính phải là “Nam” hoặc “Nữ”.", "gender") from None


# The 4th digit of a 12-digit personal ID codes century and gender (Circular 59/2021/TT-BCA, Art. 7):
# 0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th; the 5th and 6th
# digits are the last two of the birth year.
FIRST_CENTURY = 1900


@dataclass(frozen=True)
class IdMismatch:
    """What a personal ID number says against what the officer entered; both empty when they agree."""

    birth_year: int | None = None  # the year (or century) the number implies, when it contradicts
    gender: str = ""  # "Nam" or "Nữ" as the number implies, when it contradicts

    def __bool__(self) -> bool:
        return self.birth_year is not None or bool(self.gender)


def id_mismatch(id_number: str, born: date | None, gender: str) -> IdMismatch:
    """Compare a 12-digit ID number's century/gender and year digits with the birth date and gender.

    Nothing to compare (no date, no gender, not 12 ASCII digits) is no mismatch: only a contradiction
    is reported, and it is a warning for the officer to compare with the card, never a refusal.
    """
    if len(id_number or "") != 12 or not _ASCII_DIGITS.fullmatch(id_number):
        return IdMismatch()
    code, year_digits = int(id_number[3]), int(id_number[4:6])
    implied_year = FIRST_CENTURY + 100 * (code // 2) + year_digits
    year = implied_year if born is not None and born.year != implied_year else None
    label = GENDERS.get(" ".join((gender or "").split()).casefold(), (None, ""))[1]
    implied_label = ("Nam", "Nữ")[code % 2]
    return IdMismatch(birth_year=year, gender=implied_label if label and label != implied_label else "")
