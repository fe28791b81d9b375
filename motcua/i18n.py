"""Vietnamese first, English available: Vietnamese source strings, an English catalogue."""

from flask import request, session

from .messages_en import EN

LANGUAGES = ("vi", "en")


def current_language() -> str:
    lang = session.get("lang") if request else None
    return lang if lang in LANGUAGES else "vi"


def gettext(text: str, /, **params) -> str:
    """Translate a Vietnamese source string for the current visitor, then fill params."""
    if current_language() == "en":
        text = EN.get(text, text)
        params = {k: EN.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    return text.format(**params) if params else text


def gettext_noop(text: str) -> str:
    """Mark a message for translation where it is defined; it is translated where shown."""
    return text
