"""Vietnamese first, English available: Vietnamese source strings, an English catalogue.

On an English page everything the software says is English; what people typed stays as typed — a
citizen's or officer's name, a procedure, an address, a reason — and is marked lang="vi" (the `vi`
filter, `lang_vi()` where no element can be added), which screen readers need and which
tests/browser/test_english.py skips. Queues and priority categories show their `name_en` where set
(`named`); a procedure's field shows the catalogue's English where it has one (`label`).
"""

import re

from flask import request, session
from markupsafe import Markup, escape

from .messages_en import EN

LANGUAGES = ("vi", "en")


def current_language() -> str:
    lang = session.get("lang") if request else None
    return lang if lang in LANGUAGES else "vi"


def gettext(text: str, /, **params) -> str:
    """Translate a Vietnamese source string for the current visitor, then fill params."""
    if current_language() == "en":
        text = EN.get(text, text)
        params = {k: EN.get(v, v) if isinstance(v, str) and not isinstance(v, Markup) else v
                  for k, v in params.items()}
    if any(isinstance(value, Markup) for value in params.values()):  # data marked by in_vietnamese
        return Markup(escape(text)).format(**params)
    return text.format(**params) if params else text


def gettext_noop(text: str) -> str:
    """Mark a message for translation where it is defined; it is translated where shown."""
    return text


def in_vietnamese(value):
    """Data people typed (a name, a procedure, an address) stays as typed: on an English page it is
    marked lang="vi" (correct for screen readers; the English pages' test skips it)."""
    if value is None or value == "" or current_language() == "vi":
        return value
    return Markup('<bdi lang="vi">{}</bdi>').format(value)


def lang_vi() -> str:
    """` lang="vi"` for an element holding such data where no <bdi> fits (an <option>, an input)."""
    return Markup(' lang="vi"') if current_language() == "en" else ""


def named(row):
    """A queue's or priority category's name for the visitor: its English name where one is set."""
    if current_language() == "en" and getattr(row, "name_en", ""):
        return row.name_en
    return in_vietnamese(row.name)


def named_text(row) -> str:
    """The same name as plain text, for an attribute (a title, a label)."""
    return row.name_en if current_language() == "en" and getattr(row, "name_en", "") else row.name


def label(value):
    """A label a site may have written itself (a procedure's field): the catalogue's English where it
    has one, else the Vietnamese, marked."""
    if current_language() == "en" and value in EN:
        return EN[value]
    return in_vietnamese(value)


def device_name(text: str) -> str:
    """A printer's device as a print job stores it ("Quầy 2", "Kiosk K1"), in the visitor's language."""
    match = re.fullmatch(r"Quầy (\d+)", text or "")
    return gettext("Quầy {n}", n=match.group(1)) if match else text
