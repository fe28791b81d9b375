"""What a keyboard-wedge scanner typed: a CCCD card, a receipt's tracking URL, or neither.

The browser (static/js/scanner.js) tells a scan from typing by timing and posts the text; this
module decides what it is, so the counter and the kiosk answer the same way.

A receipt is recognised by its shape, not its host: `<scheme>://<host>/T/<dossier code>?K=<check>`
(domain/receipts.py prints it in capitals). Receipts printed before the central server's address
changed must still work, and a lookup of a well-formed code reveals nothing without the check.

A scan is personal data (the card): `Scan` masks it in its repr, and nothing here logs it.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs

from .cccd import CardParseError, CitizenCard, looks_like_card_payload, mask_id, parse_card
from .tracking import CHECK, CODE, split_scanned_url
from .validation import split_url

GARBLED_MESSAGE = "Không đọc được mã vừa quét. Vui lòng quét lại, giữ mã thẳng và đủ sáng."
# Re-scanning does not help when the scanner or the computer types the wrong characters.
KEYBOARD_MESSAGE = (
    "Mã vừa quét bị sai ký tự (bộ gõ tiếng Việt đang bật hoặc máy quét đặt sai kiểu bàn phím). "
    "Hãy tắt bộ gõ tiếng Việt hoặc báo quản trị kiểm tra máy quét, rồi quét lại."
)
NOT_A_CARD = "Mã QR không phải của thẻ Căn cước công dân."
MAX_LENGTH = 2000  # a CCCD payload is about 200 characters; a receipt URL under 100
_CARD_LIKE_START = re.compile(r"^[0-9]{9,12}\|")
# A character the scanner could not type ("?", U+FFFD) or a key it should never send.
_UNTYPEABLE = re.compile(r"[?\ufffd]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, repr=False)
class Scan:
    kind: str  # "card", "receipt" or "garbled"
    card: CitizenCard | None = None
    code: str = ""  # receipt: the dossier code, upper case
    check: str = ""  # receipt: the "mã tra cứu", upper case
    message: str = ""  # garbled: what to tell the person (Vietnamese source text)
    detail: str = ""  # garbled card: what the card parser found wrong (for staff, never the kiosk)
    detail_params: dict | None = None
    card_like: bool = False  # garbled, but it began like a CCCD payload

    def __repr__(self) -> str:
        if self.kind == "card":
            return f"Scan(card, id_number={mask_id(self.card.id_number)!r})"
        if self.kind == "receipt":
            return f"Scan(receipt, code={self.code!r})"
        return f"Scan(garbled, card_like={self.card_like})"


def classify(text: str | None) -> Scan:
    """Card, receipt or garbled; never raises for any input."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text or len(text) > MAX_LENGTH:
        return _garbled()
    card_like = looks_like_card_payload(text) or _CARD_LIKE_START.match(text) is not None
    if is_mojibake(text):  # before the control characters: Latin-1 mojibake is full of them
        return _garbled(KEYBOARD_MESSAGE, card_like=card_like)
    if _CONTROL.search(text):
        return _garbled(card_like=card_like)
    if card_like:
        return _card(text)
    if text[:4].lower() == "http" and not text.isascii():
        # A URL with Vietnamese letters: the input method turned "aa", "dd", "s"… into them.
        return _garbled(KEYBOARD_MESSAGE)
    receipt = _receipt(text)
    if receipt is not None:
        return receipt
    return _garbled()


def card_scan(text: str | None) -> Scan:
    """The intake form's own scan field: the same checks as a scan anywhere, but only a card will do."""
    result = classify(text)
    if result.kind == "card" or result.card_like or result.message != GARBLED_MESSAGE:
        return result
    if not (text or "").strip() or len(text) > MAX_LENGTH:
        return result
    return _garbled(NOT_A_CARD)  # a receipt, or text that is no QR code at all


def is_mojibake(text: str) -> bool:
    """UTF-8 read as Windows-1252 or Latin-1 ("Nguyá»…n" for "Nguyễn"): it round-trips back."""
    if text.isascii():
        return False
    for encoding in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired != text:
            return True
    return False


def _card(text: str) -> Scan:
    try:
        card = parse_card(text)
    except CardParseError as exc:
        # A damaged card: the parser names the field; its messages never echo the ID number.
        return _garbled(detail=exc.message, detail_params=exc.params, card_like=True)
    if _UNTYPEABLE.search(card.full_name) or _UNTYPEABLE.search(card.address):
        # The scanner typed "?" for letters with diacritics: it is set to a layout without them.
        return _garbled(KEYBOARD_MESSAGE, card_like=True)
    return Scan(kind="card", card=card)


def _receipt(text: str) -> Scan | None:
    parts = split_url(text)  # None for e.g. an unbalanced "[" in the host
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    segments = parts.path.rstrip("/").split("/")
    if len(segments) < 3 or segments[-2].upper() != "T":
        return None
    query = parse_qs(parts.query)
    checks = [value for key in query if key.upper() == "K" for value in query[key]]
    if len(checks) != 1:
        return None  # none, or two checks: not one of our receipts
    code, check = split_scanned_url(text)
    if not CODE.fullmatch(code) or not CHECK.fullmatch(check):
        return None
    return Scan(kind="receipt", code=code, check=check)


def _garbled(message: str = GARBLED_MESSAGE, **fields) -> Scan:
    return Scan(kind="garbled", message=message, **fields)
