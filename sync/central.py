"""Central's side of sync: site credentials, taking a site's events (push), and each site's feed (pull).

A push is stored idempotently: an event id already stored with the same content is a duplicate (fine:
a lost acknowledgement, a delivery made twice); with other content it is a conflict (HTTP 409), kept
in quarantine for an admin. Central knows which site is talking from its credential and refuses an
event that claims another origin, writes another site's records, or writes what only central owns
(accounts, the procedure catalogue). Stored events are applied with the event log's apply functions
(domain.apply), so central's tables hold every site's tickets and dossiers.

The pull feed is central's own log order (`event.seq`), filtered to what concerns the site
(`event.audience`): the events central wrote for it or for everyone. Central writes its log one
transaction at a time (domain.events.LOG_LOCK), so a cursor never passes a row still to commit.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from domain import DomainError
from domain.apply import BulkLoader, envelope, parse_envelope, same_event
from domain.clock import utcnow
from domain.event_catalogue import CENTRAL_OWNED, TYPES
from domain.events import CENTRAL_NODE, FEED_ALL, InvalidEvent, hold_log_lock, observe_hlc
from models import Dossier, Event, Quarantine, ReceptionPoint, SiteCredential, SiteLink
from motcua.extensions import db

from .keys import MalformedKey, keys_for, parse_keys, store_missing

MAX_BATCH = 500  # events per push or pull page
USED_EVERY = timedelta(minutes=1)  # a credential's last use is written at most this often


# ---- Credentials -----------------------------------------------------------------------------

def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_credential(site: ReceptionPoint) -> str:
    """A new credential for `site`: `<key id>.<secret>`, 192 random bits of secret; only its hash is
    kept. Older credentials stay valid until revoked (rotation without downtime)."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    db.session.add(SiteCredential(site_id=site.id, key_id=key_id, secret_sha256=_sha256(secret)))
    return f"{key_id}.{secret}"


def revoke_credentials(site: ReceptionPoint, key_id: str | None = None) -> int:
    """Revoke one credential of the site (by key id), or all of them; return how many."""
    query = update(SiteCredential).where(SiteCredential.site_id == site.id,
                                         SiteCredential.revoked_at.is_(None))
    if key_id:
        query = query.where(SiteCredential.key_id == key_id)
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def site_for(credential: str, touch: bool = True) -> ReceptionPoint | None:
    """The site a credential belongs to, or None (unknown, revoked or malformed: all the same).
    `touch`: note its use (shown to the admin) in this transaction."""
    key_id, _, secret = (credential or "").partition(".")
    if not key_id or not secret or len(credential) > 200:
        return None
    row = db.session.scalars(select(SiteCredential).where(SiteCredential.key_id == key_id,
                                                          SiteCredential.revoked_at.is_(None))).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, _sha256(secret)):
        return None
    now = utcnow()
    if touch and (row.last_used_at is None or now - row.last_used_at > USED_EVERY):
        row.last_used_at = now
    return db.session.get(ReceptionPoint, row.site_id)


def find_site(agency_code: str) -> ReceptionPoint:
    site = db.session.scalars(select(ReceptionPoint).where(ReceptionPoint.agency_code == agency_code)).first()
    if site is None:
        raise DomainError("Không có điểm tiếp nhận mã {code}.", code=agency_code)
    return site


# ---- Push --------------------------------------------------------------------------------

@dataclass
class PushResult:
    stored: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # [{"id", "reason"}]: not stored, not to be sent again
    conflicts: list = field(default_factory=list)  # [{"id", "reason"}]: quarantined

    def as_json(self) -> dict:
        return {"stored": [str(i) for i in self.stored], "duplicates": [str(i) for i in self.duplicates],
                "refused": self.refused, "conflicts": self.conflicts}


def _refusal(site: ReceptionPoint, values: dict) -> str | None:
    """Why central will not take this event from `site` (None: it will)."""
    if values["origin_site_id"] != site.id:
        return "nguồn sự kiện không phải điểm tiếp nhận này (origin)"
    if values["version"] == 0:
        return "sự kiện cũ chưa có phiên bản (version 0)"
    kind = TYPES[values["type"]]
    if kind.aggregate in CENTRAL_OWNED:
        return f"{kind.aggregate}: chỉ máy chủ trung tâm được ghi"
    for name in kind.entities + kind.optional:
        row = values["payload"].get(name)
        if row is None:
            continue
        owner = row.get("id") if name == "reception_point" else row.get("site_id")
        if owner != str(site.id):
            return f"{name}: bản ghi của điểm tiếp nhận khác"
        code = row.get("code") if name == "dossier" else None
        if code and not code.startswith(site.agency_code + "-"):
            return f"mã hồ sơ {code[:60]} không thuộc mã cơ quan {site.agency_code}"
    return None


def _store_keys(keys) -> None:
    """The batch's personal-data keys (a dossier's key seals its personal data inside its events);
    never one whose dossier's data was erased here already."""
    try:
        wanted = parse_keys(keys, strict=True)
    except MalformedKey as error:
        raise InvalidEvent(str(error)) from None
    if wanted:
        erased = set(db.session.scalars(select(Event.aggregate_id).where(
            Event.type == "dossier.personal_data_erased", Event.aggregate_id.in_(wanted))))
        store_missing(wanted, never=erased)


@dataclass
class Checked:
    """A batch checked before the log's lock is taken: what may be stored, and what is refused."""

    parsed: list  # [(envelope, column values)]
    refused: list


def check_batch(site, envelopes) -> Checked:
    """Parse and check each envelope (schema, clock node, rows of its own aggregate, what `site` may
    write) — no database work, so pushes do it side by side, outside the log's lock."""
    if not isinstance(envelopes, list) or len(envelopes) > MAX_BATCH:
        raise InvalidEvent(f"events: a list of at most {MAX_BATCH} envelopes")
    checked = Checked([], [])
    for env in envelopes:
        try:
            values = parse_envelope(env)
        except InvalidEvent as error:
            ident = env.get("id") if isinstance(env, dict) else None
            checked.refused.append({"id": str(ident)[:40], "reason": str(error)[:300]})
            continue
        problem = _refusal(site, values)
        if problem:
            checked.refused.append({"id": str(values["id"]), "reason": problem})
        else:
            checked.parsed.append((env, values))
    return checked


def ingest(site: ReceptionPoint, envelopes: list | Checked, keys: list,
           waiting: int | None = None) -> PushResult:
    """Store and apply a site's batch (raw, or `check_batch`ed) in this transaction (the caller
    commits); see the module docstring. Raises InvalidEvent for a batch that is not a list of
    envelopes."""
    checked = envelopes if isinstance(envelopes, Checked) else check_batch(site, envelopes)
    hold_log_lock()
    result, now = PushResult(refused=list(checked.refused)), utcnow()
    parsed = checked.parsed
    ids = [values["id"] for _env, values in parsed]
    stored = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))} if ids else {}
    loader = BulkLoader(validate=False, incremental=True)
    owners = loader.preload([values for _env, values in parsed])  # and each aggregate's head
    fresh, seen = [], {}
    for env, values in parsed:
        earlier = stored.get(values["id"])
        twin = seen.get(values["id"])
        if earlier is not None or twin is not None:
            same = same_event(earlier, values) if earlier is not None else twin == values
            if same:
                result.duplicates.append(values["id"])
            else:
                reason = "cùng mã sự kiện nhưng nội dung khác (đã cách ly)"
                result.conflicts.append({"id": str(values["id"]), "reason": reason})
                db.session.add(Quarantine(event_id=values["id"], site_id=site.id, reason=reason,
                                          envelope=env))
            continue
        owner = owners.get((values["aggregate_type"], values["aggregate_id"]))
        if owner is not None and owner != site.id:
            result.refused.append({"id": str(values["id"]), "reason": "bản ghi của điểm tiếp nhận khác"})
            continue
        seen[values["id"]] = values
        fresh.append(values)
    _store_keys(keys)
    if fresh:
        for values in fresh:
            audience = FEED_ALL if values["aggregate_type"] == "site" else None
            loader.add_values(values, received_at=now, audience=audience)
        loader.flush()
        observe_hlc(CENTRAL_NODE, max(values["hlc"] for values in fresh))  # central's next step comes after
        result.stored = [values["id"] for values in fresh]
    link = _link(site)
    link.last_contact_at = now
    link.events_received += len(result.stored)
    if waiting is not None:
        link.events_waiting = max(0, int(waiting) - len(result.stored) - len(result.duplicates))
    if not result.conflicts and not result.refused:
        link.last_push_at = now
    return result


def _link(site: ReceptionPoint) -> SiteLink:
    link = db.session.get(SiteLink, site.id)
    if link is None:
        link = SiteLink(site_id=site.id, events_waiting=0, events_received=0)
        db.session.add(link)
    return link


# ---- Pull --------------------------------------------------------------------------------

@dataclass
class Page:
    events: list
    keys: list
    cursor: int
    more: bool


def feed(site: ReceptionPoint, after: int, limit: int = MAX_BATCH) -> Page:
    """The events after `after` (central's seq) that concern `site`: what central wrote for it or for
    every site. Every event below the highest seq a reader sees has committed (LOG_LOCK)."""
    limit = max(1, min(int(limit), MAX_BATCH))
    rows = list(db.session.scalars(
        select(Event).where(Event.audience.in_([site.id, FEED_ALL]), Event.seq > after)
        .order_by(Event.seq).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    keys = keys_for(e.aggregate_id for e in rows if e.aggregate_type == "dossier")
    cursor = rows[-1].seq if rows else after
    return Page([envelope(e) for e in rows], keys, cursor, more)


def note_pull(site: ReceptionPoint, waiting: int | None, offset_ms: int | None) -> None:
    link = _link(site)
    link.last_contact_at = link.last_pull_at = utcnow()
    if waiting is not None:
        link.events_waiting = max(0, int(waiting))
    if offset_ms is not None:
        link.clock_offset_ms = offset_ms


def feed_head() -> int:
    return db.session.scalar(select(func.coalesce(func.max(Event.seq), 0)))


def feedback_site_time(code: str) -> tuple[ReceptionPoint, datetime | None] | None:
    """For a PAKN code (<agency>-PA-yymmdd-NNNN) central has not seen: as `dossier_site_time`."""
    from models import Feedback

    agency, _, rest = code.partition("-PA-")
    site = db.session.scalars(select(ReceptionPoint).where(ReceptionPoint.agency_code == agency)).first()
    if not rest or site is None or db.session.scalar(select(Feedback.id).where(Feedback.code == code)):
        return None
    link = db.session.get(SiteLink, site.id)
    return site, link.last_push_at if link else None


def dossier_site_time(code: str) -> tuple[ReceptionPoint, datetime | None] | None:
    """For a dossier code central has not seen: the reception point its agency code names and that
    site's last successful push (None when the code names no site)."""
    agency = code.rsplit("-", 2)[0] if code.count("-") >= 2 else ""
    site = db.session.scalars(select(ReceptionPoint).where(ReceptionPoint.agency_code == agency)).first()
    if site is None or db.session.scalar(select(Dossier.id).where(Dossier.code == code)) is not None:
        return None
    link = db.session.get(SiteLink, site.id)
    return site, link.last_push_at if link else None
