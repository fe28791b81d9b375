"""English everywhere: every public and staff page, opened in Chromium in English, shows no Vietnamese
but the data people typed.

The pages come from the app's URL map, so a new page is covered the day it is added: every GET route
that answers a page (files, previews and the sync API are not pages) is opened with a role its row in
tests/test_routes_matrix.py lets in; path parameters are filled from a seeded site (the demo with a
fortnight's history, plus a dossier in every status, a PAKN and a ticket with their print jobs), a
dossier page once per status. Central's own screens are opened on a central server when PostgreSQL and
Redis are there.

What counts as Vietnamese: any letter with a Vietnamese diacritic (ă â đ ê ô ơ ư and the five tones) in
the visible text, the title, placeholders, labels for screen readers, button captions and alternative
texts. Names, procedures, addresses and anything else a person typed stay as typed: the templates mark
them with lang="vi" (the `vi` filter), which the check skips; such a text repeated in the title or an
attribute is skipped there too.
"""

import os
import re
import subprocess
from contextlib import ExitStack, suppress
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.support.central_server import (
    REDIS_URI,
    CentralServer,
    drop_database,
    fresh_database,
    postgres_unavailable,
)
from tests.support.live_server import BIN, ROOT, LiveServer
from tests.test_i18n import vietnamese_letters
from tests.test_routes_matrix import MATRIX

from .conftest import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, query_db, scripts_ready, shot
from .test_central_tracking import redis_unavailable

pytestmark = pytest.mark.browser

LETTERS = vietnamese_letters()
PASSWORD = "motcua-demo"
ACCOUNTS = {"officer": "canbo1", "supervisor": "giamsat", "admin": "admin", "postal_officer": "buudien",
            "second_officer": "canbo2"}  # canbo2: made by the demo's history
ROLE_ORDER = ("anonymous", "officer", "supervisor", "admin", "postal_officer")
FILE_SUFFIX = re.compile(r"\.(pdf|png|wav|csv|xlsx)$")
NOT_PAGES = {  # endpoint → why it is not opened as a page
    "static": "files", "set_language": "the switch itself (opened before every role's pages)",
    "dossiers.attachment": "a scanned paper (an image or a PDF)",
    "sync_api.health": "JSON for machines", "sync_api.pull": "JSON for machines",
    "rating.waiting": "polled inside /danh-gia/quay/<n>: 204 while nothing changes, else that page's panel",
}
SIZE = {"width": 1366, "height": 900}

# Runs in the page: every text and caption a person can meet there (hidden ones too: a dialog or a
# screen not yet shown is still read later), minus what sits in an element marked lang="vi".
FIND_VIETNAMESE = """letters => {
  const vietnamese = new RegExp("[" + letters + "]");
  const marked = element => element.closest('[lang="vi"], script, style, noscript, textarea');
  const data = new Set();
  for (const element of document.querySelectorAll('body [lang="vi"]')) {
    const text = element.textContent.replace(/\\s+/g, " ").trim();
    if (text) data.add(text);
  }
  const strip = text => {
    let left = text.replace(/\\s+/g, " ");
    for (const value of [...data].sort((a, b) => b.length - a.length)) left = left.split(value).join(" ");
    return left;
  };
  const describe = element => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 3; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) part += "#" + node.id;
      else if (node.classList.length) part += "." + [...node.classList].slice(0, 2).join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const found = [];
  const note = (text, where) => {
    const left = strip(text).trim();
    if (vietnamese.test(left)) found.push({text: left.slice(0, 160), where});
  };
  note(document.title.split(" – ")[0], "<title>");  // after the dash: the reception point's name
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || marked(parent) || !vietnamese.test(node.textContent)) continue;
    note(node.textContent, describe(parent) + (parent.checkVisibility() ? "" : " (hidden)"));
  }
  const captions = ["title", "placeholder", "aria-label", "alt", "label", "hx-confirm", "hx-prompt",
                    "data-confirm"];
  for (const element of document.querySelectorAll("body *")) {
    if (marked(element)) continue;
    for (const name of captions) {
      const value = element.getAttribute(name);
      if (value) note(value, describe(element) + "[" + name + "]");
    }
    const button = element.matches('input[type="submit"], input[type="button"], input[type="reset"]');
    if (button && element.value) note(element.value, describe(element) + "[value]");
  }
  return found;
}"""
NO_BROWSER_CHECKS = "() => document.querySelectorAll('form').forEach(form => form.noValidate = true)"
HTMX_SETTLED = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"

# Run once on the seeded site before its server starts: the statuses the history does not reach, a
# PAKN of the kiosk with its printed receipt, and a kiosk ticket with its print job.
MORE_DATA = """
from sqlalchemy import select
from domain import feedback as pakn, lifecycle
from domain.dossiers import receive_dossier, refuse_at_intake, validate_intake
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site, site_queues
from domain.staff import staff_named
from models import Procedure
from motcua import create_app
from motcua.extensions import db
from motcua.feedback_web import queue_receipt
from motcua.transactions import write_transaction

app = create_app()
with app.test_request_context("/kiosk"):
    with write_transaction():
        site, officer = current_site(), staff_named("canbo1")
        procedure = db.session.scalars(select(Procedure).order_by(Procedure.code)).first()
        papers = set(range(len(procedure.documents)))
        def intake(name, number):
            return validate_intake(procedure, {"applicant_name": name, "applicant_id_number": number}, papers)
        refuse_at_intake(site, officer, intake("Lương Thị Thu", "019190001122"),
                         "Thủ tục không thuộc thẩm quyền của xã.")
        taken = [receive_dossier(site, officer, intake(name, f"0191900011{n:02d}"))
                 for n, name in enumerate(["Vi Văn Sáng", "Hà Thị Lụa", "Ma Văn Khánh", "Nông Thị Hoa"])]
        for dossier in taken:
            lifecycle.transfer(site, dossier, officer, "")
        lifecycle.refuse(site, taken[0], officer, "Hồ sơ không đủ điều kiện theo quy định.")
        lifecycle.stop(site, taken[1], officer, "Người nộp rút hồ sơ.")
        lifecycle.request_supplement(site, taken[2], officer, ["Bản sao sổ hộ khẩu"], "Thiếu giấy tờ")
        lifecycle.result_ready(site, taken[3], officer, "Đã ký")
        lifecycle.return_result(site, taken[3], officer, "applicant", True)
        notes = [pakn.submit_feedback(site, channel="kiosk", kind="kien_nghi", topic="facilities",
                                      content=text)
                 for text in ("Đề nghị lắp thêm quạt ở khu vực chờ.", "Nên có chỗ gửi xe có mái che.",
                              "Cán bộ hướng dẫn rất tận tình.")]
        queue_receipt(site, notes[0], "preview://", "Kiosk K1")
        pakn.answer_feedback(site, notes[1], officer, "Đơn vị sẽ làm mái che trong tháng tới.")
        pakn.reject_feedback(site, notes[2], officer, "Nội dung không phải phản ánh, kiến nghị.")
        issue_tickets(site.id, [TicketRequest(queue_id=str(site_queues(site)[0].id), kiosk_code="K1")])
"""


@pytest.fixture(scope="module")
def english_site(tmp_path_factory):
    """A site of its own (logging officers in would close counters the shared one uses), with history."""
    instance = tmp_path_factory.mktemp("browser-english-site") / "instance"
    instance.mkdir(parents=True)
    env = {**os.environ, "MOTCUA_INSTANCE_PATH": str(instance), "FLASK_EVENT_GUARD": "raise",
           "FLASK_KIOSK_HOURS_ENFORCED": "false"}
    for command in (["flask", "--app", "motcua", "db", "upgrade"],
                    ["flask", "--app", "motcua", "seed-demo", "--history", "3"],
                    ["python", "-c", MORE_DATA]):
        done = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, env=env,
                              capture_output=True, encoding="utf-8", timeout=300)
        assert done.returncode == 0, f"{command[:4]} failed:\n{done.stderr[-3000:]}"
    # its own migrate and seed find everything done; the kiosk's idle return (to Vietnamese) never
    # comes in the middle of a page being read
    server = LiveServer(instance, env={"FLASK_KIOSK_IDLE_SECONDS": "3600"})
    try:
        yield server.start(timeout=120)
    finally:
        server.stop()


class EnglishBrowser:
    """One English browser context per role (a staff role logged in once), and what each page showed."""

    def __init__(self, browser, base: str, accounts: dict | None = None):
        self.browser, self.base, self.accounts = browser, base, accounts or ACCOUNTS
        self.contexts: dict[str, object] = {}
        self.findings: dict[str, dict] = {}  # text → {"pages": [...], "where": ...}
        self.visited: list[str] = []
        self.errors: list[str] = []

    def page(self, role: str):
        if role not in self.contexts:
            context = self.browser.new_context(viewport=SIZE, locale="en-GB", timezone_id="Asia/Ho_Chi_Minh")
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            page = context.new_page()
            page.on("pageerror", lambda error, page=page: self.errors.append(f"{page.url}: {error}"))
            page.goto(f"{self.base}/lang/en?next=/login")
            if role in self.accounts:
                page.locator('input[name="username"]').fill(self.accounts[role])
                page.locator('input[name="password"]').fill(PASSWORD)
                page.locator('form.stack button[type="submit"]').click()
                expect(page).not_to_have_url(re.compile(r"/login"))
            self.contexts[role] = page
        return self.contexts[role]

    def check(self, role: str, path: str, page=None) -> None:
        """Open `path` (or take the page as it is) and note every Vietnamese text it shows."""
        page = page or self.page(role)
        if path:
            response = page.goto(self.base + path, wait_until="networkidle")
            if response is not None and not response.headers.get("content-type", "").startswith("text/html"):
                return  # JSON for a script (the session's ping…): not a page
        page.wait_for_function(HTMX_SETTLED)
        label = f"{path or page.url.removeprefix(self.base)} ({role})"
        self.visited.append(label)
        for item in page.evaluate(FIND_VIETNAMESE, LETTERS):
            seen = self.findings.setdefault(item["text"], {"pages": [], "where": item["where"]})
            if label not in seen["pages"]:
                seen["pages"].append(label)

    def report(self) -> str:
        lines = [f"Vietnamese on {len({p for f in self.findings.values() for p in f['pages']})} English "
                 f"pages ({len(self.findings)} texts):"]
        for text, seen in sorted(self.findings.items(), key=lambda item: item[1]["pages"][0]):
            more = f" and {len(seen['pages']) - 1} more" if len(seen["pages"]) > 1 else ""
            lines.append(f"  {seen['pages'][0]}{more}: “{text}” in {seen['where']}")
        lines.append(
            "Fix: wrap a template's text in _(\"…\") (gettext(\"…\") in Python) and give its English in "
            "motcua/messages_en_day_<you>.py; a label chosen at run time goes through _() where it is "
            "shown; data people typed (names, procedures, addresses, reasons) is marked with the `vi` "
            "filter or lang=\"vi\" on its element; a queue or priority shows its name_en.")
        return "\n".join(lines)

    def close(self) -> None:
        for page in self.contexts.values():
            with suppress(PlaywrightError):
                page.context.close()


@pytest.fixture
def english(browser, english_site):
    walker = EnglishBrowser(browser, english_site.url)
    yield walker
    walker.close()
    assert not walker.errors, f"JavaScript errors: {walker.errors}"


def site_routes(scratch: Path) -> list[tuple[str, str, list[str]]]:
    """(endpoint, rule, parameter names) of every GET route of a site (one rule an endpoint: /T/ and
    /t/ are one page)."""
    from motcua import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(scratch),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'routes.sqlite3'}"})
    rules = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" in rule.methods:
            rules.setdefault((rule.endpoint, tuple(sorted(rule.arguments))), rule.rule)
    return [(endpoint, rule, list(names)) for (endpoint, names), rule in rules.items()]


def is_page(endpoint: str, rule: str) -> bool:
    return endpoint not in NOT_PAGES and not FILE_SUFFIX.search(rule)


def role_for(endpoint: str) -> str:
    row = MATRIX.get((endpoint, "GET"))
    assert row is not None, f"{endpoint} has no row in tests/test_routes_matrix.py MATRIX"
    return next(role for role in ROLE_ORDER if row.get(role) == "ok")


class SiteValues:
    """Real values of the seeded site for the path parameters, by name (a list: one page for each)."""

    def __init__(self, server):
        self.server = server

    def rows(self, sql: str, *params) -> list[tuple]:
        return query_db(self.server, sql, *params)

    def each_status(self, sql: str) -> list[tuple]:
        """The first row of every status: `sql` selects the status first, ordered."""
        first = {}
        for status, *values in self.rows(sql):
            first.setdefault(status, tuple(str(value) for value in values))
        return list(first.values())

    def one(self, sql: str, *params) -> str:
        rows = self.rows(sql, *params)
        assert rows, f"the seeded database has no row for {sql}"
        return str(rows[0][0])

    def paths(self, endpoint: str, rule: str, names: list[str]) -> list[str]:
        if endpoint == "tracking.track":  # the citizen's page, in every status
            found = self.each_status('SELECT status, code, "check" FROM dossier WHERE code IS NOT NULL '
                                     "ORDER BY code")
            return [rule.replace("<code>", code) + f"?K={check}" for code, check in found]
        if endpoint == "kiosk_feedback.track":
            found = self.each_status('SELECT status, code, "check" FROM feedback ORDER BY code')
            return [rule.replace("<code>", code) + f"?K={check}" for code, check in found]
        paths = [rule]
        for name in names:
            values = self.values(endpoint, name)
            paths = [re.sub(rf"<(?:\w+:)?{name}>", value, path) for path in paths for value in values]
        return paths

    def values(self, endpoint: str, name: str) -> list[str]:
        one = self.one
        if name in ("dossier_id", "feedback_id"):  # its own page: one in each status; others: one
            table = name.removesuffix("_id")
            found = [row_id for (row_id,) in self.each_status(f"SELECT status, id FROM {table} ORDER BY id")]
            return found if endpoint.endswith((".show", ".dossier")) else found[:1]
        if name == "ticket_id":
            return [one("SELECT ticket_id FROM print_job WHERE ticket_id IS NOT NULL")]
        if name == "job_id":
            document = "ticket" if endpoint.startswith("kiosk.") else "feedback"
            return [one("SELECT id FROM print_job WHERE document LIKE ?", f"%{document}%")]
        if name == "queue_id":
            return [one("SELECT id FROM queue ORDER BY letter")]
        if name == "procedure_id":
            return [one("SELECT id FROM procedure ORDER BY code")]
        if name == "number":
            return ["1"]
        if name == "user_id":
            return [one("SELECT id FROM staff_user WHERE username = 'canbo1'")]
        raise AssertionError(f"{endpoint}: no value for the path parameter <{name}>; add one to "
                             "SiteValues.values in tests/browser/test_english.py")


def journeys_in_english(english, server) -> None:
    """What only a form shows: the kiosk's priority and ticket screens, the PAKN receipt, the counter
    serving a citizen, the intake form refused with its messages, a step asking for its reason and
    confirmation, a takeover asking for a supervisor."""
    base = server.url
    kiosk = english.page("anonymous")
    kiosk.goto(base + "/kiosk")
    scripts_ready(kiosk)
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    expect(kiosk.locator('button.queue-button[data-queue="B"]')).to_contain_text("Certification")
    english.check("anonymous", "", kiosk)
    shot(kiosk, "english-kiosk.png")
    kiosk.locator('button.queue-button[data-queue="B"]').click()
    expect(kiosk.locator('[data-screen="priority"]')).to_contain_text("Older person")
    english.check("anonymous", "", kiosk)
    kiosk.locator("button.priority-button").first.click()
    expect(kiosk.locator('[data-screen="ticket"]')).to_contain_text("Your queue number")
    english.check("anonymous", "", kiosk)

    kiosk.goto(base + "/kiosk")
    kiosk.locator("#pakn-link").click()
    kiosk.locator(".pakn-kinds label.pakn-choice").first.click()
    kiosk.locator(".pakn-topics label.pakn-choice").first.click()
    kiosk.locator("#pakn-content").fill("Đề nghị có thêm bút ở bàn viết tờ khai.")
    kiosk.locator("button.pakn-send").click()
    expect(kiosk.locator('[data-screen="pakn-receipt"]')).to_be_visible()
    english.check("anonymous", "", kiosk)

    counter = english.page("officer")  # counter 1 (A, B) calls the citizen with priority first
    counter.goto(base + "/counter")
    scripts_ready(counter)
    counter.locator('button.counter-choice[data-counter="1"]').click()
    counter.locator("button.call-next").click()
    expect(counter.locator(".serving")).to_contain_text("Older person")
    english.check("officer", "", counter)
    shot(counter, "english-counter.png")
    counter.locator('a[data-shortcut="d"]').click()  # intake from the ticket: its queue's procedures
    expect(counter.locator("#procedure-choice")).to_be_visible()
    english.check("officer", "", counter)
    counter.goto(base + "/counter")
    counter.locator('button[data-shortcut="k"]').click()  # finished: the citizen is asked to rate
    expect(counter.locator(".serving")).to_have_count(0)
    rating = english.page("anonymous")
    rating.goto(base + "/danh-gia/quay/1")
    expect(rating.locator('[data-screen="rating-ask"]')).to_be_visible()
    english.check("anonymous", "", rating)

    counter.goto(base + "/counter/dossiers/new")
    counter.evaluate(NO_BROWSER_CHECKS)
    counter.locator('button[name="decision"][value="receive"]').click()
    expect(counter.locator(".error-text, .field-error, [role=alert]").first).to_be_visible()
    english.check("officer", "", counter)

    # Stopping a dossier: refused without a reason, then asked to confirm.
    counter.goto(f"{base}/counter/dossiers/{dossier_in(server, 'transferred')}")
    counter.evaluate(NO_BROWSER_CHECKS)
    counter.locator('#step-stop button[type="submit"]').click()
    expect(counter.locator("#step-stop [role=alert]")).to_be_visible()
    english.check("officer", "", counter)
    counter.locator('#step-stop input[name="reason"]').fill("Người nộp xin rút hồ sơ.")
    counter.locator('#step-stop button[type="submit"]').click()
    expect(counter.locator("#step-confirm")).to_be_visible()
    english.check("officer", "", counter)
    counter.locator("#confirm-no").click()
    expect(counter.locator("#step-confirm")).to_have_count(0)

    # Another officer asks for the occupied counter 1: a supervisor must confirm the takeover.
    other = english.page("second_officer")
    other.goto(base + "/counter")
    other.locator('button.counter-choice[data-counter="1"]').click()
    expect(other.locator("#takeover")).to_be_visible()
    english.check("second_officer", "", other)


def dossier_in(server, status: str) -> str:
    return query_db(server, "SELECT id FROM dossier WHERE status = ? ORDER BY id", status)[0][0]


def test_every_site_page_is_english(english, english_site, tmp_path):
    journeys_in_english(english, english_site)
    values = SiteValues(english_site)
    pages = [row for row in site_routes(tmp_path) if is_page(*row[:2])]
    for endpoint, rule, names in sorted(pages, key=lambda row: (row[0] == "auth.login", row[1])):
        role = role_for(endpoint)
        for path in values.paths(endpoint, rule, names):
            english.check(role, path)
    procedure = values.values("", "procedure_id")[0]
    for role, path in (("officer", f"/counter/dossiers/new?procedure_id={procedure}"),
                       ("officer", f"/counter/dossiers/checklist?procedure_id={procedure}"),
                       ("officer", "/counter/search?q=Nguyễn"), ("officer", "/counter/pakn?status=closed"),
                       ("supervisor", "/counter/supervisor/dossiers?key=late"),
                       ("anonymous", "/kiosk/tra-cuu?code=000.00.12.H56-000101-0001&check=XXXXXX"),
                       ("anonymous", "/no-such-page")):
        english.check(role, path)  # what a query shows: a procedure chosen, results, a list, not found
    assert not english.findings, english.report()


# -- central ----------------------------------------------------------------------------------------

CENTRAL_ACCOUNT = "tinh.giamsat"  # a province supervisor: every screen, and the agency's actions
CENTRAL_ALSO = ("index", "auth.login", "supervisor.", "reports.index", "tracking.track")  # shared, as central


@pytest.fixture(scope="module")
def english_central(tmp_path_factory):
    """Central (gunicorn, a throw-away PostgreSQL database, Redis) with the demo province and a
    morning of work at each of its three reception points."""
    reason = postgres_unavailable() or redis_unavailable()
    if reason:
        pytest.skip(reason)
    with ExitStack() as cleanup:
        url = fresh_database("motcua_browser_english")
        cleanup.callback(drop_database, url)
        central = CentralServer(tmp_path_factory.mktemp("browser-english-central"), url, workers=2)
        central.env["FLASK_PUBLIC_BASE_URL"] = central.url  # the port is chosen on construction
        cleanup.callback(central.stop)
        central.prepare()
        central.flask("central", "seed-demo", timeout=600)
        central.start(timeout=60)
        yield central


def central_routes(central, scratch: Path) -> list[tuple[str, str, list[str]]]:
    """The GET routes central serves as its own: its screens, and the shared ones it shows province-wide."""
    from motcua import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(scratch), "ROLE": "central",
                      "SQLALCHEMY_DATABASE_URI": central.database_url, "RATELIMIT_STORAGE_URI": REDIS_URI})
    rules = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" in rule.methods and rule.endpoint.startswith(("central.", *CENTRAL_ALSO)):
            rules.setdefault((rule.endpoint, tuple(sorted(rule.arguments))), rule.rule)
    return [(endpoint, rule, list(names)) for (endpoint, names), rule in rules.items()]


class CentralValues(SiteValues):
    """The same, read from central's PostgreSQL database."""

    def __init__(self, central):
        self.dsn = central.database_url.replace("postgresql+psycopg://", "postgresql://", 1)

    def rows(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.dsn, connect_timeout=10) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()

    def values(self, endpoint: str, name: str) -> list[str]:
        if name == "site_id":
            return [str(row_id) for (row_id,) in self.rows("SELECT id FROM reception_point ORDER BY 1")]
        return super().values(endpoint, name)


def test_every_central_page_is_english(browser, english_central, tmp_path):
    walker = EnglishBrowser(browser, english_central.url, accounts={"supervisor": CENTRAL_ACCOUNT})
    try:
        values = CentralValues(english_central)
        for endpoint, rule, names in central_routes(english_central, tmp_path):
            role = "anonymous" if endpoint in ("index", "auth.login", "tracking.track") else "supervisor"
            for path in values.paths(endpoint, rule, names):
                walker.check(role, path)
        assert [p for p in walker.visited if p.startswith("/central/dossiers/")], "no dossier page at central"
    finally:
        walker.close()
    assert not walker.errors, f"JavaScript errors: {walker.errors}"
    assert not walker.findings, walker.report()
