"""Which reception point this server is, and its configuration."""

import uuid

from flask import current_app
from sqlalchemy import select

from models import Counter, Kiosk, PriorityCategory, Queue, ReceptionPoint
from motcua.extensions import db

from . import DomainError, NotFound


def current_site() -> ReceptionPoint:
    """The reception point this server runs: SITE_AGENCY_CODE, else the one it is enrolled as with
    central (a site knows every reception point of the province), else the only one."""
    from models import SyncState

    code = current_app.config.get("SITE_AGENCY_CODE")
    query = select(ReceptionPoint).order_by(ReceptionPoint.agency_code).limit(1)
    if code:
        query = query.where(ReceptionPoint.agency_code == code)
    else:
        enrolled = db.session.get(SyncState, 1)
        if enrolled is not None:
            query = query.where(ReceptionPoint.id == enrolled.site_id)
    site = db.session.scalars(query).first()
    if site is None:
        raise DomainError("Máy chủ chưa được cấu hình điểm tiếp nhận. Hãy chạy `flask seed-demo`.")
    return site


def current_site_id() -> uuid.UUID:
    """The id of this server's reception point, looked up once per process (it never changes)."""
    cached = current_app.extensions.get("motcua.site_id")
    if cached is None:
        cached = current_app.extensions["motcua.site_id"] = current_site().id
    return cached


def site_queues(site, open_only: bool = False) -> list[Queue]:
    query = select(Queue).where(Queue.site_id == site.id).order_by(Queue.sort_order, Queue.letter)
    if open_only:
        query = query.where(Queue.is_open.is_(True))
    return list(db.session.scalars(query))


def site_counters(site) -> list[Counter]:
    return list(
        db.session.scalars(
            select(Counter).where(Counter.site_id == site.id).order_by(Counter.number)
        )
    )


def priority_categories(site) -> list[PriorityCategory]:
    query = (
        select(PriorityCategory)
        .where(PriorityCategory.site_id == site.id, PriorityCategory.active.is_(True))
        .order_by(PriorityCategory.sort_order)
    )
    return list(db.session.scalars(query))


def get_owned(model, site, object_id):
    """Load a row of this site by id, or raise NotFound with a clear message."""
    try:
        row = db.session.get(model, uuid.UUID(str(object_id)))
    except (ValueError, TypeError):
        row = None
    if row is None or row.site_id != site.id:
        raise NotFound("Không tìm thấy dữ liệu yêu cầu (có thể đã bị xoá hoặc đường dẫn sai).")
    return row


def find_kiosk(site, code: str | None) -> Kiosk | None:
    query = select(Kiosk).where(Kiosk.site_id == site.id).order_by(Kiosk.code)
    if code:
        query = query.where(Kiosk.code == code)
    return db.session.scalars(query).first()
