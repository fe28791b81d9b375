"""A site's side of sync: enrolment, push, pull, and the status the screens show.

Push sends this site's own events in log order, a batch at a time, with the personal-data keys of
the dossiers in the batch; whatever central answers for an event (stored, duplicate, refused,
conflict) counts as answered, and the site's push position (`sync_state.pushed_seq`) moves past the
batch. Refused and conflicting events are kept in `sync_problem` for the admin and not sent again.

Pull asks for central's events after the site's cursor, applies them with the event log's apply
functions (idempotent: a page applied twice changes nothing) and saves the new cursor in the same
transaction. Nothing here runs inside a request: the sync loop (motcua.worker) and `flask sync now`
call it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from domain import DomainError
from domain.apply import EventConflict, apply_event, envelope
from domain.clock import utcnow, wall_ms
from domain.events import InvalidEvent, observe_hlc
from models import Event, Queue, ReceptionPoint, SyncProblem, SyncState
from motcua.extensions import db
from motcua.transactions import write_transaction

from .keys import keys_for, parse_keys, store_missing

log = logging.getLogger(__name__)
USER_AGENT = "motcua-site-sync/1"


class SyncFailed(Exception):
    """Central could not be reached or gave an answer that cannot be used; try again later."""


# ---- Transport ---------------------------------------------------------------------------

class HttpTransport:
    """The sync API over HTTP(S), with the credential in the Authorization header (never the URL)."""

    def __init__(self, base_url: str, credential: str, timeout: float):
        self.base, self.timeout = base_url.rstrip("/"), timeout
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {credential}", "User-Agent": USER_AGENT})

    def __call__(self, method: str, path: str, *, params=None, json=None, headers=None) -> tuple[int, dict]:
        try:
            response = self.http.request(method, self.base + path, params=params, json=json,
                                         headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise SyncFailed(f"không kết nối được máy chủ trung tâm ({type(error).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            status = response.status_code
            raise SyncFailed(f"máy chủ trung tâm trả lời không đúng định dạng (HTTP {status})") from None
        finally:
            response.close()
        if not isinstance(body, dict):
            raise SyncFailed("máy chủ trung tâm trả lời không đúng định dạng")
        return response.status_code, body

    def close(self) -> None:
        self.http.close()


def transport_for(state: SyncState):
    return _transport(state.central_url, state.credential)


# ---- State -------------------------------------------------------------------------------

def sync_state() -> SyncState | None:
    return db.session.get(SyncState, 1)


def _error_of(body: dict, status: int) -> str:
    message = body.get("error") if isinstance(body.get("error"), str) else ""
    return f"HTTP {status}: {message[:300]}" if message else f"HTTP {status}"


def _central_time(body: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(body["server_time"])
    except (KeyError, TypeError, ValueError):
        return None


def _saw_central(state: SyncState, body: dict) -> None:
    seen = _central_time(body)
    if seen is not None:
        state.central_time, state.central_time_seen_at_ms = seen, wall_ms()


# ---- Push --------------------------------------------------------------------------------

def _batch(state: SyncState, size: int, upto: int | None) -> list[Event]:
    query = select(Event).where(Event.seq > state.pushed_seq, Event.origin_site_id == state.site_id)
    if upto is not None:
        query = query.where(Event.seq <= upto)
    return list(db.session.scalars(query.order_by(Event.seq).limit(size)))


def waiting_count(state: SyncState) -> int:
    return db.session.scalar(select(func.count()).select_from(Event).where(
        Event.seq > state.pushed_seq, Event.origin_site_id == state.site_id))


def push_once(transport, upto: int | None = None, waiting: int | None = None) -> int:
    """Send the next batch (of events up to seq `upto`, when given); return how many events central
    answered for (0: nothing to send). `waiting`: what the site reports still to send (counted here
    when not given; a round counts once, not per batch of a month's backlog)."""
    state = sync_state()
    rows = _batch(state, current_app.config["SYNC_BATCH"], upto)
    if waiting is None:
        waiting = waiting_count(state)
    if not rows:
        db.session.rollback()
        return 0
    dossiers = (e.aggregate_id for e in rows if e.aggregate_type == "dossier")
    body = {"events": [envelope(e) for e in rows], "keys": keys_for(dossiers)}
    first, last = rows[0].seq, rows[-1].seq
    db.session.rollback()  # end the read before the network wait
    status, answer = transport("POST", "/api/v1/sync/push", json=body,
                               headers={"X-Motcua-Waiting": str(waiting)})
    if status not in (200, 409):
        raise SyncFailed(_error_of(answer, status))
    problems = []
    for kind in ("refused", "conflicts"):
        items = answer.get(kind)
        if not isinstance(items, list):
            raise SyncFailed("máy chủ trung tâm trả lời không đúng định dạng")
        for item in items:
            try:
                reason = str(item.get("reason", ""))[:500]
                problems.append((uuid.UUID(str(item["id"])), kind.rstrip("s"), reason))
            except (KeyError, TypeError, ValueError):
                continue  # an id central could not even read: nothing of ours to mark
    with write_transaction():
        state = sync_state()
        if state.pushed_seq < last:
            db.session.execute(update(Event).where(Event.seq >= first, Event.seq <= last,
                                                   Event.origin_site_id == state.site_id)
                               .values(pushed_at=utcnow()))
            state.pushed_seq = last
        known = set(db.session.scalars(select(SyncProblem.event_id).where(
            SyncProblem.event_id.in_([p[0] for p in problems])))) if problems else set()
        for event_id, kind, reason in problems:
            if event_id not in known:
                db.session.add(SyncProblem(event_id=event_id, kind=kind, reason=reason))
        _saw_central(state, answer)
    if problems:
        log.warning("sync: central did not take %d event(s): %s", len(problems), problems[0][2])
    return len(rows)


# ---- Pull --------------------------------------------------------------------------------

def pull_once(transport) -> bool:
    """Fetch and apply the next page of central's feed; return True while there is more."""
    state = sync_state()
    after, site_id = state.cursor, state.site_id
    waiting = waiting_count(state)
    db.session.rollback()
    status, page = transport("GET", "/api/v1/sync/pull",
                             params={"after": after, "limit": current_app.config["SYNC_BATCH"]},
                             headers={"X-Motcua-Waiting": str(waiting), "X-Motcua-Clock": str(wall_ms())})
    if status != 200:
        raise SyncFailed(_error_of(page, status))
    events, cursor = page.get("events"), page.get("cursor")
    if not isinstance(events, list) or not isinstance(cursor, int) or isinstance(cursor, bool):
        raise SyncFailed("máy chủ trung tâm trả lời không đúng định dạng")
    if page.get("site_id") != str(site_id):
        raise SyncFailed("thông tin xác thực thuộc điểm tiếp nhận khác")
    with write_transaction():
        state = sync_state()
        store_missing(parse_keys(page.get("keys"), strict=False))
        for env in events:
            _apply_pulled(env, site_id)
        if cursor > state.cursor:
            state.cursor = cursor
        state.public_url = str(page.get("public_url") or state.public_url)[:300]
        _saw_central(state, page)
    return bool(page.get("more")) and bool(events)


def _apply_pulled(env, site_id) -> None:
    """Apply one of central's events; one this site cannot take is kept aside for the admin
    (sync_problem) rather than stopping every later event."""
    try:
        with db.session.begin_nested():
            apply_event(env)
    except (InvalidEvent, EventConflict, IntegrityError) as error:
        ident = _event_id(env)
        log.error("sync: event %s from central not applied: %s", ident, error)
        if ident is not None and db.session.get(SyncProblem, ident) is None:
            db.session.add(SyncProblem(event_id=ident, kind="pulled", reason=str(error)[:500]))
        return
    observe_hlc(site_id, env["hlc"])


def _event_id(env) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(env["id"]))
    except (KeyError, TypeError, ValueError):
        return None


# ---- A whole round -----------------------------------------------------------------------

@dataclass
class Round:
    pushed: int
    pulled_pages: int


def sync_round(transport=None, max_batches: int = 10_000) -> Round:
    """Push everything waiting, then pull until central has nothing more; record the outcome.
    Raises SyncFailed (after recording it) when central cannot be reached or refuses."""
    state = sync_state()
    if state is None:
        raise SyncFailed("điểm tiếp nhận chưa đăng ký với máy chủ trung tâm (flask sync enrol)")
    own = transport is None
    transport = transport or transport_for(state)
    # What is waiting now, not what a busy kiosk adds meanwhile: that waits for the next round, so
    # the pull below is never put off for as long as the site stays busy.
    head = db.session.scalar(select(func.max(Event.seq)).where(Event.origin_site_id == state.site_id)) or 0
    waiting = waiting_count(state)
    db.session.rollback()
    pushed = pages = 0
    try:
        for _ in range(max_batches):
            sent = push_once(transport, upto=head, waiting=max(0, waiting - pushed))
            pushed += sent
            if not sent:
                break
        for _ in range(max_batches):
            pages += 1
            if not pull_once(transport):
                break
    except SyncFailed as error:
        db.session.rollback()
        _note(str(error))
        raise
    finally:
        if own:
            transport.close()
    _note(None)
    return Round(pushed, pages)


def _note(error: str | None) -> None:
    with write_transaction():
        state = sync_state()
        state.last_attempt_at = utcnow()
        if error is None:
            state.last_success_at, state.last_error, state.failures = state.last_attempt_at, "", 0
        else:
            state.last_error, state.failures = error[:1000], state.failures + 1


# ---- Enrolment ---------------------------------------------------------------------------

def enrol(central_url: str, credential: str, transport=None) -> ReceptionPoint:
    """Join this site to central: learn which reception point the credential is for, pull what
    central has for it (the reception point, procedures, accounts, calendar), lay out its queues,
    counters and kiosk if it has none, and push. A database that already belongs to another
    reception point is refused; enrolling again (a new credential, a new address) keeps the cursor."""
    from motcua.demo import seed_layout

    central_url = central_url.strip().rstrip("/")
    if not central_url.startswith(("http://", "https://")):
        raise DomainError("Địa chỉ máy chủ trung tâm phải bắt đầu bằng http:// hoặc https://.")
    own = transport is None
    transport = transport or _transport(central_url, credential)
    try:
        status, page = transport("GET", "/api/v1/sync/pull", params={"after": 0, "limit": 1})
    finally:
        if own:
            transport.close()
    if status == 401:
        raise DomainError("Máy chủ trung tâm không nhận thông tin xác thực này (sai hoặc đã thu hồi).")
    if status != 200 or not isinstance(page.get("site_id"), str):
        raise DomainError("Máy chủ trung tâm trả lời không đúng ({error}).", error=_error_of(page, status))
    site_id = uuid.UUID(page["site_id"])
    with write_transaction():
        state = sync_state()
        others = db.session.scalars(select(ReceptionPoint.id).where(ReceptionPoint.id != site_id)).first()
        if state is None and others is not None:
            raise DomainError("Cơ sở dữ liệu này đã thuộc một điểm tiếp nhận khác; hãy đăng ký trên một "
                              "cơ sở dữ liệu mới (flask db upgrade trong thư mục instance mới).")
        if state is not None and state.site_id != site_id:
            raise DomainError("Điểm tiếp nhận này đã đăng ký với mã khác; thông tin xác thực không khớp.")
        if state is None:
            state = SyncState(id=1, central_url=central_url, credential=credential, site_id=site_id,
                              cursor=0, pushed_seq=0, public_url="", last_error="", failures=0)
            db.session.add(state)
        state.central_url, state.credential = central_url, credential
    current_app.extensions.pop("motcua.site_id", None)
    sync_round(None if own else transport)
    with write_transaction():
        site = db.session.get(ReceptionPoint, site_id)
        if site is None:
            raise DomainError("Máy chủ trung tâm chưa gửi thông tin điểm tiếp nhận; hãy thử lại.")
        if db.session.scalar(select(func.count()).select_from(Queue).where(Queue.site_id == site_id)) == 0:
            seed_layout(site)
    sync_round(None if own else transport)
    return db.session.get(ReceptionPoint, site_id)


def _transport(central_url: str, credential: str):
    """How this site talks to central: HTTP unless the demo or a test set another (SYNC_TRANSPORT)."""
    factory = current_app.config.get("SYNC_TRANSPORT")
    if factory is not None:
        return factory(central_url, credential)
    return HttpTransport(central_url, credential, current_app.config["SYNC_TIMEOUT_SECONDS"])


def enrolled() -> bool:
    return sync_state() is not None


# ---- What the screens show ---------------------------------------------------------------

@dataclass
class Status:
    enrolled: bool
    online: bool = False
    central_url: str = ""
    waiting: int = 0
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str = ""
    problems: int = 0
    central_time: datetime | None = None  # central's clock now, as last seen (None: never seen)


def status() -> Status:
    state = sync_state()
    if state is None:
        return Status(enrolled=False)
    limit = timedelta(seconds=current_app.config["SYNC_OFFLINE_AFTER_SECONDS"])
    online = state.last_success_at is not None and not state.last_error \
        and utcnow() - state.last_success_at <= limit
    central_now = None
    if state.central_time is not None and state.central_time_seen_at_ms is not None:
        central_now = state.central_time + timedelta(milliseconds=wall_ms() - state.central_time_seen_at_ms)
    return Status(enrolled=True, online=online, central_url=state.central_url, waiting=waiting_count(state),
                  last_success_at=state.last_success_at, last_attempt_at=state.last_attempt_at,
                  last_error=state.last_error,
                  problems=db.session.scalar(select(func.count()).select_from(SyncProblem)),
                  central_time=central_now)


def public_base_url(fallback: str) -> str:
    """Where receipts' QR codes point: PUBLIC_BASE_URL, else the central server this site is enrolled
    with, else (not enrolled) this server's own address — LAN only, which the admin page warns of."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured
    state = sync_state()
    if state is not None and state.public_url:
        return state.public_url
    return fallback
