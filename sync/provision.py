"""Central: adding reception points to the province."""

from sqlalchemy import select

from domain import DomainError
from domain.events import record
from domain.site_config import checked_agency_code
from models import POINT_KINDS, ReceptionPoint
from motcua.extensions import db

from .central import issue_credential


def add_site(agency_code: str, name: str, kind: str, address: str = "", parent_agency: str = ""):
    """A new reception point and its first sync credential: (site, credential)."""
    code = checked_agency_code(agency_code)  # the same rule as the admin page's
    if kind not in POINT_KINDS:
        raise DomainError("Loại điểm tiếp nhận không hợp lệ.")
    name = " ".join((name or "").split())[:200]
    if not name:
        raise DomainError("Hãy nhập tên điểm tiếp nhận.")
    if db.session.scalars(select(ReceptionPoint).where(ReceptionPoint.agency_code == code)).first():
        raise DomainError("Mã cơ quan {code} đã có điểm tiếp nhận.", code=code)
    site = ReceptionPoint(agency_code=code, name=name, kind=kind, address=" ".join(address.split())[:300],
                          parent_agency=" ".join(parent_agency.split())[:200])
    db.session.add(site)
    record("site.created", site)
    return site, issue_credential(site)
