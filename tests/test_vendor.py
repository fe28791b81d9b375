"""Vendored files are exactly the pinned releases."""

import hashlib
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def test_htmx_is_the_pinned_release():
    digest = hashlib.sha384((VENDOR / "htmx-2.0.11.min.js").read_bytes()).hexdigest()
    assert digest in (VENDOR / "VENDOR.md").read_text()
