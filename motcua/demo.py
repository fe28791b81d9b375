"""Demo data: one commune centre, four queues, three counters, one account per role.

The passwords are for demonstration only (listed in the README); a real site sets
its own with `flask staff add`.
"""

from sqlalchemy import select

from domain.events import record
from models import Counter, Kiosk, PriorityCategory, Procedure, Queue, ReceptionPoint, StaffUser

from .demo_procedures import PROCEDURES
from .extensions import db

DEMO_AGENCY_CODE = "000.00.12.H56"
DEMO_PASSWORD = "motcua-demo"
QUEUES = [
    ("A", "Hộ tịch", "Civil status", ["Hộ tịch"]),
    ("B", "Chứng thực", "Certification", ["Chứng thực"]),
    ("C", "Đất đai – Xây dựng", "Land – Construction", ["Đất đai", "Xây dựng, nhà ở"]),
    ("D", "Cư trú và lĩnh vực khác", "Residence and other fields",
     ["Cư trú", "Bảo trợ xã hội", "Người có công", "Hộ kinh doanh", "Nông nghiệp – môi trường"]),
]
COUNTERS = [(1, "AB"), (2, "BA"), (3, "CD")]
# domain.md §10: groups commonly named in local one-stop rules.
PRIORITIES = [
    ("elderly", "Người cao tuổi", "Older person"),
    ("disability", "Người khuyết tật", "Person with disability"),
    ("pregnant", "Phụ nữ có thai", "Pregnant woman"),
    ("merit", "Người có công với cách mạng", "Person with meritorious service"),
    ("small_child", "Người đi cùng trẻ nhỏ", "Parent with a small child"),
]
STAFF = [
    ("admin", "Quản trị hệ thống", "admin"),
    ("giamsat", "Trần Thị Giám Sát", "supervisor"),
    ("canbo1", "Nguyễn Văn Tiếp Nhận", "officer"),
    ("buudien", "Lê Thị Bưu Điện", "postal_officer"),
]


def seed_demo() -> bool:
    """Create the demo reception point unless one exists; return True if anything was added. A site
    enrolled with central gets its reference data from there: nothing to seed."""
    from models import SyncState

    if db.session.get(SyncState, 1) is not None:
        return False
    site = db.session.scalars(select(ReceptionPoint)).first()
    if site is not None:
        return seed_procedures(site)
    site = ReceptionPoint(
        agency_code=DEMO_AGENCY_CODE,
        name="Trung tâm Phục vụ hành chính công xã Tân Cương",
        parent_agency="Ủy ban nhân dân xã Tân Cương",
        kind="commune_centre",
        address="Xóm Nam Đồng, xã Tân Cương, tỉnh Thái Nguyên",  # no demo applicant lives here
        phone="0208 3855 123",
    )
    db.session.add(site)
    record("site.created", site)
    seed_layout(site)
    for username, full_name, role in STAFF:
        user = StaffUser(site_id=site.id, username=username, full_name=full_name, role=role, sites=[site])
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        record("staff.created", user)
    seed_procedures(site)
    return True


def seed_layout(site) -> None:
    """The site's own layout: four queues, three counters, a kiosk and the priority categories (a
    site enrolled with central starts with it; its admin changes it from there)."""
    queues = {}
    for order, (letter, name, name_en, fields) in enumerate(QUEUES):
        queues[letter] = Queue(site_id=site.id, letter=letter, name=name, name_en=name_en,
                               fields=fields, sort_order=order)
        db.session.add(queues[letter])
        record("queue.created", queues[letter])
    for number, letters in COUNTERS:
        counter = Counter(site_id=site.id, number=number, name=f"Quầy {number}",
                          printer_url="preview://", queues=[queues[x] for x in letters])
        db.session.add(counter)
        record("counter.created", counter)
    kiosk = Kiosk(site_id=site.id, code="K1", name="Kiosk sảnh chính", printer_url="preview://")
    db.session.add(kiosk)
    record("kiosk.created", kiosk)
    for order, (code, name, name_en) in enumerate(PRIORITIES):
        category = PriorityCategory(site_id=site.id, code=code, name=name, name_en=name_en,
                                    sort_order=order)
        db.session.add(category)
        record("priority_category.created", category)


def seed_procedures(site) -> bool:
    """Load the demo procedure catalogue unless the site already has one."""
    if db.session.scalars(select(Procedure).where(Procedure.site_id == site.id)).first() is not None:
        return False
    for values in PROCEDURES:
        procedure = Procedure(site_id=site.id, **values)
        db.session.add(procedure)
        record("procedure.created", procedure, context={"source": "demo"})
    return True
