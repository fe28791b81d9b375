"""The province dashboard at central: each reception point's figures are what the site did, brought in
by the real sync (sites on SQLite, enrolled and pushing through the sync API in process), on a central
app with its own throw-away PostgreSQL database and Redis for rate limits.

The fixtures here (`province`) are shared with tests/test_central_actions.py.
"""

import shutil
import uuid
from datetime import datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import psycopg
import pytest
import redis
from flask_migrate import upgrade
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from domain import dossiers as dossier_operations
from domain import lifecycle
from domain.clock import utcnow
from domain.collation import POSTGRESQL_NAME as ICU_COLLATION
from domain.collation import vi_key as sort_key
from domain.dossiers import receive_dossier, validate_intake
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site, site_queues
from models import Dossier, Procedure, Quarantine, SiteLink, StaffUser
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction
from sync.demo import SITES, seed_reference
from sync.inprocess import transport_factory
from sync.provision import add_site
from sync.site import enrol, sync_round

from .conftest import Staff

SERVER = "postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
PUBLIC = "http://central.example"
TAN_CUONG, QUYET_THANG, PHUC_XUAN = (code for code, *_ in SITES)
PREFIX = {code: prefix for code, *_rest, prefix in SITES}
# Names whose Vietnamese order is neither byte order (Đ and Ư sort after V there) nor plain Unicode
# collation's (DUCET puts "Đào" before "Dương" and "Ưng" before "Uy").
EXTRA_SITES = [("000.00.44.H56", "Xã Vân Đình"), ("000.00.43.H56", "Xã Ưng Hòa"),
               ("000.00.42.H56", "Xã Uy Nỗ"), ("000.00.41.H56", "Xã Đào Xá"),
               ("000.00.40.H56", "Xã Dương Minh")]
APPLICANTS = [("Nguyễn Thị Hồng Nhung", "001190123456"), ("Đặng Văn Đức", "019085004321"),
              ("Vũ Thị Ánh", "019192007788"), ("Lê Văn Bình", "019090001122")]


def _admin(statement: str) -> None:
    with psycopg.connect(f"postgresql://{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _services_or_skip() -> None:
    try:
        _admin("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {SERVER}: {exc}")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS}: {exc}")


class Site:
    """A reception point's own server (SQLite), enrolled with central through the sync API."""

    def __init__(self, province: "Province", code: str, folder):
        folder.mkdir()
        shutil.copy(province.empty_database, folder / "motcua.sqlite3")
        self.code = code
        self.app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "site",
                               "START_WORKERS": False, "EVENT_GUARD": "raise",
                               "RATELIMIT_STORAGE_URI": "memory://",
                               "SYNC_TRANSPORT": transport_factory(province.app)})
        with self.app.app_context():
            enrol(PUBLIC, province.credentials[code])

    def officer_name(self) -> str:
        role = "buudien" if self.code == PHUC_XUAN else "canbo1"
        return f"{PREFIX[self.code]}.{role}"

    def work(self, task):
        """Run task(site, officer) in one write transaction of this site; return what it returns."""
        with self.app.app_context(), write_transaction():
            officer = db.session.scalars(select(StaffUser)
                                         .where(StaffUser.username == self.officer_name())).one()
            result = task(current_site(), officer)
            db.session.flush()
            return result

    def sync(self):
        with self.app.app_context():
            return sync_round()

    def read(self, query):
        with self.app.app_context():
            rows = db.session.scalars(query).all()
            db.session.expunge_all()
            return rows

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


class Province:
    """Central (PostgreSQL) with the demo province's reference data, and the sites enrolled so far."""

    def __init__(self, app, credentials, empty_database, folder):
        self.app, self.credentials = app, credentials
        self.empty_database, self.folder = empty_database, folder
        self.sites: dict[str, Site] = {}

    def site(self, code: str) -> Site:
        if code not in self.sites:
            self.sites[code] = Site(self, code, self.folder / code)
        return self.sites[code]

    def login(self, username: str) -> Staff:
        staff = Staff(self.app.test_client(), username)
        assert staff.login_status == 303, username
        return staff

    def site_id(self, code: str) -> uuid.UUID:
        with self.app.app_context():
            from models import ReceptionPoint

            return db.session.scalar(select(ReceptionPoint.id).where(ReceptionPoint.agency_code == code))


@pytest.fixture
def province(tmp_path, empty_database):
    _services_or_skip()
    name = f"motcua_province_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    app = province = None
    try:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "central"), "ROLE": "central",
                          "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{SERVER}/{name}",
                          "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"test-{name}",
                          "EVENT_GUARD": "raise", "PUBLIC_BASE_URL": PUBLIC})
        with app.app_context():
            upgrade()
            with write_transaction():
                credentials = seed_reference()
        province = Province(app, credentials, empty_database, tmp_path)
        yield province
    finally:
        for site in (province.sites.values() if province else ()):
            site.close()
        release_writer_lock_file()
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---- Work done at a site, with the domain operations the counter screens call -------------------

def issue(n: int):
    def task(site, _officer):
        queues = site_queues(site)
        issue_tickets(site.id, [TicketRequest(queue_id=str(queues[i % len(queues)].id)) for i in range(n)])
    return task


def receive(applicant: int, channel: str = "in_person", then=()):
    """A complete dossier received (and moved on through `then`: lifecycle functions); its code."""
    def task(site, officer):
        procedures = db.session.scalars(select(Procedure).where(
            Procedure.site_id == site.id, Procedure.active.is_(True), Procedure.postal_allowed.is_(True))
            .order_by(Procedure.code)).all()
        procedure = procedures[applicant % len(procedures)]
        name, id_number = APPLICANTS[applicant]
        intake = validate_intake(procedure, {"applicant_name": name, "applicant_id_number": id_number,
                                             "channel": channel}, set(range(len(procedure.documents))))
        dossier = receive_dossier(site, officer, intake)
        for step in then:
            step(site, dossier, officer)
        return dossier.code
    return task


def transfer(site, dossier, officer):
    lifecycle.transfer(site, dossier, officer, "Phòng chuyên môn")


def ready(site, dossier, officer):
    lifecycle.result_ready(site, dossier, officer, "Đã ký")


def travel(monkeypatch, modules, to: datetime) -> None:
    """Take these modules' clock to `to` (naive UTC): what they date is dated then; events keep real time."""
    offset = to - utcnow()
    for module in modules:
        monkeypatch.setattr(module, "utcnow", lambda: utcnow() + offset)


class Rows(HTMLParser):
    """The dashboard's table as a user reads it: agency code → cell class → text."""

    def __init__(self, page: str):
        super().__init__()
        self.rows, self.order, self._row, self._cell = {}, [], None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-agency" in attrs:
            self._row = self.rows[attrs["data-agency"]] = {"state": attrs.get("class", "")}
            self.order.append(attrs["data-agency"])
        elif tag == "td" and self._row is not None:
            self._cell = attrs.get("class", "")
            self._row[self._cell] = ""

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        elif tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._row is not None and self._cell is not None:
            self._row[self._cell] = " ".join((self._row[self._cell] + " " + data).split())


def by_id(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    text = page[page.index(">", start) + 1:page.index("</", start)]
    return " ".join(text.split())


# ---- The dashboard -------------------------------------------------------------------------

@pytest.fixture
def worked(province, monkeypatch):
    """Tân Cương and Quyết Thắng enrolled and worked this morning; Phúc Xuân and five more never
    connected. Returns what each site did today, counted here."""
    with province.app.app_context(), write_transaction():
        for code, name in EXTRA_SITES:
            add_site(code, name, "commune_centre")
    tan_cuong, quyet_thang = province.site(TAN_CUONG), province.site(QUYET_THANG)
    import domain.issuance

    travel(monkeypatch, [domain.issuance], utcnow() - timedelta(days=1))
    tan_cuong.work(issue(2))  # yesterday's: not today's figure
    monkeypatch.undo()
    travel(monkeypatch, [dossier_operations, lifecycle], utcnow() - timedelta(days=40))
    late = tan_cuong.work(receive(2, then=[transfer]))  # open, long past its date
    tan_cuong.work(receive(3, then=[transfer, ready]))  # past its date too, but no longer open
    monkeypatch.undo()
    tan_cuong.work(issue(5))
    today = [tan_cuong.work(receive(0)), tan_cuong.work(receive(1, then=[transfer]))]
    quyet_thang.work(issue(3))
    quyet_thang.work(receive(0))
    tan_cuong.sync()
    quyet_thang.sync()
    return {"late": late, "today": today}


def test_the_dashboard_shows_each_site_as_it_worked_today(province, worked):
    quyet_thang = province.site_id(QUYET_THANG)
    with province.app.app_context(), write_transaction():  # Quyết Thắng last heard from 10 minutes ago
        db.session.execute(update(SiteLink).where(SiteLink.site_id == quyet_thang)
                           .values(last_contact_at=utcnow() - timedelta(minutes=10)))
    page = province.login("tinh.giamsat").get("/central/").get_data(as_text=True)
    rows = Rows(page)
    tan_cuong, quyet_thang, phuc_xuan = rows.rows[TAN_CUONG], rows.rows[QUYET_THANG], rows.rows[PHUC_XUAN]
    assert (tan_cuong["link"], tan_cuong["tickets"], tan_cuong["dossiers"], tan_cuong["overdue"]) == \
        ("Trực tuyến", "5", "2", "1")
    assert (quyet_thang["link"], quyet_thang["tickets"], quyet_thang["dossiers"], quyet_thang["overdue"]) == \
        ("Ngoại tuyến", "3", "1", "0")
    assert (phuc_xuan["link"], phuc_xuan["tickets"], phuc_xuan["last-sync"]) == ("Chưa kết nối", "0", "—")
    assert tan_cuong["waiting"] == "0" and tan_cuong["last-sync"] != "—"
    assert "Trung tâm Phục vụ hành chính công xã Tân Cương" in tan_cuong["name"]
    assert "Trung tâm Phục vụ hành chính công cấp xã" in tan_cuong["name"]  # its kind
    assert "Bưu điện văn hóa xã" in phuc_xuan["name"]
    expected = {"sites": "8", "online": "1", "offline": "1", "never": "6", "tickets": "8", "dossiers": "3",
                "overdue": "1", "waiting": "0", "quarantined": "0"}
    assert {key: by_id(page, f"total-{key}") for key in expected} == expected


def test_sites_are_listed_in_vietnamese_alphabetical_order(province, worked):
    page = province.login("tinh.admin").get("/central/").get_data(as_text=True)
    assert Rows(page).order == [PHUC_XUAN, QUYET_THANG, TAN_CUONG, "000.00.40.H56", "000.00.41.H56",
                                "000.00.42.H56", "000.00.43.H56", "000.00.44.H56"]


def test_the_python_fallback_sorts_names_as_the_databases_icu_collation_does(province):
    names = [name for _code, name in EXTRA_SITES] + [name for _code, name, *_ in SITES] + [
        "ma", "mà", "mả", "mã", "má", "mạ", "Ma", "mặt", "mất", "Ăn", "An", "Âu", "Ơn", "Ôi", "Oa",
        "Phường 1", "Phường 10", "Phường 2", "xã Ea H'leo", "Điện Biên", "Diên Khánh", "ệ", "ể", "ê", "e"]
    with psycopg.connect(f"postgresql://{SERVER}/postgres") as conn:
        icu = [row[0] for row in conn.execute(
            f'SELECT n FROM unnest(%s::text[]) AS t(n) ORDER BY n COLLATE "{ICU_COLLATION}"', (names,))]
    assert sorted(names, key=sort_key) == icu


def test_the_figures_refresh_as_a_fragment_every_30_seconds(province, worked):
    supervisor = province.login("tinh.giamsat")
    page = supervisor.get("/central/").get_data(as_text=True)
    assert 'hx-get="/central/figures"' in page and 'hx-trigger="every 30s"' in page
    tan_cuong = province.sites[TAN_CUONG]
    tan_cuong.work(issue(4))  # the morning goes on
    tan_cuong.sync()
    response = supervisor.get("/central/figures", htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in fragment
    assert Rows(fragment).rows[TAN_CUONG]["tickets"] == "9"
    assert by_id(fragment, "total-tickets") == "12"


def test_a_clock_off_by_more_than_two_minutes_is_a_warning(province, worked):
    offsets = {province.site_id(TAN_CUONG): -(7 * 60 + 10) * 1000, province.site_id(QUYET_THANG): 90 * 1000}
    with province.app.app_context(), write_transaction():
        for site_id, offset in offsets.items():
            db.session.execute(update(SiteLink).where(SiteLink.site_id == site_id)
                               .values(clock_offset_ms=offset))
    supervisor = province.login("tinh.giamsat")
    rows = Rows(supervisor.get("/central/").get_data(as_text=True)).rows
    assert rows[TAN_CUONG]["warnings"] == "Đồng hồ chậm 7 phút"
    assert rows[QUYET_THANG]["warnings"] == ""  # 90 s: within tolerance
    page = supervisor.get(f"/central/sites/{province.site_id(TAN_CUONG)}").get_data(as_text=True)
    assert "Đồng hồ chậm 7 phút" in by_id(page, "clock-warning")


def test_the_drill_down_lists_a_sites_dossiers_masked_and_its_sync_link(province, worked):
    supervisor = province.login("tinh.giamsat")
    page = supervisor.get(f"/central/sites/{province.site_id(TAN_CUONG)}").get_data(as_text=True)
    assert (by_id(page, "tickets-today"), by_id(page, "dossiers-today"), by_id(page, "overdue-now")) == \
        ("5", "2", "1")
    overdue = page[page.index('id="overdue"'):page.index('id="recent"')]
    recent = page[page.index('id="recent"'):page.index('id="sync"')]
    assert worked["late"] in overdue and not any(code in overdue for code in worked["today"])
    assert all(code in recent for code in [*worked["today"], worked["late"]])
    assert recent.index(worked["today"][1]) < recent.index(worked["today"][0]) < recent.index(worked["late"])
    assert "Nguyễn T. H. N." in recent and "Đặng V. Đ." in recent
    assert "Hồng Nhung" not in page and "001190123456" not in page  # masked; no ID numbers
    key_id, secret = province.credentials[TAN_CUONG].split(".", 1)
    credentials = page[page.index('id="credentials"'):]
    assert key_id in credentials and "Đang dùng" in credentials and secret not in page
    assert by_id(page, "events-received") != "0" and 'hx-trigger="every 30s"' in page


def test_the_figures_take_the_same_few_queries_however_many_sites(province, worked):
    supervisor = province.login("tinh.giamsat")
    statements = []

    def count(*_args):
        statements.append(1)

    with province.app.app_context():
        engine = db.engine
    assert supervisor.get("/central/figures", htmx=True).status_code == 200  # what a process looks up once
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        assert supervisor.get("/central/figures", htmx=True).status_code == 200
        few = len(statements)
        with province.app.app_context(), write_transaction():
            for n in range(30):
                add_site(f"000.00.{60 + n}.H56", f"Xã thử {n}", "commune_centre")
        statements.clear()
        page = supervisor.get("/central/figures", htmx=True).get_data(as_text=True)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert len(Rows(page).rows) == 38
    assert len(statements) == few <= 12


def test_only_the_provinces_admins_and_supervisors_see_the_dashboard(province):
    anonymous = province.app.test_client()
    assert anonymous.get("/central/").status_code == 302
    polled = anonymous.get("/central/figures", headers={"HX-Request": "true"})
    assert polled.status_code == 401 and polled.headers["HX-Redirect"].startswith("/login")
    officer = Staff(province.app.test_client(), f"{PREFIX[TAN_CUONG]}.canbo1")
    assert officer.login_status == 200  # a site's officer does not work at central
    assert officer.get("/central/").status_code == 302
    for username in ("tinh.admin", "tinh.giamsat"):
        assert province.login(username).get("/central/").status_code == 200
    assert province.login("tinh.admin").get(f"/central/sites/{uuid.uuid4()}").status_code == 404
    assert province.login("tinh.admin").get("/central/sites/not-an-id").status_code == 404


def test_the_dashboard_is_not_served_by_a_site(app, staff):
    assert staff("admin").get("/central/").status_code == 404


# ---- Quarantine --------------------------------------------------------------------------------

def test_an_event_sent_again_with_other_content_is_quarantined_shown_and_resolved(province, worked):
    from domain.apply import envelope
    from models import Event

    tan_cuong = province.sites[TAN_CUONG]
    with tan_cuong.app.app_context():
        event = db.session.scalars(select(Event).where(Event.type == "dossier.received")
                                   .order_by(Event.seq)).first()
        tampered = envelope(event)
    dossier = {**tampered["payload"]["dossier"], "fee": 999_000}
    tampered["payload"] = {**tampered["payload"], "dossier": dossier}
    pushed = province.app.test_client().post(
        "/api/v1/sync/push", json={"events": [tampered], "keys": []},
        headers={"Authorization": f"Bearer {province.credentials[TAN_CUONG]}"})
    assert pushed.status_code == 409 and pushed.get_json()["conflicts"][0]["id"] == tampered["id"]

    supervisor, admin = province.login("tinh.giamsat"), province.login("tinh.admin")
    dashboard = supervisor.get("/central/").get_data(as_text=True)
    assert by_id(dashboard, "total-quarantined") == "1"
    assert "1 sự kiện bị cách ly" in Rows(dashboard).rows[TAN_CUONG]["warnings"]
    page = admin.get("/central/quarantine").get_data(as_text=True)
    case = page[page.index(f'data-event="{tampered["id"]}"'):]
    assert "dossier.received" in case and "Trung tâm Phục vụ hành chính công xã Tân Cương" in case
    assert "cùng mã sự kiện nhưng nội dung khác" in case
    assert "<code>payload.dossier.fee</code>" in case
    stored, quarantined = (unescape(case[case.index(f'<pre class="{side}">'):])
                           for side in ("stored", "quarantined"))
    assert '"fee": 999000' in quarantined and '"fee": 999000' not in stored[:stored.index("</pre>")]
    assert '"sealed": "' in stored and "Nguyễn Thị Hồng Nhung" not in page  # personal data stays sealed

    with province.app.app_context():
        case_id = db.session.scalar(select(Quarantine.id))
    assert "Đánh dấu đã xử lý" not in supervisor.get("/central/quarantine").get_data(as_text=True)
    assert supervisor.post(f"/central/quarantine/{case_id}/resolve").status_code == 403
    resolved = admin.post(f"/central/quarantine/{case_id}/resolve")
    assert resolved.status_code == 200 and "Đã xử lý lúc" in resolved.get_data(as_text=True)
    again = admin.post(f"/central/quarantine/{case_id}/resolve")
    assert again.status_code == 409 and "đã được đánh dấu đã xử lý" in again.get_data(as_text=True)
    assert admin.post(f"/central/quarantine/{uuid.uuid4()}/resolve").status_code == 404
    assert by_id(supervisor.get("/central/").get_data(as_text=True), "total-quarantined") == "0"
    with province.app.app_context():
        assert db.session.scalar(select(Dossier.fee).where(Dossier.id == event.aggregate_id)) != 999_000


def test_centrals_own_strings_have_english():
    """tests/test_i18n.py reads the templates (central's among them) but not central/*.py."""
    import ast
    from pathlib import Path

    from central.figures import CLOCK_MESSAGES, LINK_LABELS
    from motcua.messages_en import EN

    root = Path(__file__).resolve().parent.parent / "central"
    calls = {"gettext", "gettext_noop", "DomainError", "NotFound"}
    nodes = [node for path in root.rglob("*.py") for node in ast.walk(ast.parse(path.read_text()))]
    found = [node.args[0].value for node in nodes
             if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
             and getattr(node.func, "id", getattr(node.func, "attr", "")) in calls]
    assert len(found) > 10
    shown = [*found, *LINK_LABELS.values(), *CLOCK_MESSAGES.values()]
    assert [text for text in shown if text not in EN] == []
