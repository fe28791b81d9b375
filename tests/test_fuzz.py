"""Malformed input on every route, as every role, with a real CSRF token: never a 5xx, never a traceback.

Hypothesis draws, for each route in `app.url_map`, values of every kind for every field the route reads
(FIELDS, kept beside the test and checked against the url map) and for its path parameters: empty,
huge, control characters, NFD, emoji, private-use, numbers out of range, negative, 10^23, non-ASCII
digits, broken URLs, bad UUIDs, repeated keys. Bounded and derandomised: the same requests every run.
"""

import io
import unicodedata
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from .test_dossiers import intake
from .test_routes_matrix import ROLES, WORDS, client_for, real_ids, routes

EXAMPLES = 25  # per route and role: 59 routes × 6 roles × 25 ≈ 8,900 requests
LEAKS = ("Traceback", 'File "', "sqlalchemy", "werkzeug.exceptions")
INTAKE = ["procedure_id", "ticket_id", "applicant_name", "applicant_id_number", "applicant_birth_date",
          "applicant_gender", "applicant_address", "applicant_phone", "applicant_email", "proxy_name",
          "proxy_id_number", "proxy_phone", "proxy_address", "proxy_authorisation", "documents", "fee",
          "sets", "channel", "notes", "decision", "missing_extra", "reasons", "reused_fields",
          "id_card_checked", "finish_ticket", "all_procedures"]
PROCEDURE = ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "co_quan", "thoi_han_ngay", "thoi_han_gio",
             "trong_ngay", "ap_dung_15h", "le_phi", "ghi_chu_le_phi", "giay_to", "chi_nop_truc_tiep",
             "cho_phep_buu_chinh", "dang_ap_dung"]
STEP = ["agency", "items", "reason", "note", "collected_by", "id_checked", "proxy_name", "authorisation",
        "reasons", "new_date", "confirmed"]
# endpoint → the form fields (POST) or query arguments (GET) it reads; "file" is an upload.
FIELDS = {
    "index": [], "static": [], "set_language": ["next"], "auth.login": ["username", "password", "next"],
    "auth.logout": [], "kiosk.home": ["k"], "kiosk.choose_priority": ["k"],
    "kiosk.take_ticket": ["queue_id", "priority", "request_key", "k"], "kiosk.print_status": [],
    "kiosk.print_preview": [], "kiosk.procedures": ["k"], "kiosk.procedure": [], "kiosk_scan.scan": ["scan"],
    "tracking.track": ["k", "K"], "tracking.lookup": ["scan", "code", "check"],
    "rating.screen": [], "rating.waiting": ["showing"], "rating.panel": ["t", "level"],
    "rating.kiosk": ["so"], "rating.rate": ["token", "level", "reasons", "quay"],
    "kiosk_feedback.form": ["k"], "kiosk_feedback.submit": ["kind", "topic", "content", "dossier_code",
                                                            "request_key", "k"],
    "kiosk_feedback.print_status": [], "kiosk_feedback.print_preview": [], "kiosk_feedback.track": ["k", "K"],
    "feedback.index": ["status", "mine"], "feedback.new": [],
    "feedback.create": ["kind", "topic", "content", "dossier_code", "request_key", "ticket_id"],
    "feedback.show": [], "feedback.assign": ["officer_id"], "feedback.close": ["text", "confirmed"],
    "feedback.print_receipt": [],
    "admin.confirm_clock_time": [],
    "sync_api.health": [], "sync_api.push": ["events", "keys"], "sync_api.pull": ["after", "limit"],
    "display.board_page": [], "display.board": ["after", "shown"], "display.chime": [],
    "display.announcement": [], "counter.index": [],
    "counter.select_counter": ["counter_id", "take_over", "supervisor", "supervisor_password", "reason"],
    "counter.release_counter": [],
    "counter.waiting": [], "counter.call_next_ticket": [], "counter.ticket_action": ["target"],
    "counter_scan.scan": ["scan", "in_place"], "dossiers.index": [], "dossiers.create": INTAKE,
    "dossiers.new": ["ticket", "procedure_id", "all_procedures"],
    "dossiers.applicant_check": [*INTAKE[2:10], "id_card_checked"],
    "auth.session_alive": [], "auth.session_status": [], "dossiers.checklist": ["procedure_id"],
    "dossiers.scan_card": ["card_payload", *INTAKE[2:10]], "dossiers.show": [], "dossiers.step": STEP,
    "dossiers.attach": ["document", "file"], "dossiers.attachment": [],
    "dossiers.tracking_log": ["from", "to"],
    "dossiers.receipt": ["paper"], "dossiers.print_slip": ["kind"], "forms.form": [],
    "forms.log": ["from", "to"], "printers.index": [], "printers.job_action": [],
    "admin.index": [], "admin.update_site": ["name", "parent_agency", "kind", "address", "agency_code"],
    "admin.save_queue": ["letter", "name", "name_en", "fields"], "admin.toggle_queue": [],
    "admin.save_counter": ["number", "queue_ids", "printer_url"],
    "admin.add_kiosk": ["code", "name", "printer_url"], "admin.export_procedures": ["sep"],
    "admin.save_procedure": PROCEDURE, "admin.import_procedures": ["file"],
    "admin.set_calendar_day": ["day", "working", "note"], "admin.remove_calendar_day": [],
    "admin.toggle_category": [], "admin.test_printer": [], "admin.set_printer": ["printer_url"],
    "hours.edit": [], "hours.save": ["weekday", "saturday", "cutoff_minutes", "collect_note", "phone"],
    "staff_admin.index": [], "staff_admin.account": [],
    "staff_admin.add": ["username", "full_name", "role", "site_ids", "password", "password_again"],
    "staff_admin.details": ["full_name", "role"], "staff_admin.sites": ["site_ids"],
    "staff_admin.password": ["mode", "password", "password_again"], "staff_admin.disable": [],
    "staff_admin.enable": [],
    "supervisor.index": ["period", "from", "to", "site"],
    "supervisor.figures": ["period", "from", "to", "site"],
    "supervisor.dossiers": ["key", "from", "to", "site"],
    "reports.index": ["from", "to"], "reports.weekly_pdf": ["from", "to"],
    "reports.weekly_xlsx": ["from", "to"],
    "reports.log_pdf": ["from", "to"], "reports.export": ["from", "to"],
    "search.index": ["q"], "search.citizen": [],
}
NASTY = [
    "", " ", "0", "-1", "1" + "0" * 23, "-" + "9" * 30, "١٢", "²", "１２", "1e9", "NaN", "15.000", "99999",
    "\x00", "a\x1b[31mb", "\r\n\t", "\u202eexe.jpg", "\ue000", "a\u0301", "\u0301", "🙂" * 40, "\ufeff",
    unicodedata.normalize("NFD", "Nguyễn Văn Minh"), "Nguyá»…n VÄƒn", "Nguy?n V?n Minh", "x" * 5000,
    "http://[::1/T/X?K=Y", "tcp://[::1/", "tcp://host:99999", "file:///etc/shadow", "file:///dev/null",
    "//evil.example", "/\t/evil.example", "../../etc/passwd", "%00", "{{7*7}}", "<script>alert(1)</script>",
    "01/01/0001", "31/12/9999", "00/00/0000", "29/02/2023", "9999-12-31", "not-a-uuid", str(uuid.UUID(int=0)),
    "001090123456|012345678|Nguyễn Thị|05031990|Nữ|Xóm 2|15042021", "receive", "supplement", "refuse",
]
UPLOADS = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"\xff\xd8\xff" + b"junk" * 10,
           b"ma_thu_tuc,ten_thu_tuc,linh_vuc\n1.1,=HYPERLINK(1),x\n", b"a,b\n\"" + b"x" * 140_000,
           "ma_thu_tuc;ten_thu_tuc;linh_vuc;le_phi\n1.2;Tên;Lĩnh vực;100000000000000000000000\n".encode()]
text = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
                 st.integers(-(10**25), 10**25).map(str))


def value_for(name: str, ids: dict):
    """A strategy for one field: usually nasty, sometimes a real id so the route goes further in."""
    real = [ids[key] for key in ids if key == name or (name == "ticket" and key == "ticket_id")]
    return st.one_of(text, st.sampled_from(real)) if real else text


@st.composite
def request_for(draw, endpoint: str, rule, ids: dict):
    """A path with drawn parameters, the drawn fields (some repeated, some left out) and headers."""
    path = rule.rule
    for argument in rule.arguments:
        if argument in WORDS:
            choice = st.one_of(st.sampled_from(sorted(set(WORDS[argument].values()) | {"x"})), text)
        else:
            choice = value_for(argument, ids)
        raw = quote(draw(choice), safe="") or "x"  # as a browser sends it: "/", "?", "%" encoded
        path = path.replace(f"<{argument}>", raw).replace(f"<path:{argument}>", raw)
    fields = []
    for name in FIELDS[endpoint]:
        if name == "file":
            fields.append((name, (io.BytesIO(draw(st.sampled_from(UPLOADS))), draw(text) or "f.csv")))
            continue
        for _ in range(draw(st.integers(0, 2))):  # left out, once, or repeated
            fields.append((name, draw(value_for(name, ids))))
    return path, fields, draw(st.booleans())


def check(response, what):
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    assert response.status_code < 500, what
    leaked = [marker for marker in LEAKS if marker in body]
    assert leaked == [], what


def test_every_route_has_its_fields_listed(app):
    assert sorted({endpoint for endpoint, _, _ in routes(app)} - FIELDS.keys()) == []


@pytest.mark.parametrize("role", list(ROLES))
def test_malformed_input_never_gives_a_5xx_or_a_traceback(app, staff, role):
    officer = staff("canbo1")  # a ticket and a received dossier, so real ids lead somewhere
    officer.client.post("/kiosk/tickets", data={"queue_id": real_ids(app)["queue_id"]},
                        headers={"X-CSRFToken": officer.token})
    assert intake(officer, app).status_code == 303
    client, token = client_for(app, role)
    ids = real_ids(app)
    for endpoint, method, rule in routes(app):
        walk(client, token, role, endpoint, method, rule, ids)()


def walk(client, token, role, endpoint, method, rule, ids):
    """A Hypothesis test of one route for one logged-in client, run by calling it."""

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request_for(endpoint, rule, ids))
    def one_route(drawn):
        path, fields, htmx = drawn
        headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if htmx else {})}
        if method == "GET":
            response = client.get(path, query_string=MultiDict(fields), headers=headers)
        else:
            response = client.post(path, data=MultiDict([*fields, ("csrf_token", token)]), headers=headers,
                                   content_type="multipart/form-data")
        check(response, (role, endpoint, method, path, fields))

    return one_route
