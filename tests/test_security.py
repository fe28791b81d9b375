"""Safe redirects, security headers, TLS behind a proxy, and counter takeovers."""

import uuid

import pytest
from sqlalchemy import select

from models import Counter, Event, StaffUser
from motcua.extensions import db
from motcua.security import safe_next

from .conftest import csrf_token
from .test_counter import at_counter

TRICKS = {
    "tab": "/\t/evil.example",
    "newline": "/\n/evil.example",
    "carriage return": "/\r\n/evil.example",
    "backslash": "/\\evil.example",
    "backslashes": "\\\\evil.example",
    "protocol-relative": "//evil.example",
    "leading space": " //evil.example",
    "zero-width space": "/\u200b/evil.example",
    "https": "https://evil.example/",
    "no slashes": "https:evil.example",
    "encoded slash": "/%2F/evil.example",
    "encoded backslash": "/%5Cevil.example",
    "javascript": "javascript:alert(1)",
    "relative": "evil.example",
    "empty": "",
}


@pytest.mark.parametrize("target", TRICKS.values(), ids=TRICKS.keys())
def test_safe_next_refuses_every_trick(target):
    assert safe_next(target, "/fallback") == "/fallback"


def test_safe_next_keeps_a_local_path_with_its_query():
    assert safe_next("/counter/dossiers?from=01/12/2026", "/") == "/counter/dossiers?from=01/12/2026"
    assert safe_next("/counter\t", "/") == "/counter"  # what browsers drop is dropped, the rest kept


def test_the_reported_tab_trick_no_longer_redirects_off_site(client):
    response = client.get("/lang/en?next=/%09/evil.example")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", TRICKS.values(), ids=TRICKS.keys())
def test_language_switch_stays_on_this_server(client, target):
    response = client.get("/lang/vi", query_string={"next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", TRICKS.values(), ids=TRICKS.keys())
def test_login_lands_on_this_server(app, target):
    client = app.test_client()
    response = client.post("/login", query_string={"next": target}, data={
        "username": "canbo1", "password": "motcua-demo", "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 303 and response.headers["Location"] == "/counter"


def test_login_follows_a_local_next(app):
    client = app.test_client()
    response = client.post("/login?next=/counter/dossiers", data={
        "username": "canbo1", "password": "motcua-demo", "csrf_token": csrf_token(client, "/login")})
    assert response.headers["Location"] == "/counter/dossiers"


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/kiosk", "/login", "/display", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_tracking_pages_never_send_their_check_string_on(client):
    for path in ("/t/ABC?k=123456", "/T/ABC?K=123456"):
        assert client.get(path).headers["Referrer-Policy"] == "no-referrer"


@pytest.fixture
def proxied_app(make_app):
    """A site behind a reverse proxy that terminates TLS."""
    return make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)


def test_behind_tls_hsts_and_a_secure_session_cookie(proxied_app):
    client = proxied_app.test_client()
    tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    page = client.get("/login", headers=tls)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = csrf_token(client, "/login")
    response = client.post("/login", headers={**tls, "Referer": "https://localhost/login"},
                           data={"username": "canbo1", "password": "motcua-demo", "csrf_token": token})
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]
    plain = client.get("/login")  # the proxy did not say https: no HSTS
    assert "Strict-Transport-Security" not in plain.headers


def test_without_proxy_settings_forwarded_headers_are_not_trusted(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_taking_an_occupied_counter_asks_first_then_records_it_and_tells_the_officer(app, staff):
    officer = at_counter(staff, app, 2)  # Nguyễn Văn Tiếp Nhận at counter 2
    supervisor = staff("giamsat")
    with app.app_context():
        counter_id = str(db.session.scalar(select(Counter.id).where(Counter.number == 2)))
    asked = supervisor.post("/counter/select", {"counter_id": counter_id}, htmx=False)
    assert asked.status_code == 200
    assert "Quầy số 2 đang do Nguyễn Văn Tiếp Nhận sử dụng. Tiếp nhận quầy?" in asked.get_data(as_text=True)
    assert officer.post("/counter/call-next").status_code == 200  # nothing changed yet

    taken = supervisor.post("/counter/select", {"counter_id": counter_id, "take_over": "1"}, htmx=False)
    assert taken.status_code == 303
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.type == "counter.taken_over")).one()
        assert db.session.get(Counter, event.aggregate_id).officer_id == event.actor_id
        names = dict(db.session.execute(select(StaffUser.id, StaffUser.username)).all())
    assert names[uuid.UUID(event.payload["context"]["from_officer_id"])] == "canbo1"
    assert names[event.actor_id] == "giamsat"
    assert (event.payload["counter"]["number"], event.payload["counter"]["is_open"]) == (2, True)
    assert event.payload["counter"]["officer_id"] == str(event.actor_id)

    told = officer.post("/counter/call-next")
    assert told.status_code == 409
    assert "Quầy số 2 đã được Trần Thị Giám Sát tiếp nhận" in told.get_data(as_text=True)
    page = officer.get("/counter").get_data(as_text=True)
    assert "Quầy số 2 đã được Trần Thị Giám Sát tiếp nhận" in page and "Chọn quầy làm việc" in page


def test_a_free_counter_is_taken_without_asking(app, staff):
    officer = at_counter(staff, app, 3)
    assert officer.get("/counter").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Event).where(Event.type == "counter.taken_over")).first() is None


PUBLIC = {"static", "index", "set_language", "auth.login", "auth.logout", "tracking.track", "tracking.lookup",
          "kiosk_scan.scan",
          # the rating screens: the counter's citizen screen and the kiosk's (kiosk/rating.py)
          "rating.screen", "rating.waiting", "rating.panel", "rating.kiosk", "rating.rate",
          # PAKN at the kiosk and its public page (kiosk/feedback.py): no login, like the kiosk's
          "kiosk_feedback.form", "kiosk_feedback.submit", "kiosk_feedback.print_status",
          "kiosk_feedback.print_preview", "kiosk_feedback.track",
          # machine to machine: a site's credential, checked in the view (tests/test_sync_api.py)
          "sync_api.health", "sync_api.push", "sync_api.pull"}


def test_every_staff_route_names_the_roles_that_may_use_it(app):
    """A new route is public only if it is a kiosk, display or tracking screen, or listed here."""
    def roles(view):
        while view is not None and not hasattr(view, "roles"):
            view = getattr(view, "__wrapped__", None)
        return getattr(view, "roles", None)

    unguarded = sorted(endpoint for endpoint, view in app.view_functions.items()
                       if roles(view) is None and endpoint not in PUBLIC
                       and not endpoint.startswith(("kiosk.", "display.")))
    assert unguarded == []
    assert roles(app.view_functions["admin.index"]) == {"admin"}
    assert "admin" not in roles(app.view_functions["dossiers.show"])


def test_templates_hold_nothing_the_csp_would_block():
    """No inline script, event handler attribute, javascript: link or style attribute."""
    import re
    from pathlib import Path

    blocked = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|\sstyle\s*=|<style", re.I)
    root = Path(__file__).resolve().parent.parent / "templates"
    found = [(path.name, match.group(0)) for path in root.rglob("*.html")
             for match in blocked.finditer(path.read_text())]
    assert found == []
