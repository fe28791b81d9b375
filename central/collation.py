"""Vietnamese alphabetical order for names: ă after a, đ after d, ư after u — not DUCET's.

PostgreSQL built with ICU (Debian's and the PGDG packages are) sorts with the `vi-x-icu` collation;
a server without it falls back to `sort_key`, the same order for Vietnamese names in Python
(tests/test_province_dashboard.py compares the two). pyuca was no use: plain DUCET puts "Đào"
before "Dương" and "Ưng" before "Uy".
"""

import unicodedata

from sqlalchemy import select, text

from motcua.extensions import db

ICU_COLLATION = "vi-x-icu"
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
SHAPES = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
          ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def sort_key(name: str) -> tuple:
    """Letters first (Vietnamese alphabet), then tones, then case: what `vi-x-icu` gives for names."""
    letters, tones, cases = [], [], []
    for char in unicodedata.normalize("NFD", name):
        lower = char.lower()
        if lower in TONES:
            tones[-1:] = [TONES[lower]] if tones else []
        elif letters and (letters[-1][1], lower) in SHAPES:
            letters[-1] = (1, SHAPES[(letters[-1][1], lower)])
        else:
            letters.append((1, "đ" if lower == "đ" else lower) if lower.isalpha() else (0, lower))
            tones.append(0)
            cases.append(0 if char == lower else 1)
    primary = tuple((kind, ALPHABET.find(letter) if letter in ALPHABET else 100 + ord(letter[0]))
                    if kind else (kind, ord(letter)) for kind, letter in letters)
    return primary, tuple(tones), tuple(cases)


def has_icu() -> bool:
    """Whether the database sorts Vietnamese itself (looked up once per process)."""
    from flask import current_app

    known = current_app.extensions.get("motcua.vi_collation")
    if known is None:
        dialect = db.session.get_bind().dialect.name
        known = dialect == "postgresql" and db.session.scalar(
            select(text("1")).select_from(text("pg_collation")).where(
                text("collname = :name").bindparams(name=ICU_COLLATION))) is not None
        current_app.extensions["motcua.vi_collation"] = known
    return known


def by_name(query, column):
    """`query` ordered by `column` in Vietnamese order when the database can; see `sort_key`."""
    return query.order_by(column.collate(ICU_COLLATION)) if has_icu() else query
