"""The demo province for `make run-central`: three reception points with their procedures and
accounts, and — so the dashboard and the tracking page have something to show — a morning at each
site, made by a real site (its own SQLite database under instance/demo-sites/) and pushed to
central through the sync API, in process."""

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from domain.events import record
from models import Procedure, ReceptionPoint, StaffUser
from motcua.demo import DEMO_PASSWORD, PROCEDURES
from motcua.extensions import db
from motcua.transactions import write_transaction

from .central import find_site, issue_credential
from .provision import add_site

SITES = [
    ("000.00.12.H56", "Trung tâm Phục vụ hành chính công xã Tân Cương", "commune_centre",
     "Xóm Nam Đồng, xã Tân Cương, tỉnh Thái Nguyên", "tancuong"),
    ("000.00.13.H56", "Trung tâm Phục vụ hành chính công xã Quyết Thắng", "commune_centre",
     "Tổ 3, xã Quyết Thắng, tỉnh Thái Nguyên", "quyetthang"),
    ("000.00.31.H56", "Bưu điện văn hóa xã Phúc Xuân", "post_office",
     "Xóm Khuôn Năm, xã Phúc Xuân, tỉnh Thái Nguyên", "phucxuan"),
]
SITE_STAFF = [("canbo1", "Nguyễn Văn Tiếp Nhận", "officer"), ("giamsat", "Trần Thị Giám Sát", "supervisor"),
              ("admin", "Quản trị điểm tiếp nhận", "admin")]
POST_STAFF = [("buudien", "Lê Thị Bưu Điện", "postal_officer"), ("admin", "Quản trị điểm tiếp nhận", "admin")]
PROVINCE_STAFF = [("tinh.admin", "Quản trị hệ thống tỉnh", "admin"),
                  ("tinh.giamsat", "Lãnh đạo Trung tâm Phục vụ hành chính công tỉnh", "supervisor")]


def _account(username, full_name, role, sites) -> None:
    if db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first():
        return
    user = StaffUser(site_id=sites[0].id, username=username, full_name=full_name, role=role, sites=sites)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    record("staff.created", user)


def seed_reference() -> dict:
    """The three sites (new ones get a credential), their procedures and accounts: agency → credential."""
    credentials = {}
    sites = []
    for code, name, kind, address, prefix in SITES:
        site = db.session.scalars(select(ReceptionPoint).where(ReceptionPoint.agency_code == code)).first()
        if site is None:
            parent = "Ủy ban nhân dân xã " + name.split(" xã ")[-1]
            site, credentials[code] = add_site(code, name, kind, address, parent)
        sites.append(site)
        if db.session.scalars(select(Procedure).where(Procedure.site_id == site.id)).first() is None:
            for values in PROCEDURES:
                if kind == "post_office" and not values.get("postal_allowed", True):
                    continue
                procedure = Procedure(site_id=site.id, **values)
                db.session.add(procedure)
                record("procedure.created", procedure, context={"source": "demo"})
        for username, full_name, role in POST_STAFF if kind == "post_office" else SITE_STAFF:
            _account(f"{prefix}.{username}", full_name, role, [site])
    for username, full_name, role in PROVINCE_STAFF:
        _account(username, full_name, role, sites)
    return credentials


def seed_central_demo(activity: bool = True) -> list[str]:
    with write_transaction():
        credentials = seed_reference()
    lines = [f"Điểm tiếp nhận mới: {code}" for code in credentials]
    if not activity:
        return lines + [f"credential {code}: {c}" for code, c in credentials.items()]
    root = Path(current_app.instance_path) / "demo-sites"
    for code, _name, _kind, _address, prefix in SITES:
        folder = root / code
        if (folder / "motcua.sqlite3").exists():
            continue
        credential = credentials.get(code)
        if credential is None:
            with write_transaction():
                credential = issue_credential(find_site(code))
        morning = run_demo_site(current_app._get_current_object(), folder, credential, prefix)
        lines.append(f"{code}: {morning}")
    return lines


def run_demo_site(central_app, folder: Path, credential: str, prefix: str) -> str:
    """Enrol a site in `folder` (in process), give it a morning's work, push it to central."""
    from flask_migrate import upgrade

    from motcua import create_app

    from .inprocess import transport_factory
    from .site import enrol, sync_round

    folder.mkdir(parents=True, exist_ok=True)
    public = central_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000"
    site_app = create_app({"INSTANCE_PATH": str(folder), "ROLE": "site", "START_WORKERS": False,
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'motcua.sqlite3'}",
                           "RATELIMIT_STORAGE_URI": "memory://",
                           "SYNC_TRANSPORT": transport_factory(central_app)})
    with site_app.app_context():
        upgrade()
        enrol(public, credential)
        with write_transaction():
            summary = morning(prefix)
        sync_round()
        db.engine.dispose()
    (folder / "credential").write_text(credential + "\n")
    (folder / "credential").chmod(0o600)
    return summary


APPLICANTS = [
    {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001190123456",
     "applicant_phone": "0912345678", "applicant_address": "Xóm Chè Đỗ"},
    {"applicant_name": "Đặng Văn Đức", "applicant_id_number": "019085004321",
     "applicant_phone": "0987654321", "applicant_address": "Xóm Nam Tân"},
    {"applicant_name": "Vũ Thị Ánh", "applicant_id_number": "019192007788",
     "applicant_phone": "0977000111", "applicant_address": "Tổ 5"},
]


def morning(prefix: str) -> str:
    """Tickets issued, called and finished at a counter; dossiers received and moved along."""
    from domain import lifecycle, tickets
    from domain.counters import open_counter
    from domain.dossiers import receive_dossier, validate_intake
    from domain.issuance import TicketRequest, issue_tickets
    from domain.site import current_site
    from models import Counter, Queue

    site = current_site()
    officer = db.session.scalars(select(StaffUser).where(
        StaffUser.username.in_([f"{prefix}.canbo1", f"{prefix}.buudien"]))).first()
    queues = list(db.session.scalars(select(Queue).where(Queue.site_id == site.id).order_by(Queue.letter)))
    issue_tickets(site.id, [TicketRequest(queue_id=str(queues[n % 2].id)) for n in range(12)])
    counter = db.session.scalars(select(Counter).where(Counter.site_id == site.id, Counter.number == 1)).one()
    open_counter(counter, officer)
    for _ in range(6):
        tickets.call_next(counter, officer)
    procedures = list(db.session.scalars(select(Procedure).where(Procedure.site_id == site.id,
                                                                 Procedure.active.is_(True))
                                         .order_by(Procedure.code)))
    received = []
    postal = site.kind == "post_office"  # a cultural post office takes dossiers in by public post
    if postal:
        procedures = [p for p in procedures if p.postal_allowed] or procedures
    for n, applicant in enumerate(APPLICANTS):
        procedure = procedures[n * 3 % len(procedures)]
        values = {**applicant, "channel": "postal"} if postal else applicant
        intake = validate_intake(procedure, values, set(range(len(procedure.documents))))
        received.append(receive_dossier(site, officer, intake))
    lifecycle.transfer(site, received[0], officer, "Phòng chuyên môn")
    if not postal:  # at the post office the agency makes the result ready, at central
        lifecycle.result_ready(site, received[0], officer, "Đã có kết quả")
    lifecycle.transfer(site, received[1], officer, "Phòng chuyên môn")
    return f"12 số thứ tự, {len(received)} hồ sơ"
