"""Personal data inside events: sealed with a key per dossier, erased by destroying the key.

Events are append-only and travel to central, yet a dossier's personal data must go when its
retention period ends (PDP Law 2025, Decree 356/2025). Each dossier gets a random 256-bit key
(table personal_key); the personal columns of its rows are sealed with it (AES-256-GCM, the row's
entity and id as associated data) inside every event. Erasure blanks the row and its steps (an
event says so), then deletes the key: the old events stay, intact and ordered, but their personal
part can never be read again — replay yields the blank values. See docs/events.md.
"""

import base64
import json
import os

from sqlalchemy import select

from models import PersonalKey
from motcua.extensions import db

# What a blanked row shows instead of the applicant (screens and forms read it like a name).
ERASED_NAME = "(đã xóa dữ liệu cá nhân)"
BLANK = {"applicant_name": ERASED_NAME, "applicant_id_number": "", "applicant_birth_date": None,
         "applicant_gender": "", "applicant_address": "", "applicant_phone": "", "applicant_email": "",
         "proxy": {}, "notes": "", "proxy_name": "", "authorisation": ""}


def _cache() -> dict:
    return db.session.info.setdefault("personal_keys", {})


def _aesgcm():
    """The cipher, imported when first needed: OpenSSL's bindings cost ~7 MB of memory, which a
    server that only gives out tickets never pays."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM


def key_for(subject_id, create: bool) -> bytes | None:
    cache = _cache()
    if subject_id in cache:
        return cache[subject_id]
    key = db.session.scalar(select(PersonalKey.key).where(PersonalKey.subject_id == subject_id))
    if key is None and create:
        key = os.urandom(32)  # AES-256
        db.session.add(PersonalKey(subject_id=subject_id, key=key))
    if key is not None:
        cache[subject_id] = key
    return key


def prefetch(subject_ids) -> None:
    """Load the keys of many subjects in one query (a replay about to read their rows)."""
    cache = _cache()
    wanted = [s for s in set(subject_ids) if s not in cache]
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        cache.update(db.session.execute(select(PersonalKey.subject_id, PersonalKey.key)
                                        .where(PersonalKey.subject_id.in_(chunk))).all())


def seal(subject_id, entity: str, personal: dict) -> str | None:
    """The personal columns, encrypted; None when they are already blank (erased)."""
    if all(value == BLANK[k] for k, value in personal.items()):
        return None
    key = key_for(subject_id, create=True)
    nonce = os.urandom(12)
    aad = f"{entity}:{subject_id}".encode()
    text = json.dumps(personal, ensure_ascii=False, sort_keys=True).encode()
    return base64.b64encode(nonce + _aesgcm()(key).encrypt(nonce, text, aad)).decode()


def unseal(subject_id, entity: str, sealed: str | None) -> dict:
    key = key_for(subject_id, create=False) if sealed is not None else None
    if key is not None:
        raw = base64.b64decode(sealed)
        from cryptography.exceptions import InvalidTag

        try:
            text = _aesgcm()(key).decrypt(raw[:12], raw[12:], f"{entity}:{subject_id}".encode())
            return json.loads(text)
        except InvalidTag:
            pass
    from .event_catalogue import ENTITIES

    return {k: BLANK[k] for k in ENTITIES[entity].personal}


def destroy_key(subject_id) -> None:
    db.session.query(PersonalKey).filter_by(subject_id=subject_id).delete()
    _cache().pop(subject_id, None)
