"""Vietnamese alphabetical order (thứ tự chữ cái tiếng Việt) for every list shown sorted by a name.

The order is ICU's Vietnamese collation (CLDR `vi`): a ă â b c d đ e ê g … o ô ơ … u ư v x y as
letters of their own, tones only where the letters are the same ("da" < "dà" < "dá" < "dân"), case
last. Byte order (SQLite's and PostgreSQL's "C") put "Đ" after "X" and "Ă" after "Z"; a hand-made key
gets the tones and the letter boundaries wrong, and pure-Python UCA (pyuca's DUCET) treats đ, ă, â,
ê, ô, ơ, ư as accents of d, a, e, o, u. ICU comes from PyPI with its own data (pyicu-wheels), no
system package needed; it is imported on first use, so a server that only gives out tickets never
loads it.

Two ways to use it: `vi_sorted` / `vi_key` in Python, and `vi(column)` in an ORDER BY: the database
collates (PostgreSQL's ICU collation "vi-x-icu"; on SQLite the collation "vi" registered on every
connection by `register_sqlite`, which calls the same ICU collator).
"""

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import String

T = TypeVar("T")
SQLITE_NAME = "vi"
POSTGRESQL_NAME = "vi-x-icu"  # created by initdb when PostgreSQL is built with ICU (Debian's is)
_local = threading.local()  # one collator per thread: ICU collators are not shared across threads


def _collator():
    collator = getattr(_local, "collator", None)
    if collator is None:
        import icu  # pyicu-wheels: ~20 MB of ICU, loaded only by a process that sorts names

        collator = icu.Collator.createInstance(icu.Locale("vi"))
        _local.collator = collator
    return collator


def vi_key(text: str | None) -> bytes:
    """The sort key of `text` in Vietnamese order (compare keys with <, as bytes)."""
    return _collator().getSortKey(text or "")


def vi_compare(left: str | None, right: str | None) -> int:
    """-1, 0 or 1 as `left` comes before, with or after `right` in Vietnamese order."""
    return _collator().compare(left or "", right or "")


def vi_sorted(items: Iterable[T], key: Callable[[T], str | tuple] | None = None,
              reverse: bool = False) -> list[T]:
    """`items` sorted in Vietnamese order of `key(item)` (the item itself without a key); a key may
    return a tuple of texts (field, then name), each compared in Vietnamese order."""
    def sort_key(item):
        value = item if key is None else key(item)
        if isinstance(value, tuple):
            return tuple(vi_key(part) if isinstance(part, str) else part for part in value)
        return vi_key(value)

    return sorted(items, key=sort_key, reverse=reverse)


def register_sqlite(dbapi_connection) -> None:
    """Give a SQLite connection the collation "vi" (ICU is loaded at the first comparison)."""
    dbapi_connection.create_collation(SQLITE_NAME, vi_compare)


class vi(ColumnElement):  # noqa: N801 - reads as a function in order_by(vi(Procedure.name))
    """`column COLLATE <Vietnamese>` for ORDER BY, named as each database knows the collation."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # in the statement cache key

    def __init__(self, column):
        self.column = column
        self.type = getattr(column, "type", String())


@compiles(vi)
def _collate_default(element, compiler, **kw):
    return compiler.process(element.column, **kw)  # another database: its own order


@compiles(vi, "sqlite")
def _collate_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} COLLATE {SQLITE_NAME}"


@compiles(vi, "postgresql")
def _collate_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.column, **kw)} COLLATE "{POSTGRESQL_NAME}"'
