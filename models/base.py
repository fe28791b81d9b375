"""Columns every synced row carries: a UUIDv7 key made where the row is born, and its owner."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from domain.clock import utcnow
from domain.ids import uuid7


class UuidPk:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)


class SiteOwned(UuidPk):
    """A row owned by one reception point (the site that wrote it)."""

    @declared_attr
    def site_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, ForeignKey("reception_point.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
