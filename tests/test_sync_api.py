"""The sync API at central, as a site (or someone pretending to be one) meets it: idempotent pushes,
conflicts quarantined, other sites' records refused, credentials rotated and revoked, and a pull feed
whose cursor never skips an event however writers interleave."""

import copy
import threading
import uuid

import pytest
from sqlalchemy import func, select

from domain.events import CENTRAL_NODE, record
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site
from domain.site_config import update_site
from models import ClockState, Event, Procedure, Quarantine, Queue, ReceptionPoint, SyncProblem, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction
from sync.central import issue_credential, revoke_credentials
from sync.site import push_once, sync_round, sync_state, transport_for

from .support.central_app import add_site, central_app, close, site_app

pytestmark = pytest.mark.slow


@pytest.fixture
def central(tmp_path):
    with central_app(tmp_path / "central") as app:
        yield app


@pytest.fixture
def province(central, tmp_path):
    """Central with two enrolled sites (SQLite apps in this process)."""
    first_id, first_key = add_site(central, "000.00.12.H56", "Trung tâm PVHCC xã Tân Cương")
    second_id, second_key = add_site(central, "000.00.13.H56", "Trung tâm PVHCC xã Quyết Thắng")
    sites = [site_app(tmp_path / "a", central, first_key), site_app(tmp_path / "b", central, second_key)]
    yield central, sites, (first_key, second_key)
    for app in sites:
        close(app)


def api(central, method, path, credential, **kw):
    client = central.test_client()
    response = client.open(path, method=method, headers={"Authorization": f"Bearer {credential}"}, **kw)
    return response.status_code, response.get_json()


def take_tickets(site, count=3):
    with site.app_context(), write_transaction():
        queue = db.session.scalars(select(Queue).order_by(Queue.letter)).first()
        issue_tickets(current_site().id, [TicketRequest(queue_id=str(queue.id)) for _ in range(count)])


def site_envelopes(site) -> list[dict]:
    from domain.apply import envelope

    with site.app_context():
        me = sync_state().site_id
        return [envelope(e) for e in db.session.scalars(
            select(Event).where(Event.origin_site_id == me).order_by(Event.seq))]


def central_count(central, **where) -> int:
    with central.app_context():
        return db.session.scalar(select(func.count()).select_from(Event).filter_by(**where))


def test_a_batch_sent_twice_is_stored_once(province):
    central, (site, _other), (key, _) = province
    take_tickets(site)
    batch = site_envelopes(site)
    first = api(central, "POST", "/api/v1/sync/push", key, json={"events": batch})
    again = api(central, "POST", "/api/v1/sync/push", key, json={"events": batch})
    assert first[0] == again[0] == 200
    assert again[1]["stored"] == [] and sorted(again[1]["duplicates"]) == sorted(e["id"] for e in batch)
    with central.app_context():
        wanted = [uuid.UUID(e["id"]) for e in batch]
        ids = list(db.session.scalars(select(Event.id).where(Event.id.in_(wanted))))
        assert len(ids) == len(set(ids)) == len(batch)
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 3


def test_the_same_id_with_other_content_is_quarantined_and_the_rest_stored(province):
    central, (site, _other), (key, _) = province
    sync_round_at(site)
    take_tickets(site, 2)
    fresh = [e for e in site_envelopes(site) if e["type"] == "ticket.issued"][-2:]
    stored_before = central_count(central)
    tampered = copy.deepcopy(next(e for e in site_envelopes(site) if e["type"] == "queue.created"))
    tampered["payload"]["queue"]["name"] = "Hàng đợi đã bị sửa"  # already at central, as it was
    status, body = api(central, "POST", "/api/v1/sync/push", key, json={"events": [tampered, *fresh]})
    assert status == 409
    assert [c["id"] for c in body["conflicts"]] == [tampered["id"]]
    assert sorted(body["stored"]) == sorted(e["id"] for e in fresh)
    with central.app_context():
        quarantined = db.session.scalars(select(Quarantine)).all()
        assert [str(q.event_id) for q in quarantined] == [tampered["id"]]
        assert quarantined[0].envelope == tampered  # kept as it came, for the admin
    assert central_count(central) == stored_before + 2


def sync_round_at(site):
    with site.app_context():
        return sync_round()


def test_a_site_cannot_write_another_sites_records_nor_what_central_owns(province):
    central, (site, other), (key, other_key) = province
    sync_round_at(site)
    take_tickets(other, 1)
    theirs = [e for e in site_envelopes(other) if e["type"] == "ticket.issued"]
    status, body = api(central, "POST", "/api/v1/sync/push", key, json={"events": theirs})
    assert status == 200 and body["stored"] == [] and len(body["refused"]) == 1
    # A site's own event that rewrites a procedure (central's catalogue) is refused too.
    with site.app_context():
        me = sync_state().site_id
        procedure = db.session.scalars(select(Procedure)).first()
        snapshot = {c.name: getattr(procedure, c.key) for c in Procedure.__table__.columns}
    forged = copy.deepcopy(theirs[0])
    forged.update(type="procedure.updated", aggregate_type="procedure", aggregate_id=str(procedure.id),
                  origin_site_id=str(me), hlc=forged["hlc"][:20] + me.hex, id=str(uuid.uuid4()))
    from domain.snapshots import snapshot_values

    with site.app_context():
        forged["payload"] = {"procedure": snapshot_values("procedure", snapshot),
                             "context": {"source": "admin"}}
    status, body = api(central, "POST", "/api/v1/sync/push", key, json={"events": [forged]})
    assert status == 200 and body["stored"] == [] and "trung tâm" in body["refused"][0]["reason"]


def test_an_enrolled_site_refuses_to_change_what_central_owns(province):
    from domain import DomainError
    from domain.staff import create_staff

    _central, (site, _other), _keys = province
    with site.app_context(), pytest.raises(DomainError, match="máy chủ trung tâm"), write_transaction():
        create_staff(current_site(), None, "moi.canbo", "Cán Bộ Mới", "officer", "mat-khau-du-dai-1")


def test_bad_requests_get_clear_json_answers_not_500(province):
    central, _sites, (key, _) = province
    client = central.test_client()
    assert client.post("/api/v1/sync/push", json={"events": []}).status_code == 401
    assert api(central, "POST", "/api/v1/sync/push", "abc.def", json={"events": []})[0] == 401
    status, body = api(central, "POST", "/api/v1/sync/push", key, data=b"{not json",
                       content_type="application/json")
    assert status == 400 and body["error"]
    assert api(central, "POST", "/api/v1/sync/push", key, json={"events": "x"})[0] == 422
    assert api(central, "POST", "/api/v1/sync/push", key, json={"events": [{}] * 501})[0] == 422
    status, body = api(central, "POST", "/api/v1/sync/push", key, json={"events": [{"id": 5}, "x"]})
    assert status == 200 and len(body["refused"]) == 2
    assert api(central, "GET", "/api/v1/sync/pull?after=-1", key)[0] == 400
    assert api(central, "GET", "/api/v1/sync/pull?after=x", key)[0] == 400
    status, body = api(central, "POST", "/api/v1/sync/push", key,
                       json={"events": [], "keys": [{"subject_id": "x", "key": "!"}]})
    assert status == 422


def test_a_rotated_credential_works_alongside_the_old_until_it_is_revoked(province):
    central, (site, _other), (old, _) = province
    with central.app_context(), write_transaction():
        place = db.session.scalars(select(ReceptionPoint).where(
            ReceptionPoint.agency_code == "000.00.12.H56")).one()
        new = issue_credential(place)
    assert api(central, "GET", "/api/v1/sync/pull", old)[0] == 200
    assert api(central, "GET", "/api/v1/sync/pull", new)[0] == 200
    with central.app_context(), write_transaction():
        place = db.session.scalars(select(ReceptionPoint).where(
            ReceptionPoint.agency_code == "000.00.12.H56")).one()
        assert revoke_credentials(place, old.split(".")[0]) == 1
    assert api(central, "GET", "/api/v1/sync/pull", old)[0] == 401
    assert api(central, "GET", "/api/v1/sync/pull", new)[0] == 200
    with site.app_context(), write_transaction():  # the site is given the new one; nothing is lost
        sync_state().credential = new
    take_tickets(site)
    assert sync_round_at(site).pushed > 0


def test_a_push_whose_answer_is_lost_is_sent_again_harmlessly(central, tmp_path):
    from sync.site import SyncFailed

    class LoseAnswers:
        lose = True

        def before(self, method, path):
            pass

        def after(self, method, path):
            if self.lose and path.endswith("/push"):
                raise SyncFailed("answer lost")

    _id, key = add_site(central, "000.00.12.H56", "Trung tâm PVHCC xã Tân Cương")
    faults = LoseAnswers()
    faults.lose = False
    site = site_app(tmp_path / "s", central, key, faults=faults)
    try:
        take_tickets(site, 4)
        faults.lose = True
        with site.app_context(), pytest.raises(SyncFailed):
            sync_round()
        with site.app_context():
            assert sync_state().last_error and sync_state().failures == 1
        faults.lose = False
        sync_round_at(site)
        mine = site_envelopes(site)
        with central.app_context():
            stored = set(db.session.scalars(select(Event.id).where(
                Event.origin_site_id == uuid.UUID(mine[0]["origin_site_id"]))))
        assert stored == {uuid.UUID(e["id"]) for e in mine}
        with site.app_context():
            state = sync_state()
            assert state.last_error == "" and state.failures == 0
            assert db.session.scalar(select(func.count()).select_from(SyncProblem)) == 0
    finally:
        close(site)


def test_a_pull_never_skips_an_event_committed_after_a_later_one(province):
    """PostgreSQL hands out seq values at insert but shows rows at commit: writer A (an admin at
    central) inserts (seq N) and is slow to commit while writer B (another site's push) would insert
    N+1 and commit at once. A pull in between that saw N+1
    would move its cursor past N for good. Central's writers take turns on the log's lock, so B waits
    for A and the feed only ever shows a prefix of the log."""
    from sync.central import feed

    central, (site, other), _keys = province
    with site.app_context():
        site_id = sync_state().site_id
    with central.app_context():
        cursor = db.session.scalar(select(func.max(Event.seq)))
    a_inserted, release_a, b_committed = threading.Event(), threading.Event(), threading.Event()
    written, failures = {}, []

    def write(name, inserted=None, release=None):
        try:
            with central.app_context(), write_transaction():
                procedure = Procedure(site_id=site_id, code=f"9.{ord(name[-1])}", name=name,
                                      field="Khác")
                db.session.add(procedure)
                written[name] = record("procedure.created", procedure, context={"source": "admin"}).id
                db.session.flush()  # the event row is inserted: its seq is taken
                if inserted:
                    inserted.set()
                if release:
                    release.wait(60)
        except Exception as error:  # reported below: a thread's exception would be lost
            failures.append(error)

    slow = threading.Thread(target=write, args=("Thủ tục A",), kwargs={"inserted": a_inserted,
                                                                        "release": release_a})
    slow.start()
    assert a_inserted.wait(60)
    def push_from_other_site():  # a site's push: it does not touch central's clock row
        try:
            with other.app_context():
                with write_transaction():
                    place = current_site()
                    update_site(place, None, place.name + " (cơ sở 2)", place.parent_agency, place.kind,
                                place.address, place.agency_code)  # site.updated: every site's feed
                written["B"] = db.session.scalars(select(Event.id).where(Event.type == "site.updated")).one()
                sync_round()
            b_committed.set()
        except Exception as error:
            failures.append(error)

    quick = threading.Thread(target=push_from_other_site)
    quick.start()
    b_committed.wait(3)  # B waits for A's lock; without the lock it would commit here
    seen = []

    def pull_all():
        nonlocal cursor
        for _ in range(100):
            with central.app_context():
                page = feed(db.session.get(ReceptionPoint, site_id), cursor, limit=50)
                db.session.rollback()
            seen.extend(uuid.UUID(e["id"]) for e in page.events)
            cursor = page.cursor
            if not page.more:
                return

    pull_all()  # while A has not committed
    release_a.set()
    slow.join(60)
    quick.join(60)
    pull_all()
    assert not failures
    assert set(written.values()) <= set(seen), "an event was skipped by the cursor"
    assert len(seen) == len(set(seen))


def test_the_sites_clock_is_not_stopped_by_a_central_clock_running_ahead(province):
    """A site applies central's events (their clock values move its logical clock), but its clock guard
    watches its own wall time: it keeps issuing tickets."""
    central, (site, _other), _keys = province
    with central.app_context(), write_transaction():
        state = db.session.get(ClockState, CENTRAL_NODE)
        state.last_ms += 6 * 3_600_000  # central's clock ran six hours ahead
        site_row = db.session.scalars(select(ReceptionPoint).where(
            ReceptionPoint.agency_code == "000.00.12.H56")).one()
        procedure = Procedure(site_id=site_row.id, code="9.99999", name="Thủ tục mới", field="Khác")
        db.session.add(procedure)
        record("procedure.created", procedure, context={"source": "admin"})
    sync_round_at(site)
    take_tickets(site, 1)
    with site.app_context():
        assert db.session.scalar(select(func.count()).select_from(Procedure).where(
            Procedure.code == "9.99999")) == 1
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_push_answers_mark_the_batch_sent_and_keep_refusals_for_the_admin(province):
    central, (site, _other), _keys = province
    take_tickets(site, 2)
    with site.app_context():
        before = sync_state().pushed_seq
        sent = push_once(transport_for(sync_state()))
        state = sync_state()
        assert sent > 0 and state.pushed_seq > before
        assert db.session.scalar(select(func.count()).select_from(Event).where(
            Event.origin_site_id == state.site_id, Event.seq <= state.pushed_seq,
            Event.pushed_at.is_(None))) == 0


def test_a_day_off_declared_at_central_reaches_every_site(province):
    from datetime import date

    from models import CalendarOverride

    central, sites, _keys = province
    result = central.test_cli_runner().invoke(args=["calendar", "set", "04/01/2027", "--off", "--all-sites",
                                                    "--note", "Nghỉ bù theo quyết định của UBND tỉnh"])
    assert result.exit_code == 0, result.output
    refused = central.test_cli_runner().invoke(args=["calendar", "set", "05/01/2027", "--off"])
    assert refused.exit_code != 0 and "--site" in refused.output
    for site in sites:
        sync_round_at(site)
        with site.app_context():
            me = sync_state().site_id
            days = db.session.scalars(select(CalendarOverride).where(CalendarOverride.site_id == me)).all()
            assert [(d.day, d.working) for d in days] == [(date(2027, 1, 4), False)]
