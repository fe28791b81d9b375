"""Values from forms and URLs, checked where they enter: each refusal says in Vietnamese what is wrong.

Views call these before any domain operation, so what reaches the database fits its column and
what reaches arithmetic is in range. Text arrives NFC-normalised (motcua.web.NfcRequest); here it is
also refused when it holds what no real value holds: control characters, surrogates, private-use or
unassigned code points, a combining mark with no letter before it, or (in a person's name) digits
and symbols. Lengths come from the model's String(n), so a form can never hold more than its column.
Numbers take ASCII digits only: Python's int() also reads "١٢" and "²"-like digits, which no one types
at a counter on purpose. Why this and not WTForms: see docs/validation.md.
"""

import re
import unicodedata
import uuid
from datetime import date, datetime
from urllib.parse import SplitResult, urlsplit

from . import DomainError

EARLIEST_DAY = date(1900, 1, 1)  # birth dates of living citizens; nothing the site handles is older
LATEST_DAY = date(2099, 12, 31)  # calendars and appointments; keeps date arithmetic far from year 9999
MAX_FEE = 999_999_999_999  # VND; fits SQLite's INTEGER and a JSON number read by any client
DIGITS = re.compile(r"[0-9]+", re.ASCII)
GROUPED = re.compile(r"[0-9]{1,3}(?:[., ][0-9]{3})+", re.ASCII)  # 15.000, 15,000, 15 000
NAME_PUNCTUATION = set(" '-.’")
ALLOWED_FORMAT = {"\u200c", "\u200d"}  # joiners inside emoji and some scripts; no bidi overrides
BAD_TEXT = ("{label} có ký tự không hợp lệ (ký tự điều khiển, ký tự riêng hoặc dấu thanh đứng một mình). "
            "Hãy gõ lại bằng bàn phím.")


class InvalidInput(DomainError):
    """A value refused at the boundary; `field` names the form field (empty for the whole request)."""

    status = 422

    def __init__(self, message: str, field: str = "", **params):
        super().__init__(message, **params)
        self.field = field


def column_length(column) -> int:
    """The n of a String(n) model attribute, e.g. column_length(Dossier.applicant_name) == 120."""
    return column.property.columns[0].type.length


def bad_character(value: str, multiline: bool = False) -> str | None:
    """The first character no real typed value holds, or None."""
    previous = ""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in "\r\n\t"):
            return char
        if category in ("Cs", "Co", "Cn") or (category == "Cf" and char not in ALLOWED_FORMAT):
            return char
        if category.startswith("M") and (not previous or unicodedata.category(previous)[0] not in "LMN"):
            return char  # a tone mark typed on nothing: a broken input method or a pasted fragment
        previous = char
    return None


def text(value, label: str, limit: int, *, field: str = "", required: bool = False,
         multiline: bool = False) -> str:
    """Whitespace tidied (lines kept when multiline), then refused if empty, too long or not real text."""
    value = str(value or "")
    if multiline:
        value = "\n".join(" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")).strip()
    else:
        value = " ".join(value.split())
    if bad_character(value, multiline) is not None:
        raise InvalidInput(BAD_TEXT, field, label=label)
    if required and not value:
        raise InvalidInput("Hãy nhập {label}.", field, label=label)
    if len(value) > limit:
        raise InvalidInput("{label} dài quá {n} ký tự (đang có {length}).", field, label=label, n=limit,
                           length=len(value))
    return value


def person_name(value, label: str, limit: int, *, field: str = "", required: bool = True) -> str:
    """A person's name: letters (any script), spaces, apostrophes, hyphens and dots, at least one letter."""
    name = text(value, label, limit, field=field, required=required)
    letters = [c for c in name if unicodedata.category(c)[0] == "L"]
    odd = [c for c in name if c not in NAME_PUNCTUATION and unicodedata.category(c)[0] not in "LM"]
    if name and (odd or not letters):
        raise InvalidInput("{label} chỉ gồm chữ cái, dấu cách, dấu nháy và dấu gạch nối.", field, label=label)
    return name


def whole(value, label: str, low: int, high: int, *, field: str = "", default: int | None = None,
          grouped: bool = False) -> int:
    """A whole number in [low, high] written in ASCII digits (money may be grouped: 15.000)."""
    raw = str(value if value is not None else "").strip()
    if not raw and default is not None:
        return default
    shape = DIGITS.fullmatch(raw) or (grouped and GROUPED.fullmatch(raw))
    # Compare lengths first: int() of a 5,000-digit string is refused by Python itself.
    number = int(re.sub(r"[^0-9]", "", raw)) if shape and len(raw) <= 24 else None
    if number is None or not low <= number <= high:
        raise InvalidInput("{label} phải là số nguyên từ {low} đến {high} (chỉ gồm chữ số 0–9).", field,
                           label=label, low=f"{low:,}".replace(",", "."), high=f"{high:,}".replace(",", "."))
    return number


def day(value, label: str, *, field: str = "", earliest: date = EARLIEST_DAY,
        latest: date = LATEST_DAY) -> date | None:
    """dd/mm/yyyy (screens) or yyyy-mm-dd (date inputs) within [earliest, latest]; empty is None."""
    raw = str(value or "").strip()
    if not raw:
        return None
    parsed = None
    if raw.isascii() and len(raw) <= 10:
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                parsed = datetime.strptime(raw, pattern).date()
                break
            except ValueError:
                continue
    if parsed is None:
        raise InvalidInput("{label} “{text}” không đúng dạng dd/mm/yyyy.", field, label=label, text=raw[:40])
    if not earliest <= parsed <= latest:
        raise InvalidInput("{label} phải trong khoảng {earliest} đến {latest}.", field, label=label,
                           earliest=f"{earliest:%d/%m/%Y}", latest=f"{latest:%d/%m/%Y}")
    return parsed


def split_url(value: str) -> SplitResult | None:
    """urlsplit that answers None for what cannot be a URL (a broken "[" host, a port over 65535)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError:
        return None
    return parts


def uuid_or_none(value) -> uuid.UUID | None:
    """A UUID from a form or path, None if it is not one (callers answer 404 or a message)."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None
