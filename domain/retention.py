"""Erasing a closed dossier's personal data when its retention period ends.

PDP Law 2025 and Decree 356/2025: keep personal data only as long as the purpose needs it. A dossier
that closed (returned, refused, stopped, or not received) more than PERSONAL_DATA_RETENTION_DAYS ago
is erased: its row and steps are blanked (an event per row says so, with the blank values), its
scanned papers are deleted from disk, and its key is destroyed — so the personal part of its earlier
events, sealed with that key (domain.personal_data), can never be read again, while the log itself
stays whole, ordered and replayable. Codes, dates, procedure, fees and steps remain for the figures.
"""

from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from models import Attachment, Dossier, DossierStep
from motcua.extensions import db

from .clock import utcnow
from .event_catalogue import ENTITIES
from .events import record
from .personal_data import BLANK, ERASED_NAME, destroy_key

CLOSED = ("returned", "refused", "stopped", "refused_at_intake", "incomplete")


def due_for_erasure(site, now: datetime | None = None) -> list[Dossier]:
    """Closed dossiers of `site` whose last step is older than the retention period, not yet erased."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["PERSONAL_DATA_RETENTION_DAYS"])
    last_step = (select(DossierStep.dossier_id, func.max(DossierStep.at).label("at"))
                 .group_by(DossierStep.dossier_id).subquery())
    return list(db.session.scalars(
        select(Dossier).join(last_step, last_step.c.dossier_id == Dossier.id)
        .where(Dossier.site_id == site.id, Dossier.status.in_(CLOSED), last_step.c.at < cutoff,
               Dossier.applicant_name != ERASED_NAME)
        .order_by(Dossier.created_at)))


def erase_dossier(dossier: Dossier, actor=None) -> list[str]:
    """Blank the dossier and its steps, record it, destroy its key; return the scan files to delete
    (after the commit: a rollback must not lose them)."""
    for column in ENTITIES["dossier"].personal:
        setattr(dossier, column, BLANK[column])
    steps = list(db.session.scalars(select(DossierStep).where(DossierStep.dossier_id == dossier.id)
                                    .order_by(DossierStep.at, DossierStep.id)))
    touched = [s for s in steps if any(getattr(s, c) != BLANK[c] for c in ENTITIES["dossier_step"].personal)]
    for step in touched:
        for column in ENTITIES["dossier_step"].personal:
            setattr(step, column, BLANK[column])
    record("dossier.personal_data_erased", dossier, *touched[:1], actor=actor)
    for step in touched[1:]:  # one step per event (a payload carries one row of each entity)
        record("dossier.personal_data_erased", dossier, step, actor=actor)
    destroy_key(dossier.id)
    return list(db.session.scalars(select(Attachment.stored_name).where(Attachment.dossier_id == dossier.id)))


def erase_expired(site, now: datetime | None = None) -> tuple[int, list[str]]:
    """Erase every dossier due; return how many, and the scan files to delete after the commit."""
    files = []
    dossiers = due_for_erasure(site, now)
    for dossier in dossiers:
        files += erase_dossier(dossier)
    return len(dossiers), files


def delete_scans(names: list[str]) -> None:
    folder = Path(current_app.instance_path) / "uploads"
    for name in names:
        (folder / name).unlink(missing_ok=True)
