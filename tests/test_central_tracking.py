"""The public tracking page at the central server: a site's dossier, pushed the real way (the sync API
in process), opens from the receipt's QR code at central; everything that finds nothing is the same
bytes; a dossier still on its way names its reception point and its last sync; and the limit on
lookups is counted in Redis, shared by every worker."""

import multiprocessing
import re
import uuid
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg
import pypdfium2
import pytest
import redis
import zxingcpp
from flask_migrate import upgrade
from sqlalchemy import select

from domain.clock import fmt_date, fmt_time, utcnow
from domain.tracking import may_still_arrive
from models import Dossier, PrintJob, SiteLink
from motcua import create_app
from motcua.demo import DEMO_PASSWORD
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction
from sync.inprocess import transport_factory

from .conftest import Staff

SERVER = "postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
PUBLIC = "https://tracuu.example.gov.vn"  # central's public address, as receipts print it
SYNC_URL = "https://dongbo.example.gov.vn"  # where sites reach central's API: not what receipts print
TAN_CUONG, QUYET_THANG = "000.00.12.H56", "000.00.13.H56"
SECRETS = ("001190123456", "0912345678", "Xóm Chè Đỗ", "Hồng Nhung", "019085004321", "Xóm Nam Tân")


def _admin(statement: str) -> None:
    with psycopg.connect(f"postgresql://{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def central_settings(folder, database: str, **settings) -> dict:
    return {"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "central", "EVENT_GUARD": "raise",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{SERVER}/{database}",
            "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"motcua-test-{database}",
            "PUBLIC_BASE_URL": PUBLIC, "TRACKING_LOOKUPS_PER_MINUTE": 1000, **settings}


@contextmanager
def central_app(folder, **settings):
    """A migrated ROLE=central app on a new PostgreSQL database, dropped afterwards."""
    try:
        _admin("SELECT 1")
        redis.Redis.from_url(REDIS, socket_connect_timeout=5).ping()
    except (psycopg.OperationalError, redis.ConnectionError) as exc:
        pytest.skip(f"central needs PostgreSQL at {SERVER} and Redis at {REDIS}: {exc}")
    database = f"motcua_track_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{database}"')
    app = None
    try:
        app = create_app(central_settings(folder, database, **settings))
        app.config["TEST_DATABASE"] = database
        with app.app_context():
            upgrade()
        yield app
    finally:
        if app is not None:
            dispose(app)
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def province(central) -> dict[str, str]:
    """The demo province's reception points, procedures and accounts at central: agency → credential."""
    from sync.demo import seed_reference

    with central.app_context(), write_transaction():
        return seed_reference()


def enrolled_site(folder, central, credential: str, **settings):
    """A new site database in `folder`, enrolled with `central` through the sync API in process."""
    from sync.site import enrol

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "site", "EVENT_GUARD": "raise",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'motcua.sqlite3'}",
                      "RATELIMIT_STORAGE_URI": "memory://", "SYNC_TRANSPORT": transport_factory(central),
                      **settings})
    with app.app_context():
        upgrade()
        enrol(SYNC_URL, credential)
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    release_writer_lock_file()


def sync(site) -> None:
    from sync.site import sync_round

    with site.app_context():
        sync_round()


def work_a_morning(site, prefix: str) -> None:
    from sync.demo import morning

    with site.app_context(), write_transaction():
        morning(prefix)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Central with the demo province; Tân Cương's site enrolled, its morning pushed; Quyết Thắng's
    site never heard from."""
    folder = tmp_path_factory.mktemp("central_tracking")
    with central_app(folder / "central") as central:
        credentials = province(central)
        site = enrolled_site(folder / "tancuong", central, credentials[TAN_CUONG])
        work_a_morning(site, "tancuong")
        sync(site)
        yield central, site
        dispose(site)


@pytest.fixture
def central(world):
    return world[0]


@pytest.fixture
def site(world):
    return world[1]


def dossiers_at_central(central) -> list[tuple[str, str]]:
    with central.app_context():
        rows = db.session.execute(select(Dossier.code, Dossier.check).where(Dossier.code.is_not(None))
                                  .order_by(Dossier.code))
        return [tuple(row) for row in rows]


def lookup(app, path: str, address: str = "127.0.0.1"):
    return app.test_client().get(path, environ_base={"REMOTE_ADDR": address})


def officer_at_counter(site) -> Staff:
    officer = Staff(site.test_client(), "tancuong.canbo1", DEMO_PASSWORD)
    assert officer.login_status == 303
    page = officer.get("/counter").get_data(as_text=True)
    counter_id = re.search(r'name="counter_id" value="([^"]+)"', page).group(1)
    assert officer.post("/counter/select", {"counter_id": counter_id}, htmx=False).status_code == 303
    return officer


def receive_at_site(site, officer: Staff) -> Dossier:
    from .test_dossiers import dossier, intake

    return dossier(site, intake(officer, site))


# ---- Tracking a site's dossier at central ---------------------------------------------------------

def test_central_shows_a_sites_dossier_masked_from_the_receipts_url(central):
    pushed = dossiers_at_central(central)[:3]  # the morning's dossiers, applied from the site's events
    code, check = pushed[0]
    assert code.startswith(TAN_CUONG + "-")
    for path in (f"/T/{code}?K={check}", f"/t/{code.lower()}?k={check.lower()}", f"/T/{code}?k={check}"):
        response = lookup(central, path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert code in html and "Đã tiếp nhận hồ sơ" in html
        assert not any(secret in html for secret in SECRETS)
        assert "Set-Cookie" not in response.headers  # a public page hands out no session
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    masked = {re.search(r'id="applicant">([^<]+)<', lookup(central, f"/T/{c}?K={k}").get_data(as_text=True))
              .group(1) for c, k in pushed}
    assert masked == {"Nguyễn T. H. N.", "Đặng V. Đ.", "Vũ T. Á."}


def test_the_history_shows_the_steps_the_site_took(central):
    with central.app_context():
        moved = db.session.scalars(select(Dossier).where(Dossier.status == "result_ready")).one()
        code, check = moved.code, moved.check
    html = lookup(central, f"/T/{code}?K={check}").get_data(as_text=True)
    steps = re.findall(r"<li><time>[^<]+</time> — ([^<]+)</li>", html)
    assert steps == ["Đã tiếp nhận hồ sơ", "Đã chuyển cơ quan giải quyết", "Đã có kết quả, mời nhận kết quả"]


def test_unknown_wrong_check_old_and_malformed_codes_get_the_same_bytes(central):
    code, check = dossiers_at_central(central)[0]
    wrong = "ZZZZZZ" if check != "ZZZZZZ" else "YYYYYY"
    today = code.split("-")[1]
    paths = [
        f"/T/{code}?K={wrong}",  # wrong check
        f"/T/{TAN_CUONG}-200101-0001?K={check}",  # long before the site's last push
        f"/T/000.00.99.H56-{today}-0001?K={check}",  # no such reception point
        f"/T/XYZ?K={check}",  # not a code
        f"/T/{code}?K=",  # no check
        f"/T/{code}",
        f"/T/{code}?K=7Á3Q9Z",  # Telex turned "AS" into "Á"
        f"/T/{code}?K={'A' * 40}",
        f"/t/{'9' * 300}?k=1",
        f"/T/{TAN_CUONG}-991399-0001?K={check}",  # no such day
    ]
    answers = [lookup(central, path) for path in paths]
    assert {a.status_code for a in answers} == {404}
    bodies = {a.get_data() for a in answers}
    assert len(bodies) == 1, [path for path, a in zip(paths, answers, strict=True)]
    body = bodies.pop().decode()
    assert "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập" in body and "No dossier matches" in body
    assert code not in body and TAN_CUONG not in body and "Tân Cương" not in body


def test_a_dossier_not_yet_sent_names_its_site_and_last_sync(central, site):
    officer = officer_at_counter(site)
    row = receive_at_site(site, officer)
    path = f"/T/{row.code}?K={row.check}"
    with central.app_context():
        pushed = db.session.scalars(select(SiteLink.last_push_at)).one()
    response = lookup(central, path)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Hồ sơ chưa được điểm tiếp nhận gửi lên máy chủ trung tâm" in html
    assert "Trung tâm Phục vụ hành chính công xã Tân Cương" in html
    assert f"{fmt_date(pushed)} {fmt_time(pushed)}" in html  # dd/mm/yyyy HH:MM, Vietnam's time
    assert not any(secret in html for secret in (*SECRETS, "Nguyễn", "Thay đổi, cải chính"))
    english = central.test_client()
    english.get("/lang/en")
    assert "not yet been received from the reception point" in english.get(path).get_data(as_text=True)
    sync(site)  # the site sends it: the page shows the dossier
    assert "Nguyễn T. H. N." in lookup(central, path).get_data(as_text=True)


def test_a_site_never_heard_from_is_said_so(central):
    code, check = dossiers_at_central(central)[0]
    today = code.split("-")[1]
    html = lookup(central, f"/T/{QUYET_THANG}-{today}-0001?K={check}").get_data(as_text=True)
    assert "Hồ sơ chưa được điểm tiếp nhận gửi lên máy chủ trung tâm" in html
    assert "xã Quyết Thắng chưa gửi dữ liệu lên máy chủ trung tâm lần nào" in html
    later = (utcnow() + timedelta(days=30)).strftime("%y%m%d")  # a code from the future is no dossier
    future = lookup(central, f"/T/{QUYET_THANG}-{later}-0001?K={check}").get_data(as_text=True)
    assert future == lookup(central, f"/T/XYZ?K={check}").get_data(as_text=True)


@pytest.mark.parametrize(("day", "last_push", "answer"), [
    ("261202", "2026-12-02 03:00", True),  # pushed this morning: today's code may be on its way
    ("261201", "2026-12-02 03:00", True),  # the day before the last push
    ("261130", "2026-12-02 03:00", False),  # earlier: it would have arrived
    ("261201", "2026-12-01 17:30", True),  # 00:30 on 02/12 in Vietnam: the push's day is the 2nd
    ("261130", "2026-12-01 17:30", False),
    ("200101", None, True),  # the site never pushed anything
    ("261203", None, True),  # tomorrow: a site's clock a little ahead
    ("261204", None, False),  # later than that: no dossier
])
def test_which_codes_may_still_be_on_their_way(day, last_push, answer):
    pushed = datetime.fromisoformat(last_push) if last_push else None
    now = datetime(2026, 12, 2, 4, 0)  # 11:00 on 02/12/2026 in Vietnam
    assert may_still_arrive(f"{TAN_CUONG}-{day}-0001", pushed, now) is answer


# ---- Receipts lead to central ---------------------------------------------------------------------

def test_receipts_qr_code_leads_to_centrals_public_address(central, site):
    officer = officer_at_counter(site)
    row = receive_at_site(site, officer)
    response = officer.get(f"/counter/dossiers/{row.id}/receipt.pdf?paper=A4")
    path = site.instance_path + "/receipt.pdf"
    with open(path, "wb") as out:
        out.write(response.data)
    pdf = pypdfium2.PdfDocument(path)
    image = pdf[0].render(scale=150 / 72).to_pil()
    pdf.close()
    [url] = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert url == f"{PUBLIC.upper()}/T/{row.code}?K={row.check}"
    assert officer.post(f"/counter/dossiers/{row.id}/print-slip", {"kind": "receipt"}).status_code == 200
    with site.app_context():
        job = db.session.scalars(select(PrintJob).where(PrintJob.document == "receipt")
                                 .order_by(PrintJob.id.desc())).first()
        assert job.payload["tracking_url"] == url  # the thermal slip's QR code too
    sync(site)
    follow = lookup(central, url.removeprefix(PUBLIC.upper()))
    assert follow.status_code == 200 and row.code in follow.get_data(as_text=True)


# ---- One limit for every worker --------------------------------------------------------------------

def test_too_many_lookups_get_the_friendly_page(central):
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    central.config["TRACKING_LOOKUPS_PER_MINUTE"] = 2
    try:
        answers = [lookup(central, "/T/XYZ?K=AAAAAA", address) for _ in range(3)]
    finally:
        central.config["TRACKING_LOOKUPS_PER_MINUTE"] = 1000
    assert [a.status_code for a in answers] == [404, 404, 429]
    html = answers[2].get_data(as_text=True)
    assert "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút." in html and "Traceback" not in html


def lookups_in_a_worker(settings: dict, path: str, address: str, count: int) -> list[int]:
    """A central worker of its own (another process): `count` lookups from `address`."""
    app = create_app(settings)
    client = app.test_client()
    try:
        return [client.get(path, environ_base={"REMOTE_ADDR": address}).status_code for _ in range(count)]
    finally:
        dispose(app)


def test_the_limit_is_shared_by_every_worker_through_redis(central, tmp_path):
    """Two workers are two processes with one Redis: lookups spread over both still hit one limit."""
    prefix = f"motcua-test-{uuid.uuid4().hex[:12]}"
    settings = central_settings(tmp_path, central.config["TEST_DATABASE"], RATELIMIT_KEY_PREFIX=prefix,
                                TRACKING_LOOKUPS_PER_MINUTE=5)
    address, path = "10.0.0.9", "/T/XYZ?K=AAAAAA"
    answers = []
    for count in (3, 3):  # one worker after the other: deterministic, no timing involved
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as worker:
            answers.append(worker.submit(lookups_in_a_worker, settings, path, address, count).result(120))
    assert answers == [[404, 404, 404], [404, 404, 429]]
    keys = redis.Redis.from_url(REDIS).keys(f"*{prefix}*")
    assert keys, "the counts were not kept in Redis"


def test_a_sites_own_kiosk_may_look_up_more_than_a_phone(make_app):
    """A kiosk serves every citizen from one address: opened as one of the site's kiosks (/kiosk?k=K1)
    it gets KIOSK_LOOKUPS_PER_MINUTE; any other browser TRACKING_LOOKUPS_PER_MINUTE."""
    app = make_app(TRACKING_LOOKUPS_PER_MINUTE=2, KIOSK_LOOKUPS_PER_MINUTE=5)
    ask = {"code": f"{TAN_CUONG}-261122-0001", "check": "AAAAAA"}
    phone, kiosk = app.test_client(), app.test_client()
    phone.environ_base["REMOTE_ADDR"], kiosk.environ_base["REMOTE_ADDR"] = "192.168.1.50", "192.168.1.20"
    assert [phone.get("/kiosk/tra-cuu", query_string=ask).status_code for _ in range(3)] == [404, 404, 429]
    kiosk.get("/kiosk?k=K1")
    assert all(kiosk.get("/kiosk/tra-cuu").status_code == 200 for _ in range(8))  # the form counts nothing
    assert [kiosk.get("/kiosk/tra-cuu", query_string=ask).status_code for _ in range(6)] == [404] * 5 + [429]
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.168.1.51"
    stranger.get("/kiosk?k=NO-SUCH-KIOSK")
    assert [stranger.get("/kiosk/tra-cuu", query_string=ask).status_code for _ in range(3)] == [404, 404, 429]
