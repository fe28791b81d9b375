"""Safe redirects, security headers on every response, and TLS behind a reverse proxy."""

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: htmx runs with allowEval off and its indicator styles off.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Tracking pages carry the dossier's check string in their URL: never pass it on.
NO_REFERRER_PREFIXES = ("/t/", "/T/")
HSTS = "max-age=31536000"


def _strip_invisible(target: str) -> str:
    """Drop what browsers drop or ignore inside a URL: control characters and whitespace."""
    return "".join(ch for ch in target
                   if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")))


def is_local_path(target: str) -> bool:
    """True for a path on this server: no scheme, no host, not `//host` nor `/\\host`."""
    if not target.startswith("/") or "\\" in target:
        return False
    decoded = unquote(target)
    if decoded.startswith(("//", "/\\")) or "\\" in decoded:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """The local path `target` names once cleaned, or `fallback` for anything else."""
    cleaned = _strip_invisible(target or "")
    return cleaned if is_local_path(cleaned) else fallback


class TlsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over TLS (or the site says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    no_referrer = request.path.startswith(NO_REFERRER_PREFIXES)
    headers["Referrer-Policy"] = "no-referrer" if no_referrer else "same-origin"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Trust the reverse proxy's X-Forwarded-* as configured; add the headers to every response."""
    proxied = {key: app.config[f"PROXY_FIX_X_{key.upper()}"] for key in ("for", "proto", "host")}
    if any(proxied.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxied["for"], x_proto=proxied["proto"],
                                x_host=proxied["host"])
    app.session_interface = TlsAwareSessionInterface()
    app.after_request(_set_headers)
