"""Personal-data keys on the wire: each dossier's key (domain.personal_data) travels with the events
that carry its sealed data, base64 in `{"subject_id", "key"}` items, both ways."""

import base64
import binascii
import uuid

from sqlalchemy import select

from models import PersonalKey
from motcua.extensions import db


class MalformedKey(ValueError):
    pass


def keys_for(subjects) -> list[dict]:
    """The wire items for the keys held here of these dossiers."""
    subjects = set(subjects)
    if not subjects:
        return []
    return [{"subject_id": str(k.subject_id), "key": base64.b64encode(k.key).decode()}
            for k in db.session.scalars(select(PersonalKey).where(PersonalKey.subject_id.in_(subjects)))]


def parse_keys(items, strict: bool) -> dict:
    """subject id → 32-byte key; a malformed item raises MalformedKey (`strict`) or is skipped."""
    wanted = {}
    for item in items if isinstance(items, list) else []:
        try:
            subject, key = uuid.UUID(str(item["subject_id"])), base64.b64decode(item["key"], validate=True)
            if len(key) != 32:
                raise ValueError("not a 256-bit key")
        except (KeyError, TypeError, ValueError, binascii.Error):
            if strict:
                raise MalformedKey("malformed personal-data key") from None
            continue
        wanted[subject] = key
    if strict and items is not None and not isinstance(items, list):
        raise MalformedKey("keys: a list")
    return wanted


def store_missing(wanted: dict, never: set = frozenset()) -> None:
    """Keep the keys not held here yet (and none of `never`: dossiers whose data was erased here)."""
    if not wanted:
        return
    have = set(db.session.scalars(select(PersonalKey.subject_id).where(PersonalKey.subject_id.in_(wanted))))
    db.session.add_all(PersonalKey(subject_id=s, key=k) for s, k in wanted.items() if s not in have | never)
