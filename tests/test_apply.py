"""What a sync peer relies on when it applies a site's events (domain.apply): real operations at a
site, their envelopes applied into another database — twice, late, clashing, malformed, illegal,
legacy — and personal data that stays sealed inside the log."""

import copy
import json
import shutil
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update

from domain import DomainError, counters, lifecycle, tickets
from domain.apply import EventConflict, apply_event, envelope
from domain.calendar import calendar_for, local_date
from domain.clock import CLOCK_BEHIND, confirm_clock, wall_ms
from domain.dossiers import receive_dossier, validate_intake
from domain.event_catalogue import ENTITIES
from domain.events import InvalidEvent, format_hlc
from domain.ids import uuid7
from domain.personal_data import BLANK, destroy_key
from domain.replay import compare, load, personal_keys
from domain.site import current_site
from models import (
    ClockState,
    Counter,
    Dossier,
    DossierStep,
    Event,
    EventFlag,
    PersonalKey,
    Procedure,
    Queue,
    StaffUser,
    Ticket,
    TicketCall,
)
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import write_transaction

PERSON = {"applicant_name": "Nguyễn Thị Ánh", "applicant_id_number": "001190012345",
          "applicant_phone": "0912345678", "applicant_address": "Số 5 ngõ 12, xóm Chè Đỗ",
          "proxy_name": "Đỗ Văn Bình", "proxy_authorisation": "Giấy ủy quyền số 12/2026"}


# ---- the receiving database --------------------------------------------------------------------

@pytest.fixture
def make_receiver(tmp_path, empty_database):
    """make_receiver(source) → a peer on an empty database, holding the source's events so far."""
    made = []

    def make(source=None):
        folder = tmp_path / f"receiver{len(made)}"
        folder.mkdir()
        shutil.copy(empty_database, folder / "motcua.sqlite3")
        made.append(create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "EVENT_GUARD": "raise"}))
        if source is not None:
            deliver(made[-1], *events_of(source), keys=keys_of(source))
        return made[-1]

    yield make
    for receiver in made:
        with receiver.app_context():
            db.engine.dispose()


def events_of(app, after: int = 0) -> list[dict]:
    """The site's events after local position `after`, in wire form."""
    with app.app_context():
        return [envelope(e) for e in db.session.scalars(select(Event).where(Event.seq > after)
                                                        .order_by(Event.seq))]


def keys_of(app) -> list[dict]:
    with app.app_context():
        return personal_keys()


def last_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(Event.seq))) or 0


def deliver(receiver, *envelopes, keys=()) -> list[str]:
    """Apply the envelopes in the order given, in one transaction; their outcomes."""
    with receiver.app_context(), write_transaction():
        if keys:
            # not events: what lets the peer read personal data
            db.session.execute(insert(PersonalKey.__table__), list(keys))
        return [apply_event(env).outcome for env in envelopes]


def stored() -> dict:
    """Every row of every table, in a stable order (inside an app context)."""
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables}


def refused(receiver, env, error) -> str:
    """Apply `env` expecting `error`; nothing it did may remain, even before the rollback."""
    with receiver.app_context(), write_transaction():
        before = stored()
        with pytest.raises(error) as caught:
            apply_event(env)
        assert stored() == before
    return str(caught.value)


def url(app) -> str:
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=False)


# ---- real operations at the source site ------------------------------------------------------

def officer(username: str = "canbo1") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def issue(app) -> uuid.UUID:
    with app.app_context(), write_transaction():
        queue = db.session.scalar(select(Queue).where(Queue.letter == "A"))
        return tickets.issue_ticket(current_site(), queue).ticket.id


def at_counter(app, step) -> None:
    """step(ticket, counter, officer) on the ticket counter 1 serves."""
    with app.app_context(), write_transaction():
        desk = db.session.scalar(select(Counter).where(Counter.number == 1))
        step(tickets.current_ticket(desk), desk, officer())


def call(app) -> None:
    with app.app_context(), write_transaction():
        desk = db.session.scalar(select(Counter).where(Counter.number == 1))
        counters.open_counter(desk, officer())
        tickets.call_next(desk, officer())


def receive(app, procedure_code: str = "1.004859") -> uuid.UUID:
    with app.app_context(), write_transaction():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == procedure_code))
        intake = validate_intake(procedure, PERSON, set(range(len(procedure.documents))))
        return receive_dossier(current_site(), officer(), intake).id


def on_dossier(app, dossier_id, step) -> None:
    with app.app_context(), write_transaction():
        step(current_site(), db.session.get(Dossier, dossier_id), officer())


def edited(env: dict, **changes) -> dict:
    """A copy of a real envelope as another event: a new id and transaction, `changes` applied."""
    other = copy.deepcopy(env)
    other.update(id=str(uuid7()), tx_id=str(uuid7()), **changes)
    return other


def later(hlc: str, ms: int = 1000) -> str:
    return format_hlc(int(hlc[:13]) + ms, 0, uuid.UUID(hlc[20:]))


# ---- idempotence and conflicts -----------------------------------------------------------------

def test_an_event_applied_twice_is_a_duplicate_and_changes_nothing(app, make_receiver):
    receiver = make_receiver(app)
    start = last_seq(app)
    issue(app)
    call(app)
    receive(app)
    day = events_of(app, after=start)
    deliver(receiver, *day, keys=keys_of(app))
    with receiver.app_context():
        before = stored()
    assert deliver(receiver, *day) == ["duplicate"] * len(day)
    with receiver.app_context():
        assert stored() == before


@pytest.mark.parametrize("change", ["payload", "hlc", "occurred_at"])
def test_the_same_id_with_other_content_is_a_conflict_and_stores_nothing(app, make_receiver, change):
    receiver = make_receiver(app)
    start = last_seq(app)
    issue(app)
    (issued,) = events_of(app, after=start)
    deliver(receiver, issued)
    clash = copy.deepcopy(issued)
    if change == "payload":
        clash["payload"]["ticket"]["code"] = "A999"
    elif change == "hlc":
        clash["hlc"] = later(issued["hlc"])
    else:
        clash["occurred_at"] = "2026-01-01T00:00:00"
    assert "already stored with other content" in refused(receiver, clash, EventConflict)


# ---- payloads that fail their schema ---------------------------------------------------------

def _status_not_a_string(env):
    env["payload"]["ticket"]["status"] = 5


def _unknown_type(env):
    env["type"] = "ticket.teleported"


def _extra_key(env):
    env["payload"]["ticket"]["colour"] = "đỏ"


def _code_longer_than_its_column(env):
    env["payload"]["ticket"]["code"] = "A" * 9  # ticket.code is String(8)


def _missing_column(env):
    del env["payload"]["ticket"]["queue_id"]


@pytest.mark.parametrize(("spoil", "named"), [
    (_status_not_a_string, "ticket/status"),
    (_unknown_type, "ticket.teleported"),
    (_extra_key, "'colour'"),
    (_code_longer_than_its_column, "ticket/code"),
    (_missing_column, "'queue_id'"),
])
def test_a_payload_that_fails_its_schema_is_refused_naming_the_field(app, make_receiver, spoil, named):
    receiver = make_receiver(app)
    start = last_seq(app)
    issue(app)
    (issued,) = events_of(app, after=start)
    bad = edited(issued)
    spoil(bad)
    assert named in refused(receiver, bad, InvalidEvent)
    assert deliver(receiver, issued) == ["applied"]  # nothing of the bad one got in the way


def test_an_event_whose_rows_belong_to_another_aggregate_is_refused(app, make_receiver):
    receiver = make_receiver(app)
    start = last_seq(app)
    ticket_id = issue(app)
    call(app)
    issued, called = (e for e in events_of(app, after=start) if e["aggregate_id"] == str(ticket_id))
    deliver(receiver, issued, called)
    forged = edited(issued, aggregate_id=str(uuid7()), hlc=later(called["hlc"]))  # its row: waiting again
    assert "aggregate" in refused(receiver, forged, InvalidEvent)


def test_a_malformed_clock_value_is_refused(app, make_receiver):
    receiver = make_receiver(app)
    start = last_seq(app)
    issue(app)
    (issued,) = events_of(app, after=start)
    assert "hlc" in refused(receiver, edited(issued, hlc="not-a-clock"), InvalidEvent)


# ---- clock order -------------------------------------------------------------------------------

def ticket_day(app) -> tuple[list, list]:
    """A ticket issued, called, recalled, finished; delivered with the recall last."""
    start = last_seq(app)
    ticket_id = issue(app)
    call(app)
    at_counter(app, tickets.recall)
    at_counter(app, tickets.finish)
    day = events_of(app, after=start)
    recalled = next(e for e in day if e["type"] == "ticket.recalled")
    assert recalled["aggregate_id"] == str(ticket_id)
    return day, [e for e in day if e is not recalled] + [recalled]


def dossier_path(app) -> tuple[list, list]:
    """A dossier received, transferred, result ready; delivered with the transfer last."""
    start = last_seq(app)
    dossier_id = receive(app)
    on_dossier(app, dossier_id, lambda s, d, o: lifecycle.transfer(s, d, o, "Phòng Tư pháp"))
    on_dossier(app, dossier_id, lambda s, d, o: lifecycle.result_ready(s, d, o, "Đã ký"))
    day = events_of(app, after=start)
    transferred = next(e for e in day if e["type"] == "dossier.transferred")
    return day, [e for e in day if e is not transferred] + [transferred]


@pytest.mark.parametrize("scenario", [ticket_day, dossier_path])
def test_a_late_event_is_placed_by_its_clock(app, make_receiver, scenario):
    in_order, late = make_receiver(app), make_receiver(app)
    day, shuffled = scenario(app)
    keys = keys_of(app)
    assert "refolded" not in deliver(in_order, *day, keys=keys)
    assert deliver(late, *shuffled, keys=keys)[-1] == "refolded"
    result = compare(url(in_order), url(late))
    assert result.equal, result.differences
    with late.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventFlag)) == 0
        assert {t.status for t in db.session.scalars(select(Ticket))} <= {"done"}
        assert {d.status for d in db.session.scalars(select(Dossier))} <= {"result_ready"}


# ---- illegal transitions -------------------------------------------------------------------------

def test_an_illegal_transition_is_kept_and_flagged_until_the_missing_event_arrives(app, make_receiver):
    receiver = make_receiver(app)
    start = last_seq(app)
    ticket_id = issue(app)
    call(app)
    issued, called = (e for e in events_of(app, after=start) if e["aggregate_id"] == str(ticket_id))
    finished = edited(called, type="ticket.finished", hlc=later(called["hlc"]))
    finished["payload"] = {"ticket": dict(called["payload"]["ticket"], status="done",
                                          finished_at=called["payload"]["ticket"]["called_at"])}

    assert deliver(receiver, issued, finished) == ["applied", "flagged"]
    with receiver.app_context():
        assert db.session.scalar(select(Event.type).where(Event.id == uuid.UUID(finished["id"]))) \
            == "ticket.finished"
        (flag,) = db.session.scalars(select(EventFlag)).all()
        assert (str(flag.event_id), flag.aggregate_id) == (finished["id"], ticket_id)
        assert flag.reason == "chuyển trạng thái không hợp lệ: waiting → ticket.finished"
        assert db.session.get(Ticket, ticket_id).status == "waiting"

    assert deliver(receiver, called) == ["refolded"]  # the call, older than the finish
    with receiver.app_context():
        assert db.session.scalars(select(EventFlag)).all() == []
        ticket = db.session.get(Ticket, ticket_id)
        calls = db.session.scalars(select(TicketCall).where(TicketCall.ticket_id == ticket_id)).all()
        assert (ticket.status, ticket.call_count, len(calls)) == ("done", 1, 1)


# ---- legacy events -------------------------------------------------------------------------------

def test_legacy_events_are_stored_and_never_applied(app, make_receiver):
    receiver = make_receiver(app)
    start = last_seq(app)
    issue(app)
    (issued,) = events_of(app, after=start)
    old_shape = edited(issued, version=0, hlc=later(issued["hlc"]),
                       payload={"code": issued["payload"]["ticket"]["code"], "queue": "A"})
    gone_type = edited(issued, version=0, type="print.sent", aggregate_type="print",
                       payload={"job": "anything"})
    with receiver.app_context():
        before = stored()
    assert deliver(receiver, old_shape, gone_type) == ["legacy", "legacy"]
    with receiver.app_context():
        after = stored()
        assert {k: v for k, v in after.items() if k != "event"} == \
            {k: v for k, v in before.items() if k != "event"}
        versions = db.session.scalars(select(Event.version).where(
            Event.id.in_([uuid.UUID(old_shape["id"]), uuid.UUID(gone_type["id"])]))).all()
        assert versions == [0, 0]
    # a legacy event with a newer clock neither counts as the aggregate's latest nor gets folded in
    assert deliver(receiver, issued) == ["applied"]
    with receiver.app_context():
        assert db.session.scalar(select(Ticket.status)) == "waiting"


# ---- personal data -------------------------------------------------------------------------------

def test_personal_data_is_sealed_in_payloads_and_gone_from_replays_once_its_key_is(app, make_receiver):
    erased, kept = receive(app), receive(app)
    on_dossier(app, erased, lambda s, d, o: lifecycle.transfer(s, d, o, "Phòng Tư pháp"))
    with app.app_context():
        raw = db.session.execute(text("SELECT payload FROM event")).scalars().all()
    written = "\n".join(raw + [json.dumps(json.loads(p), ensure_ascii=False) for p in raw])
    for value in PERSON.values():
        assert value not in written

    with app.app_context(), write_transaction():
        destroy_key(erased)
    replay = make_receiver()
    with replay.app_context(), write_transaction():
        load(events_of(app), keys_of(app))
    with replay.app_context():
        for dossier_id, name in ((erased, BLANK["applicant_name"]), (kept, PERSON["applicant_name"])):
            assert db.session.get(Dossier, dossier_id).applicant_name == name
        dossier = db.session.get(Dossier, erased)
        assert {k: getattr(dossier, k) for k in ENTITIES["dossier"].personal} == \
            {k: BLANK[k] for k in ENTITIES["dossier"].personal}
        for step in db.session.scalars(select(DossierStep).where(DossierStep.dossier_id == erased)):
            assert (step.proxy_name, step.authorisation) == (BLANK["proxy_name"], BLANK["authorisation"])


# ---- the clock guard -----------------------------------------------------------------------------

def clock_ahead(app) -> None:
    """The site used a time a day ahead of the wall clock (then the clock was set back)."""
    with app.app_context(), write_transaction():
        db.session.execute(update(ClockState).where(ClockState.site_id == current_site().id)
                           .values(last_ms=wall_ms() + 86_400_000, wall_ms=wall_ms() + 86_400_000))


def counts(app) -> dict:
    with app.app_context():
        return {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("event", "dossier", "dossier_step", "ticket", "number_series", "personal_key")}


def test_a_clock_set_back_refuses_dated_work_and_commits_nothing(app):
    clock_ahead(app)
    before = counts(app)
    for work in (receive, issue):
        with pytest.raises(DomainError) as refused_work:
            work(app)
        assert refused_work.value.message == CLOCK_BEHIND
    assert counts(app) == before

    with app.app_context(), write_transaction():
        confirm_clock(current_site().id)
    dossier_id = receive(app, "1.004222")  # seven working days: room to reschedule
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert (dossier.code.endswith("-0001"), dossier.log_number) == (True, 1)
        due = dossier.due_at
        new_day = calendar_for(current_site()).add_working_days(local_date(due), 3)

    clock_ahead(app)
    before = counts(app)
    with pytest.raises(DomainError) as refused_work:
        on_dossier(app, dossier_id, lambda s, d, o: lifecycle.reschedule(s, d, o, "Chờ xác minh", new_day))
    assert refused_work.value.message == CLOCK_BEHIND
    assert counts(app) == before
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert (dossier.rescheduled, dossier.due_at) == (False, due)


# ---- hybrid logical clock ------------------------------------------------------------------------

@settings(derandomize=True)
@given(ms=st.integers(0, 10**13 - 1), counter=st.integers(0, 99_999),
       later_by=st.tuples(st.integers(0, 10**6), st.integers(0, 99_999)),
       sites=st.lists(st.uuids(), min_size=2, max_size=2, unique=True))
def test_clock_values_of_two_sites_never_tie_and_keep_time_order(ms, counter, later_by, sites):
    first, second = sites
    assert format_hlc(ms, counter, first) != format_hlc(ms, counter, second)
    then = (min(ms + later_by[0], 10**13 - 1), min(counter + later_by[1], 99_999))
    if then > (ms, counter):
        assert format_hlc(ms, counter, first) < format_hlc(*then, second)
        assert format_hlc(ms, counter, second) < format_hlc(*then, first)

