"""Identifiers generated where a row is created: UUIDv7 (RFC 9562), time-ordered."""

import os
import secrets
import time
import uuid


def uuid7() -> uuid.UUID:
    """Return a UUIDv7: 48-bit Unix milliseconds, version, 74 random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def request_key() -> str:
    """A one-use key a form carries so a double tap issues one ticket, not two."""
    return secrets.token_urlsafe(12)
