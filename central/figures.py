"""The province dashboard's figures: each reception point's link with central and today's work.

A handful of grouped queries whatever the number of sites — never one per site. Each count is
restricted to the sites shown (`site_id = ANY(…)`), so it descends the existing (site_id, …) indexes once
per site instead of scanning a province's tickets: `ix_ticket_waiting` (site_id, business_date,
status) for today's tickets, `ix_dossier_status_due` (site_id, status, due_at) for overdue dossiers
and — bounded by their due date, which is never before their receipt — for today's dossiers.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ARRAY, Uuid, any_, cast, func, select

from domain.clock import business_date, local_day_bounds, utcnow
from domain.collation import vi
from domain.lifecycle import OPEN, STATUS_LABELS
from domain.tracking import mask_name
from models import (
    POINT_KINDS,
    Dossier,
    DossierStep,
    Procedure,
    Quarantine,
    ReceptionPoint,
    SiteCredential,
    SiteLink,
    Ticket,
)
from motcua.extensions import db
from motcua.i18n import gettext_noop

ONLINE, OFFLINE, NEVER = "online", "offline", "never"
LINK_LABELS = {ONLINE: gettext_noop("Trực tuyến"), OFFLINE: gettext_noop("Ngoại tuyến"),
               NEVER: gettext_noop("Chưa kết nối")}
# Every status of a dossier that was received (not refused or sent back at intake).
RECEIVED_STATUSES = tuple(status for status in STATUS_LABELS if not status.endswith("_at_intake")
                          and status != "incomplete")
CLOCK_WARNING_MS = 2 * 60 * 1000  # a site's clock further off than this is shown as a warning
RECENT_DOSSIERS = 20
OVERDUE_LISTED = 100


@dataclass
class SiteFigures:
    """One reception point's row: who it is, how its link stands, what it did today."""

    site_id: uuid.UUID
    agency_code: str
    name: str
    kind: str
    link: str = NEVER
    last_contact_at: datetime | None = None
    last_sync_at: datetime | None = None  # the later of its last complete push and last pull
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None
    events_waiting: int = 0
    events_received: int = 0
    clock_offset_ms: int | None = None
    tickets_today: int = 0
    dossiers_today: int = 0
    overdue: int = 0
    quarantined: int = 0

    @property
    def kind_label(self) -> str:
        return POINT_KINDS.get(self.kind, self.kind)

    @property
    def link_label(self) -> str:
        return LINK_LABELS[self.link]

    @property
    def clock_warning(self) -> tuple[str, int] | None:
        """(message, amount) when the site's clock is more than two minutes off central's."""
        return clock_warning(self.clock_offset_ms)


def clock_warning(offset_ms: int | None) -> tuple[str, int] | None:
    if offset_ms is None or abs(offset_ms) <= CLOCK_WARNING_MS:
        return None
    ahead, size = offset_ms > 0, abs(offset_ms) // 1000
    if size < 2 * 3600:
        unit, amount = "phút", size // 60
    elif size < 2 * 86400:
        unit, amount = "giờ", size // 3600
    else:
        unit, amount = "ngày", size // 86400
    return CLOCK_MESSAGES[(ahead, unit)], amount


CLOCK_MESSAGES = {
    (True, "phút"): gettext_noop("Đồng hồ nhanh {n} phút"),
    (False, "phút"): gettext_noop("Đồng hồ chậm {n} phút"),
    (True, "giờ"): gettext_noop("Đồng hồ nhanh {n} giờ"),
    (False, "giờ"): gettext_noop("Đồng hồ chậm {n} giờ"),
    (True, "ngày"): gettext_noop("Đồng hồ nhanh {n} ngày"),
    (False, "ngày"): gettext_noop("Đồng hồ chậm {n} ngày"),
}


def site_figures(site_id: uuid.UUID | None = None) -> list[SiteFigures]:
    """Every reception point (or the one `site_id`), in Vietnamese order of names, with its figures."""
    query = select(ReceptionPoint.id, ReceptionPoint.agency_code, ReceptionPoint.name, ReceptionPoint.kind,
                   SiteLink).outerjoin(SiteLink, SiteLink.site_id == ReceptionPoint.id)
    if site_id is not None:
        query = query.where(ReceptionPoint.id == site_id)
    rows = [_row(*row) for row in db.session.execute(
        query.order_by(vi(ReceptionPoint.name), ReceptionPoint.agency_code))]
    if not rows:
        return rows
    by_id = {row.site_id: row for row in rows}
    shown = select(func.array_agg(ReceptionPoint.id))
    if site_id is not None:
        shown = shown.where(ReceptionPoint.id == site_id)
    for name, counts in _counts(any_(cast(shown.scalar_subquery(), ARRAY(Uuid)))).items():
        for counted_site, n in counts:
            setattr(by_id[counted_site], name, n)
    return rows


def _row(site_id, agency_code, name, kind, link: SiteLink | None) -> SiteFigures:
    row = SiteFigures(site_id, agency_code, name, kind)
    if link is None:
        return row
    row.last_contact_at, row.last_push_at, row.last_pull_at = (link.last_contact_at, link.last_push_at,
                                                                link.last_pull_at)
    row.last_sync_at = max((t for t in (link.last_push_at, link.last_pull_at) if t), default=None)
    row.events_waiting, row.events_received = link.events_waiting, link.events_received
    row.clock_offset_ms = link.clock_offset_ms
    if link.last_contact_at is not None:
        limit = timedelta(seconds=current_app.config["SYNC_OFFLINE_AFTER_SECONDS"])
        row.link = ONLINE if utcnow() - link.last_contact_at <= limit else OFFLINE
    return row


def _counts(sites) -> dict:
    """figure name → [(site id, count)], one grouped query each, for `site_id = ANY(sites)`: an array
    the database builds itself, so each count descends its index once per site."""
    now = utcnow()
    today = business_date(now)
    start, end = local_day_bounds(today)
    queries = {
        "tickets_today": select(Ticket.site_id, func.count()).where(Ticket.business_date == today)
        .where(Ticket.site_id == sites).group_by(Ticket.site_id),
        "dossiers_today": select(Dossier.site_id, func.count())
        .where(Dossier.received_at >= start, Dossier.received_at < end, *_due_from(start))
        .where(Dossier.site_id == sites).group_by(Dossier.site_id),
        "overdue": select(Dossier.site_id, func.count())
        .where(Dossier.status.in_(OPEN), Dossier.due_at < now)
        .where(Dossier.site_id == sites).group_by(Dossier.site_id),
        "quarantined": select(Quarantine.site_id, func.count()).where(Quarantine.resolved_at.is_(None))
        .where(Quarantine.site_id == sites).group_by(Quarantine.site_id),
    }
    return {name: db.session.execute(query).all() for name, query in queries.items()}


def _due_from(start) -> tuple:
    """What a dossier received since `start` also is: due since then, in one of the statuses a received
    dossier has. Said outright so the count descends ix_dossier_status_due instead of reading every
    dossier of the province (there is no index on received_at; see the module docstring)."""
    return Dossier.due_at >= start, Dossier.status.in_(RECEIVED_STATUSES)


COUNTED = ("events_waiting", "tickets_today", "dossiers_today", "overdue", "quarantined")


def province_totals(rows: list[SiteFigures]) -> dict:
    """The figures added up over the province, and how many sites stand in each link state."""
    totals = {name: sum(getattr(row, name) for row in rows) for name in COUNTED}
    totals["sites"] = len(rows)
    for state in LINK_LABELS:
        totals[state] = sum(1 for row in rows if row.link == state)
    totals["clock_warnings"] = sum(1 for row in rows if row.clock_warning)
    return totals


def open_quarantine_count() -> int:
    query = select(func.count()).select_from(Quarantine).where(Quarantine.resolved_at.is_(None))
    return db.session.scalar(query)


# ---- One site --------------------------------------------------------------------------------

@dataclass
class DossierLine:
    """A dossier as the drill-down lists it: the applicant's name masked, nothing else personal."""

    id: uuid.UUID
    code: str
    procedure: str
    status: str
    received_at: datetime | None
    due_at: datetime | None
    applicant: str
    channel: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def _dossier_lines(query) -> list[DossierLine]:
    query = query.add_columns(Procedure.name).join(Procedure, Procedure.id == Dossier.procedure_id)
    return [DossierLine(d.id, d.code or "—", procedure, d.status, d.received_at, d.due_at,
                        mask_name(d.applicant_name), d.channel)
            for d, procedure in db.session.execute(query)]


def recent_dossiers(site_id: uuid.UUID) -> list[DossierLine]:
    """The site's latest received dossiers, newest first."""
    return _dossier_lines(select(Dossier).where(Dossier.site_id == site_id, Dossier.received_at.is_not(None))
                          .order_by(Dossier.received_at.desc()).limit(RECENT_DOSSIERS))


def overdue_dossiers(site_id: uuid.UUID) -> list[DossierLine]:
    """The site's open dossiers past their date, the longest overdue first."""
    return _dossier_lines(select(Dossier).where(Dossier.site_id == site_id, Dossier.status.in_(OPEN),
                                                Dossier.due_at < utcnow())
                          .order_by(Dossier.due_at).limit(OVERDUE_LISTED))


def awaiting_handover(site_id: uuid.UUID) -> list[DossierLine]:
    """A post office's postal filings, transferred, whose hand-over the agency has not signed yet."""
    signed = select(DossierStep.id).where(DossierStep.dossier_id == Dossier.id,
                                          DossierStep.type == "dossier.handover_accepted")
    return _dossier_lines(select(Dossier).where(Dossier.site_id == site_id, Dossier.status == "transferred",
                                                Dossier.channel == "postal", ~signed.exists())
                          .order_by(Dossier.received_at).limit(OVERDUE_LISTED))


@dataclass
class CredentialLine:
    """A sync credential as shown: its public key id and dates, never the secret or its hash."""

    key_id: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def credentials(site_id: uuid.UUID) -> list[CredentialLine]:
    columns = (SiteCredential.key_id, SiteCredential.created_at, SiteCredential.last_used_at,
               SiteCredential.revoked_at)  # named one by one: the hash never leaves the table
    return [CredentialLine(*row) for row in db.session.execute(
        select(*columns).where(SiteCredential.site_id == site_id).order_by(SiteCredential.created_at.desc()))]
