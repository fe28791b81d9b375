"""Who may reach what: one row per endpoint, the expected answer for every role.

A route added without a row here fails `test_every_route_has_a_row`; a role seeing what its row says
it should not fails the matrix. "ok" means the request got past the access check (a 404 for an id that
does not exist, or a 422 for an empty form, still counts), "login" a 401 or a redirect to /login,
"403" a refusal. The path parameters are real rows of the demo site wherever one exists.
"""

import re
import uuid

import pytest
from sqlalchemy import select

from models import (
    Attachment,
    CalendarOverride,
    Counter,
    Dossier,
    Event,
    PrintJob,
    PriorityCategory,
    Procedure,
    Queue,
    Ticket,
)
from motcua.extensions import db

from .conftest import csrf_token

ROLES = {"anonymous": None, "kiosk": None, "officer": "canbo1", "postal_officer": "buudien",
         "supervisor": "giamsat", "admin": "admin"}
PUBLIC = dict.fromkeys(ROLES, "ok")
COUNTER = {"anonymous": "login", "kiosk": "login", "officer": "ok", "postal_officer": "ok",
           "supervisor": "ok", "admin": "403"}
ADMIN = {"anonymous": "login", "kiosk": "login", "officer": "403", "postal_officer": "403",
         "supervisor": "403", "admin": "ok"}
SUPERVISION = {"anonymous": "login", "kiosk": "login", "officer": "403", "postal_officer": "403",
               "supervisor": "ok", "admin": "ok"}
STAFF = {"anonymous": "login", "kiosk": "login", "officer": "ok", "postal_officer": "ok",
         "supervisor": "ok", "admin": "ok"}
# (endpoint, method) → who may. Keep in step with counter/access.py and docs/architecture.md.
MATRIX = {
    ("index", "GET"): PUBLIC, ("set_language", "GET"): PUBLIC, ("static", "GET"): PUBLIC,
    ("auth.login", "GET"): PUBLIC, ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): dict.fromkeys(ROLES, "login"),  # everyone lands on the login page
    ("kiosk.home", "GET"): PUBLIC, ("kiosk.choose_priority", "GET"): PUBLIC,
    ("kiosk.take_ticket", "POST"): PUBLIC, ("kiosk.print_status", "GET"): PUBLIC,
    ("kiosk.print_preview", "GET"): PUBLIC, ("kiosk.procedures", "GET"): PUBLIC,
    ("kiosk.procedure", "GET"): PUBLIC, ("kiosk_scan.scan", "POST"): PUBLIC,
    ("tracking.track", "GET"): PUBLIC, ("tracking.lookup", "GET"): PUBLIC,
    # Rating: the counter's citizen screen (a device page, like the display board) and the kiosk's
    ("rating.screen", "GET"): PUBLIC, ("rating.waiting", "GET"): PUBLIC, ("rating.panel", "GET"): PUBLIC,
    ("rating.kiosk", "GET"): PUBLIC, ("rating.rate", "POST"): PUBLIC,
    # PAKN: the kiosk's form and receipt, the public /P/ page; the counter's list (assigning: supervisors)
    ("kiosk_feedback.form", "GET"): PUBLIC, ("kiosk_feedback.submit", "POST"): PUBLIC,
    ("kiosk_feedback.print_status", "GET"): PUBLIC, ("kiosk_feedback.print_preview", "GET"): PUBLIC,
    ("kiosk_feedback.track", "GET"): PUBLIC,
    ("feedback.index", "GET"): COUNTER, ("feedback.new", "GET"): COUNTER,
    ("feedback.create", "POST"): COUNTER,
    ("feedback.show", "GET"): COUNTER, ("feedback.close", "POST"): COUNTER,
    ("feedback.print_receipt", "POST"): COUNTER,
    ("feedback.assign", "POST"): {**COUNTER, "officer": "403", "postal_officer": "403"},
    # The sync API: central's, by credential (tests/test_sync_api.py); a site answers 404 to anyone.
    ("admin.confirm_clock_time", "POST"): ADMIN,
    ("sync_api.health", "GET"): PUBLIC, ("sync_api.push", "POST"): PUBLIC, ("sync_api.pull", "GET"): PUBLIC,
    ("display.board_page", "GET"): PUBLIC, ("display.board", "GET"): PUBLIC,
    ("display.chime", "GET"): PUBLIC, ("display.announcement", "GET"): PUBLIC,
    ("counter.index", "GET"): COUNTER, ("counter.select_counter", "POST"): COUNTER,
    ("counter.release_counter", "POST"): COUNTER, ("counter.waiting", "GET"): COUNTER,
    ("counter.call_next_ticket", "POST"): COUNTER, ("counter.ticket_action", "POST"): COUNTER,
    ("counter_scan.scan", "POST"): COUNTER,
    ("dossiers.index", "GET"): COUNTER, ("dossiers.create", "POST"): COUNTER,
    ("dossiers.new", "GET"): COUNTER, ("dossiers.checklist", "GET"): COUNTER,
    ("dossiers.scan_card", "POST"): COUNTER, ("dossiers.applicant_check", "POST"): COUNTER,
    ("auth.session_alive", "POST"): STAFF, ("auth.session_status", "GET"): STAFF,
    ("dossiers.show", "GET"): COUNTER,
    ("dossiers.step", "POST"): COUNTER, ("dossiers.attach", "POST"): COUNTER,
    ("dossiers.attachment", "GET"): COUNTER, ("dossiers.tracking_log", "GET"): COUNTER,
    ("dossiers.receipt", "GET"): COUNTER, ("dossiers.print_slip", "POST"): COUNTER,
    ("forms.form", "GET"): COUNTER, ("forms.log", "GET"): COUNTER,
    ("printers.index", "GET"): COUNTER, ("printers.job_action", "POST"): COUNTER,
    ("admin.index", "GET"): ADMIN, ("admin.update_site", "POST"): ADMIN,
    ("admin.save_queue", "POST"): ADMIN, ("admin.toggle_queue", "POST"): ADMIN,
    ("admin.save_counter", "POST"): ADMIN, ("admin.add_kiosk", "POST"): ADMIN,
    ("admin.export_procedures", "GET"): ADMIN, ("admin.save_procedure", "POST"): ADMIN,
    ("admin.import_procedures", "POST"): ADMIN, ("admin.set_calendar_day", "POST"): ADMIN,
    ("admin.remove_calendar_day", "POST"): ADMIN, ("admin.toggle_category", "POST"): ADMIN,
    ("admin.test_printer", "POST"): ADMIN, ("admin.set_printer", "POST"): ADMIN,
    ("hours.edit", "GET"): ADMIN, ("hours.save", "POST"): ADMIN,
    ("staff_admin.index", "GET"): ADMIN, ("staff_admin.add", "POST"): ADMIN,
    ("staff_admin.account", "GET"): ADMIN, ("staff_admin.details", "POST"): ADMIN,
    ("staff_admin.sites", "POST"): ADMIN, ("staff_admin.password", "POST"): ADMIN,
    ("staff_admin.disable", "POST"): ADMIN, ("staff_admin.enable", "POST"): ADMIN,
    ("supervisor.index", "GET"): SUPERVISION, ("supervisor.figures", "GET"): SUPERVISION,
    ("supervisor.dossiers", "GET"): SUPERVISION,
    ("reports.index", "GET"): SUPERVISION, ("reports.weekly_pdf", "GET"): SUPERVISION,
    ("reports.weekly_xlsx", "GET"): SUPERVISION, ("reports.log_pdf", "GET"): SUPERVISION,
    ("reports.export", "GET"): SUPERVISION,
    ("search.index", "GET"): COUNTER, ("search.citizen", "GET"): COUNTER,  # citizens' dossiers: not the admin
}
LAST = ("auth.logout", "auth.login")  # they end or change the session: walked after everything else
MODELS = {"dossier_id": Dossier, "attachment_id": Attachment, "ticket_id": Ticket, "job_id": PrintJob,
          "queue_id": Queue, "counter_id": Counter, "override_id": CalendarOverride,
          "category_id": PriorityCategory, "procedure_id": Procedure, "event_id": Event, "device_id": Counter}
WORDS = {"kind": {"forms.form": "control", "admin.set_printer": "counter", "admin.test_printer": "counter"},
         "action": {"counter.ticket_action": "hold", "printers.job_action": "cancel",
                    "feedback.close": "answer"},
         "step": {"dossiers.step": "late-reason"}, "filename": {"static": "css/app.css"},
         "table": {"reports.export": "tickets"}}


def routes(app) -> list[tuple[str, str, object]]:
    """Every (endpoint, method, rule) of the app, the session-changing ones last."""
    found = [(rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda row: (row[0] in LAST, row[0], row[1], row[2].rule))


def real_ids(app) -> dict[str, str]:
    """An id of the demo site for each kind of path parameter (a fresh UUID where there is no row)."""
    with app.app_context():
        ids = {name: db.session.scalar(select(model.id).limit(1)) for name, model in MODELS.items()}
        ids["code"] = db.session.scalar(select(Dossier.code).where(Dossier.code.is_not(None)).limit(1))
    return {name: str(value or uuid.uuid4()) for name, value in ids.items()}


def path_for(rule, endpoint: str, ids: dict) -> str:
    """The rule's URL with real values in its parameters (defaults left out, as Flask builds them)."""
    def value(match):
        name = match.group(2)
        if name in WORDS:
            return WORDS[name].get(endpoint, "x")
        return ids.get(name) or ("vi" if endpoint == "set_language" else "X-000000-0000")

    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", value, rule.rule)


def outcome(response) -> str:
    if response.status_code == 401 or "/login" in response.headers.get("Location", "").split("?")[0]:
        return "login"
    return "403" if response.status_code == 403 else "ok"


def client_for(app, role: str):
    """A client for the role: staff logged in once (the login throttle never sees a failure)."""
    client = app.test_client()
    if role == "kiosk":
        client.get("/kiosk?k=K1")
    username = ROLES[role]
    if username is not None:
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": username, "password": "motcua-demo",
                                               "csrf_token": token})
        assert response.status_code == 303, f"{username} could not log in"
    return client, csrf_token(client, "/login")


def test_every_route_has_a_row(app):
    unlisted = sorted({(endpoint, method) for endpoint, method, _ in routes(app)} - MATRIX.keys())
    assert unlisted == [], "add these routes to MATRIX with who may reach them"
    gone = sorted(MATRIX.keys() - {(endpoint, method) for endpoint, method, _ in routes(app)})
    assert gone == [], "these rows name routes that no longer exist"


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_reaches_exactly_what_its_row_allows(app, role):
    client, token = client_for(app, role)
    ids = real_ids(app)
    wrong = []
    for endpoint, method, rule in routes(app):
        path = path_for(rule, endpoint, ids)
        response = client.open(path, method=method, headers={"X-CSRFToken": token}, data={})
        response.close()  # static files and previews are streamed
        expected = MATRIX[(endpoint, method)][role]
        if outcome(response) != expected:
            wrong.append((endpoint, method, path, expected, outcome(response), response.status_code))
        assert response.status_code < 500, (endpoint, method, path, response.status_code)
    assert wrong == []
