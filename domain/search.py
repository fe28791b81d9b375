"""Find a citizen's dossiers at this reception point: by code, name, ID number or phone.

A citizen who lost the receipt gives the officer whatever they remember: the code or its last digits
("0012"), the name (typed with or without diacritics), the 12-digit ID number, or the phone number
however written ("0912 345 678", "+84 912.345.678"). One box takes all four; what was typed decides
which key is searched. Lists mask the ID number and phone (the officer sees the full name, as on the
dossier); only this site's dossiers are ever searched.
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from models import Dossier
from models.dossier import search_fold
from motcua.extensions import db

from .cccd import mask_id
from .exports import mask_digits
from .personal_data import ERASED_NAME
from .validation import InvalidInput, bad_character

LIMIT = 50  # results shown; more asks the officer to narrow the search
MAX_LENGTH = 60  # longer than any name, code or number anyone types
SEPARATORS = re.compile(r"[\s.\-()]+")
CODE_TAIL = re.compile(r"[0-9A-Z.\-]*[0-9]{6}-[0-9]{4,8}", re.ASCII)  # a code's end: "261202-0012"
NAME_PUNCTUATION = set(" '-.’")
FIELD = "q"


@dataclass(frozen=True)
class SearchQuery:
    key: str  # code | code_tail | id_number | phone | name
    value: str  # what the column is compared with (folded, padded or normalised)


def parse_query(text: str | None) -> SearchQuery | None:
    """What the officer typed, as a key and a value to match; None when nothing was typed.

    Raises InvalidInput (field "q") for what no code, name or number holds: too short, too long, or
    characters outside letters, digits, spaces and . - + ( ) '."""
    raw = unicodedata.normalize("NFC", text or "")
    if len(raw) > MAX_LENGTH * 4:  # not even tidied: a paste of a whole page
        raise InvalidInput("Từ khóa tìm kiếm quá dài (tối đa {n} ký tự).", FIELD, n=MAX_LENGTH)
    typed = " ".join(raw.split())
    if not typed:
        return None
    if len(typed) > MAX_LENGTH:
        raise InvalidInput("Từ khóa tìm kiếm quá dài (tối đa {n} ký tự).", FIELD, n=MAX_LENGTH)
    if bad_character(typed) is not None or any(not _allowed(char) for char in typed):
        raise InvalidInput("Hãy tìm bằng mã hồ sơ, họ tên, số định danh hoặc số điện thoại "
                           "(chỉ gồm chữ, số, dấu cách và . - +).", FIELD)
    upper = typed.upper().replace(" ", "")
    if re.fullmatch(r"[0-9A-Z.]{1,35}-[0-9]{6}-[0-9]{4,8}", upper, re.ASCII):
        return SearchQuery("code", upper)
    if CODE_TAIL.fullmatch(upper):
        return SearchQuery("code_tail", upper)
    compact = SEPARATORS.sub("", typed)
    if re.fullmatch(r"\+?[0-9]+", compact, re.ASCII):
        return _number(compact)
    if any(char.isdigit() for char in upper):
        raise InvalidInput("“{text}” không phải mã hồ sơ: mã có dạng 000.00.12.H56-261202-0012 "
                           "(có thể gõ phần cuối, ví dụ 0012).", FIELD, text=typed)
    folded = search_fold(typed)
    if len(folded.replace(" ", "")) < 2:
        raise InvalidInput("Hãy gõ ít nhất 2 chữ của họ tên.", FIELD)
    return SearchQuery("name", folded)


def _allowed(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in " .-+()'") or \
        unicodedata.category(char)[0] in "LM" or char in NAME_PUNCTUATION


def _number(digits: str) -> SearchQuery:
    """Digits alone: an ID number (12), a phone (0 or +84 and 9 more), or the tail of a code."""
    plus = digits.startswith("+")
    digits = digits.lstrip("+")
    if len(digits) == 12 and not plus:
        return SearchQuery("id_number", digits)
    if digits.startswith("84") and len(digits) in (11, 12):
        return SearchQuery("phone", "0" + digits[2:])
    if digits.startswith("0") and len(digits) in (10, 11) and not plus:
        return SearchQuery("phone", digits)
    if len(digits) <= 8 and not plus:
        return SearchQuery("code_tail", f"-{int(digits):04d}")
    raise InvalidInput("Không rõ “{text}” là số gì: số định danh có 12 chữ số, số điện thoại có 10 "
                       "chữ số, mã hồ sơ có thể gõ phần cuối (ví dụ 0012).", FIELD, text=digits)


def _phones(national: str) -> list[str]:
    """How a phone is stored (intake keeps the digits and a leading +): 0912…, +84912…, 84912…."""
    rest = national[1:]
    return [national, "+84" + rest, "84" + rest]


def _match(query: SearchQuery):
    if query.key == "code":
        return Dossier.code == query.value
    if query.key == "code_tail":
        return Dossier.code.endswith(query.value, autoescape=True)
    if query.key == "id_number":
        return Dossier.applicant_id_number == query.value
    if query.key == "phone":
        return Dossier.applicant_phone.in_(_phones(query.value))
    # a name: from its start ("nguyen van") or from any word ("duc", "van duc")
    return or_(Dossier.applicant_search.startswith(query.value, autoescape=True),
               Dossier.applicant_search.contains(" " + query.value, autoescape=True))


def newest_first():
    return func.coalesce(Dossier.received_at, Dossier.created_at).desc(), Dossier.id.desc()


def find_dossiers(site, query: SearchQuery, limit: int = LIMIT) -> tuple[list[Dossier], bool]:
    """This site's dossiers matching the query, newest first: (up to `limit`, whether there are more)."""
    found = list(db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, _match(query))
        .order_by(*newest_first()).limit(limit + 1)))
    return found[:limit], len(found) > limit


def citizen_dossiers(site, dossier: Dossier, limit: int = 200) -> list[Dossier]:
    """Every dossier of the same citizen at this site, newest first: the same ID number, or when the
    dossier has none, the same name (folded) and phone. An erased dossier stands alone."""
    if dossier.applicant_name == ERASED_NAME:
        return [dossier]
    if dossier.applicant_id_number:
        same = Dossier.applicant_id_number == dossier.applicant_id_number
    else:
        same = (Dossier.applicant_search == dossier.applicant_search) & \
            (Dossier.applicant_phone == dossier.applicant_phone)
    return list(db.session.scalars(select(Dossier).where(Dossier.site_id == site.id, same)
                                   .order_by(*newest_first()).limit(limit)))


def masked_id(number: str | None) -> str:
    """'001090123456' → '••••••••3456' (the last four digits, as logs show them)."""
    return mask_id(number or "").replace("*", "•")


def masked_phone(phone: str | None) -> str:
    """'0912345678' → '•••••••678' (the last three digits, as the exports show them)."""
    return mask_digits(phone).replace("*", "•")
