"""Sync under faults: one central (PostgreSQL) and three sites (SQLite) whose links drop requests,
lose answers after central committed, deliver twice and go down, and whose machines crash, while
their counters keep working. When every link is healed and each site has synced until nothing
moves, every site event is at central once and unchanged, central's own events reached their
site, both sides hold the same rows (and flag the same events), and nothing is quarantined.
After every step already: ticket numbers and dossier codes gap-free on both sides, no pull cursor
or push position gone back (across restarts too), central holding no more of a site's events
than the site committed, and a crash losing only what was not committed.

The province (central's database and three enrolled site files, after a morning's work synced)
is built once per module; each example starts from it again: central's tables put back as they
were, the site files copied.
"""

import functools
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from flask_migrate import upgrade
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from psycopg import sql
from sqlalchemy import func, select

from domain import DomainError, lifecycle, tickets
from domain.apply import envelope
from domain.counters import open_counter
from domain.dossiers import receive_dossier, validate_intake
from domain.event_catalogue import ENTITIES
from domain.events import CENTRAL_NODE, FEED_ALL
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site
from models import (
    Counter,
    Dossier,
    Event,
    EventFlag,
    Procedure,
    Quarantine,
    Queue,
    ReceptionPoint,
    StaffUser,
    SyncProblem,
    SyncState,
    Ticket,
)
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction
from sync.demo import APPLICANTS, SITES, seed_reference
from sync.inprocess import AppTransport, transport_factory
from sync.site import SyncFailed, enrol, pull_once, push_once, sync_round

pytestmark = pytest.mark.slow

POSTGRES = "postgres@127.0.0.1:5432"
ADMIN_DSN = f"postgresql://{POSTGRES}/postgres"
REDIS_URI = "redis://127.0.0.1:6379/0"
CENTRAL_URL = "http://central.invalid"  # never dialled: every request goes through a Link
PROVINCE_OFFICER = "tinh.giamsat"
SITE_BATCH = 4  # small, so a site's backlog takes several pushes and a lost answer covers a part


def _admin(statement) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=10) as conn:
        conn.execute(statement)


def _unavailable() -> str | None:
    try:
        _admin("SELECT 1")
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL at {POSTGRES}: {exc}"
    try:
        with redis.Redis.from_url(REDIS_URI, socket_connect_timeout=5) as client:
            client.ping()
    except redis.RedisError as exc:
        return f"no Redis at {REDIS_URI}: {exc}"
    return None


def _create_database(name: str) -> None:
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(name: str) -> None:
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def central_app(folder: Path, database: str):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "central",
                       "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{POSTGRES}/{database}",
                       "RATELIMIT_STORAGE_URI": REDIS_URI, "RATELIMIT_KEY_PREFIX": f"motcua-{database}",
                       "SYNC_LIMIT_PER_SITE": "100000 per minute", "EVENT_GUARD": "raise"})


def site_app(folder: Path, central):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "ROLE": "site", "START_WORKERS": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'motcua.sqlite3'}",
                       "RATELIMIT_STORAGE_URI": "memory://", "SYNC_TRANSPORT": transport_factory(central),
                       "SYNC_BATCH": SITE_BATCH, "EVENT_GUARD": "raise"})


# ---- The province, built once ---------------------------------------------------------------

class ProvinceTemplate:
    """Central's database with three reception points, and each site's file after enrolment.

    Central's tables are kept as COPY text and put back before each example (with its sequences):
    on a busy server that is steadier than a database made from a template and dropped each time."""

    def __init__(self, root: Path):
        self.root, self.database = root, f"motcua_ssm_{uuid.uuid4().hex[:12]}"
        self.dsn = f"postgresql://{POSTGRES}/{self.database}"
        self.sites: list[tuple[str, str, str]] = []  # (agency code, account prefix, credential)
        self.tables: dict[str, bytes] = {}
        self.sequences: list = []
        self.central = None
        self.made = 0

    def build(self) -> None:
        _create_database(self.database)
        self.central = central_app(self.root / "central", self.database)
        with self.central.app_context():
            upgrade()
            with write_transaction():
                credentials = seed_reference()
        for code, _name, _kind, _address, prefix in SITES:
            folder = self.root / code
            app = site_app(folder, self.central)
            try:
                with app.app_context():
                    upgrade()
                    enrol(CENTRAL_URL, credentials[code])
            finally:
                _close(app)
            self.sites.append((code, prefix, credentials[code]))
            site = Site(folder, self.central, prefix, credentials[code])
            try:
                assert site.work(lambda: morning(site))  # noqa: B023 - run before the loop moves on
                with site.context():
                    sync_round(site.link)
            finally:
                _close(site.app)
        release_writer_lock_file()
        self._keep_central()

    def _keep_central(self) -> None:
        with psycopg.connect(self.dsn) as conn:
            names = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                 "AND tablename <> 'alembic_version' ORDER BY tablename").fetchall()
            for (name,) in names:
                with conn.cursor().copy(sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(name))) as copy:
                    self.tables[name] = b"".join(bytes(block) for block in copy)
            self.sequences = conn.execute("SELECT sequencename, last_value FROM pg_sequences "
                                          "WHERE schemaname = 'public'").fetchall()

    def reset_central(self) -> None:
        """Central's tables and sequences as they were right after enrolment."""
        with psycopg.connect(self.dsn) as conn:
            conn.execute("SET LOCAL session_replication_role = replica")  # no foreign-key order
            for name, rows in self.tables.items():
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(name)))
                with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(name))) as copy:
                    copy.write(rows)
            for name, last in self.sequences:
                conn.execute("SELECT setval(%s, %s, %s)", (name, last or 1, last is not None))

    def province(self) -> "Province":
        self.made += 1
        self.reset_central()
        return Province(self, self.root.parent / f"example{self.made}")

    def close(self) -> None:
        if self.central is not None:
            _close(self.central)
        release_writer_lock_file()
        _drop_database(self.database)


@pytest.fixture(scope="module")
def province_template(tmp_path_factory):
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    made = ProvinceTemplate(tmp_path_factory.mktemp("province"))
    try:
        made.build()
        yield made
    finally:
        made.close()


# ---- One example's province: central, three sites and their links ---------------------------

class SiteCrashed(Exception):
    """The site's machine went down while it waited for central."""


class Link:
    """A site's line to central. Each request takes the next planned fate: `ok`, `drop` (never
    reaches central), `lose` (central committed, the answer is lost), `twice` (delivered twice,
    the second answer returned) or `crash` (central answered, the site died before reading it)."""

    def __init__(self, central, credential: str):
        self.central = AppTransport(central, credential)
        self.partitioned = False
        self.fates: list[str] = []

    def __call__(self, method, path, **request):
        fate = self.fates.pop(0) if self.fates else "ok"
        if self.partitioned:
            raise SyncFailed("partitioned")
        if fate == "drop":
            raise SyncFailed("request dropped")
        answer = self.central(method, path, **request)
        if fate == "twice":
            answer = self.central(method, path, **request)
        elif fate == "lose":
            raise SyncFailed("answer lost")
        elif fate == "crash":
            raise SiteCrashed
        return answer


class Site:
    """A reception point's server: its app on its SQLite file, and its link to central."""

    def __init__(self, folder: Path, central, prefix: str, credential: str):
        self.folder, self.central, self.prefix = folder, central, prefix
        self.link = Link(central, credential)
        self.app = site_app(folder, central)
        with self.app.app_context():
            self.id = current_site().id

    @contextmanager
    def context(self):
        with self.app.app_context():
            yield

    def restart(self) -> None:
        """A power cut: the engine goes with whatever it held; a new app opens the same file."""
        _close(self.app)
        self.app = site_app(self.folder, self.central)

    def officer(self) -> StaffUser:
        return db.session.scalars(select(StaffUser).where(StaffUser.username.in_(
            [f"{self.prefix}.canbo1", f"{self.prefix}.buudien"]))).one()

    def work(self, operation) -> bool:
        """Run one local operation in its own transaction; False when the domain refused it."""
        with self.context():
            try:
                with write_transaction():
                    operation()
            except DomainError:
                return False
        return True


class Province:
    def __init__(self, template: ProvinceTemplate, root: Path):
        self.root, self.central, self.sites = root, template.central, []
        try:
            for code, prefix, credential in template.sites:
                shutil.copytree(template.root / code, root / code)
                self.sites.append(Site(root / code, self.central, prefix, credential))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for site in self.sites:
            _close(site.app)
        release_writer_lock_file()
        shutil.rmtree(self.root, ignore_errors=True)

    def positions(self) -> tuple:
        """Everything that moves when a sync moves something."""
        with self.central.app_context():
            head = (db.session.scalar(select(func.count()).select_from(Event)),)
        for site in self.sites:
            with site.context():
                state = db.session.get(SyncState, 1)
                head += (state.cursor, state.pushed_seq, db.session.scalar(select(func.max(Event.seq))))
        return head

    def converge(self, passes: int = 4) -> None:
        """Heal every link and sync each site in turn until a whole pass moves nothing."""
        for site in self.sites:
            site.link.partitioned, site.link.fates = False, []
        for _ in range(passes):
            before = self.positions()
            for site in self.sites:
                with site.context():
                    sync_round(site.link)
            if self.positions() == before:
                return
        raise AssertionError(f"still moving after {passes} sync passes")


# ---- What must hold ----------------------------------------------------------------------------

def _envelopes(query) -> dict:
    return {str(e.id): envelope(e) for e in db.session.scalars(query)}


def _site_rows(site_id) -> dict:
    """Every row of the site (its own, and what central keeps for it: procedures, accounts), table
    by table, as plain values."""
    rows = {}
    for name, entity in ENTITIES.items():
        table = entity.table
        if "site_id" not in table.c:
            continue
        result = db.session.execute(select(table).where(table.c.site_id == site_id))
        rows[name] = {str(row.id): dict(row._mapping) for row in result}
    return rows


def _flags(aggregate_ids) -> set:
    return {(str(f.event_id), f.reason) for f in db.session.scalars(
        select(EventFlag).where(EventFlag.aggregate_id.in_(aggregate_ids)))}


def numbering_problems() -> list[str]:
    """Ticket numbers and dossier codes that repeat or leave a gap, on this database: each series
    (site, day, queue; site, day for codes) must read 1, 2, … n."""
    per_series = db.session.execute(
        select(Ticket.site_id, Ticket.business_date, Ticket.queue_letter, func.count(),
               func.count(Ticket.number.distinct()), func.min(Ticket.number), func.max(Ticket.number))
        .group_by(Ticket.site_id, Ticket.business_date, Ticket.queue_letter))
    problems = [f"tickets {row[:3]}: {row[3:]} (count, distinct, lowest, highest)" for row in per_series
                if not row[3] == row[4] == row[6] or row[5] != 1]
    series = {}
    codes = list(db.session.scalars(select(Dossier.code).where(Dossier.code.is_not(None))))
    for code in codes:
        agency_day, number = code.rsplit("-", 1)
        series.setdefault(agency_day, []).append(int(number))
    problems += [f"dossier codes {key}: {sorted(numbers)}" for key, numbers in series.items()
                 if sorted(numbers) != list(range(1, len(numbers) + 1))]
    if len(set(codes)) != len(codes):
        problems.append("a dossier code used twice")
    return problems


def assert_converged(province: Province, tampered: frozenset = frozenset()) -> None:
    """Both sides agree; nothing is quarantined or refused but the `tampered` event ids."""
    with province.central.app_context():
        assert set(db.session.scalars(select(Quarantine.event_id))) <= tampered
        central = {}
        for site in province.sites:
            central[site.id] = (
                _envelopes(select(Event).where(Event.origin_site_id == site.id)),
                _envelopes(select(Event).where(Event.origin_site_id == CENTRAL_NODE,
                                               Event.audience.in_([site.id, FEED_ALL]))),
                _site_rows(site.id))
        assert db.session.scalar(select(func.count(Event.id.distinct()))) == \
            db.session.scalar(select(func.count()).select_from(Event))
        assert numbering_problems() == []
        flags = {site.id: _flags(select(Dossier.id).where(Dossier.site_id == site.id))
                 for site in province.sites}
    for site in province.sites:
        pushed, addressed, rows = central[site.id]
        with site.context():
            own = _envelopes(select(Event).where(Event.origin_site_id == site.id))
            assert set(own) == set(pushed), "every site event at central, and nothing else from it"
            assert own == pushed, "central stored each event as the site wrote it"
            assert db.session.scalar(select(func.count()).select_from(Event).where(
                Event.origin_site_id == site.id, Event.pushed_at.is_(None))) == 0
            pulled = _envelopes(select(Event).where(Event.id.in_([uuid.UUID(i) for i in addressed])))
            assert pulled == addressed, "central's events reached the site unchanged"
            assert _site_rows(site.id) == rows, "the site's rows equal central's rows for it"
            assert _flags(select(Dossier.id).where(Dossier.site_id == site.id)) == flags[site.id]
            assert numbering_problems() == []
            assert set(db.session.scalars(select(SyncProblem.event_id))) <= tampered


# ---- The state machine ---------------------------------------------------------------------------

SITE = st.integers(0, 2)
FATE = st.sampled_from(["ok", "drop", "lose", "twice"])
# What may happen next to a dossier or a ticket, by its status (the usual path first).
DOSSIER_NEXT = {
    "received": ["transfer", "result_ready", "request_supplement", "refuse"],
    "transferred": ["result_ready", "request_supplement", "refuse"],
    "supplement_requested": ["supplemented", "refuse"],
    "result_ready": ["return"],
}
DOSSIER_STEPS = {  # step → the lifecycle function and what the officer wrote
    "transfer": (lifecycle.transfer, "Phòng chuyên môn"),
    "result_ready": (lifecycle.result_ready, "Có kết quả"),
    "request_supplement": (lifecycle.request_supplement, ["Bản sao giấy khai sinh"], "Thiếu giấy tờ"),
    "supplemented": (lifecycle.supplemented,),
    "refuse": (lifecycle.refuse, "Không đủ điều kiện"),
    "return": (lifecycle.return_result, "applicant", True),
}
TICKET_NEXT = {"called": ["finish", "hold", "no_show", "transfer"], "held": ["resume", "finish"]}


def note(what: str) -> None:
    """Count what a step did (Hypothesis's statistics), when a step is what runs this."""
    if currently_in_test_context():
        event(what)


def _counter(site: Site, number: int) -> Counter:
    counter = db.session.scalars(select(Counter).where(Counter.site_id == site.id,
                                                       Counter.number == number)).first()
    if counter is None:
        raise DomainError("no such counter")
    return counter


def _dossier(site_id, index: int, statuses) -> Dossier:
    """The index-th (modulo) dossier of the site (None: of any site) in one of these statuses."""
    query = select(Dossier).where(Dossier.status.in_(statuses))
    if site_id is not None:
        query = query.where(Dossier.site_id == site_id)
    found = list(db.session.scalars(query.order_by(Dossier.code)))
    if not found:
        raise DomainError("no dossier")
    return found[index % len(found)]


def issue(site: Site, index: int, choice: int) -> None:
    queues = list(db.session.scalars(select(Queue).where(Queue.site_id == site.id).order_by(Queue.letter)))
    issue_tickets(site.id, [TicketRequest(queue_id=str(queues[choice].id))] * (index % 3 + 1))
    note("tickets issued")


def call_next(site: Site, index: int, choice: int) -> None:
    counter, officer = _counter(site, choice % 3 + 1), site.officer()
    open_counter(counter, officer)
    note("ticket called" if tickets.call_next(counter, officer) else "nobody waiting")


def serve(site: Site, index: int, choice: int) -> None:
    """The next step for the ticket at a counter: finish, hold, no-show, transfer or resume."""
    counter = _counter(site, index % 3 + 1)
    ticket = db.session.scalars(select(Ticket).where(Ticket.counter_id == counter.id,
                                                     Ticket.status.in_(TICKET_NEXT))
                                .order_by(Ticket.status)).first()
    if ticket is None or counter.officer_id is None:
        raise DomainError("nobody at the counter")
    officer = db.session.get(StaffUser, counter.officer_id)
    step = TICKET_NEXT[ticket.status][choice % len(TICKET_NEXT[ticket.status])]
    if step == "transfer":
        queue = db.session.scalars(select(Queue).where(Queue.site_id == site.id,
                                                       Queue.id != ticket.queue_id)).first()
        tickets.transfer(ticket, counter, officer, to_queue=queue)
    else:
        getattr(tickets, {"no_show": "mark_no_show"}.get(step, step))(ticket, counter, officer)
    note(f"ticket {step}")


def receive(site: Site, index: int, choice: int) -> None:
    procedures = list(db.session.scalars(select(Procedure).where(
        Procedure.site_id == site.id, Procedure.active.is_(True)).order_by(Procedure.code)))
    chosen = procedures[index % len(procedures)]
    form = validate_intake(chosen, APPLICANTS[choice % len(APPLICANTS)], set(range(len(chosen.documents))))
    receive_dossier(current_site(), site.officer(), form)
    note("dossier received")


def move(site: Site, index: int, choice: int) -> None:
    """The next step for one of the site's open dossiers."""
    chosen = _dossier(site.id, index, DOSSIER_NEXT)
    step = DOSSIER_NEXT[chosen.status][choice % len(DOSSIER_NEXT[chosen.status])]
    function, *written = DOSSIER_STEPS[step]
    function(current_site(), chosen, site.officer(), *written)
    note(f"dossier {step}")


def morning(site: Site) -> None:
    """Tickets issued and one called, three dossiers received and one transferred: synced in the
    template, so every example starts with open dossiers of every site at central."""
    issue(site, 2, 0)
    issue(site, 1, 1)
    call_next(site, 0, 0)
    for n in range(3):
        receive(site, n, n)
    move(site, 0, 0)


TICKET_WORK = {"issue": issue, "call_next": call_next, "serve": serve}
DOSSIER_WORK = {"receive": receive, "move": move}


def marks_broken(function):
    """A failing step or check marks the example broken: teardown then only cleans up."""
    @functools.wraps(function)
    def run(self, **values):
        try:
            function(self, **values)
        except BaseException:
            self.broken = True
            raise
    return run


def action(**strategies):
    return lambda function: rule(**strategies)(marks_broken(function))


class ProvinceUnderFaults(RuleBasedStateMachine):
    """Local work at three sites, a province officer's action at central, pushes, pulls and rounds
    over faulty links, partitions and crashes, interleaved; see the module docstring for what must
    hold after each step and once everything has synced."""

    template: ProvinceTemplate = None  # set by the test

    def __init__(self):
        super().__init__()
        self.province = self.template.province()
        self.sites = self.province.sites
        self.broken = False
        self.seen = [(0, 0)] * len(self.sites)  # (cursor, pushed_seq): neither may go back

    # ---- local work (it goes on whatever the link does) ----
    @action(site=SITE, kind=st.sampled_from(["issue", "call_next", "serve"]), index=st.integers(0, 60),
            choice=st.integers(0, 3))
    def ticket_work(self, site, kind, index, choice):
        where = self.sites[site]
        where.work(lambda: TICKET_WORK[kind](where, index, choice))

    @action(site=SITE, kind=st.sampled_from(["receive", "move"]), index=st.integers(0, 60),
            choice=st.integers(0, 3))
    def dossier_work(self, site, kind, index, choice):
        where = self.sites[site]
        where.work(lambda: DOSSIER_WORK[kind](where, index, choice))

    # ---- central ----
    @action(dossier=st.integers(0, 60))
    def central_result_ready(self, dossier):
        """The province marks a site's dossier's result ready (whichever site's, among the open ones
        central knows of); the site learns it by pulling."""
        with self.province.central.app_context():
            try:
                with write_transaction():
                    chosen = _dossier(None, dossier, ("received", "transferred"))
                    officer = db.session.scalars(select(StaffUser).where(
                        StaffUser.username == PROVINCE_OFFICER)).one()
                    lifecycle.result_ready(db.session.get(ReceptionPoint, chosen.site_id), chosen, officer,
                                           "Kết quả do tỉnh trả")
                note("central: result ready")
            except DomainError:
                note("central: no open dossier")

    # ---- the link ----
    @action(site=SITE, how=st.sampled_from(["push", "pull", "round"]),
            fates=st.lists(FATE, min_size=1, max_size=4))
    def sync(self, site, how, fates):
        """One push or one pull (the first fate), or a whole round (a fate per request, then `ok`)."""
        where = self.sites[site]
        where.link.fates = list(fates)
        with where.context():
            try:
                if how == "push":
                    push_once(where.link)
                elif how == "pull":
                    pull_once(where.link)
                else:
                    sync_round(where.link)
                note(f"{how}: answered")
            except SyncFailed:
                note(f"{how}: failed")
        where.link.fates = []

    @action(site=SITE, down=st.booleans())
    def partition(self, site, down):
        self.sites[site].link.partitioned = down

    @action(site=SITE, moment=st.sampled_from(["idle", "mid write", "push", "pull", "round"]),
            answered=st.integers(0, 3))
    def crash(self, site, moment, answered):
        """The machine dies, idle, inside a local write, or once central has answered a push, a pull
        or the request after `answered` others in a round: what it committed survives, the write or
        round in flight does not (central may have stored what the site never heard it took)."""
        where = self.sites[site]

        def events() -> int:
            return db.session.scalar(select(func.count()).select_from(Event))

        with where.context():
            at_start = events()
            where.link.fates = ["ok"] * answered + ["crash"] if moment == "round" else ["crash"]
            try:
                if moment == "push":
                    push_once(where.link)
                elif moment == "pull":
                    pull_once(where.link)
                elif moment == "round":
                    sync_round(where.link)
                elif moment == "mid write":
                    with write_transaction():
                        issue(where, 0, 0)
                        raise SiteCrashed
            except (SiteCrashed, SyncFailed):
                note(f"crash: {moment}")
            where.link.fates = []
            db.session.rollback()
            committed = events()
            assert moment != "mid write" or committed == at_start
        where.restart()
        with where.context():
            assert events() == committed

    # ---- what holds after every step ----
    @invariant()
    @marks_broken
    def nothing_lost_invented_or_undone(self):
        with self.province.central.app_context():
            assert db.session.scalar(select(func.count()).select_from(Quarantine)) == 0
            assert numbering_problems() == [], "central"
            stored = dict(db.session.execute(select(Event.origin_site_id, func.count())
                                             .group_by(Event.origin_site_id)).all())
        for n, site in enumerate(self.sites):
            with site.context():
                state = db.session.get(SyncState, 1)
                now = (state.cursor, state.pushed_seq)
                own = db.session.scalar(select(func.count()).select_from(Event)
                                        .where(Event.origin_site_id == site.id))
                assert numbering_problems() == [], f"site {n}"
                assert db.session.scalar(select(func.count()).select_from(SyncProblem)) == 0
            assert stored.get(site.id, 0) <= own, f"site {n}: central holds more than it committed"
            assert now[0] >= self.seen[n][0], f"site {n}: pull cursor went back {self.seen[n]} → {now}"
            assert now[1] >= self.seen[n][1], f"site {n}: push position went back {self.seen[n]} → {now}"
            self.seen[n] = now

    def teardown(self):
        try:
            if not self.broken:
                self.province.converge()
                assert_converged(self.province)
                with self.province.central.app_context():
                    flagged = db.session.scalar(select(func.count()).select_from(EventFlag))
                note(f"steps two sides took on one dossier, flagged at both: {min(flagged, 3)}")
        finally:
            self.province.close()


def test_sync_converges_under_faults_crashes_and_partitions(province_template):
    """The same 30 examples of 40 steps every run (derandomized, no example database): about 70 s
    of CPU here."""
    ProvinceUnderFaults.template = province_template
    try:
        run_state_machine_as_test(ProvinceUnderFaults, settings=settings(
            max_examples=30, stateful_step_count=40, derandomize=True, database=None, deadline=None))
    finally:
        ProvinceUnderFaults.template = None


# ---- Tampering -------------------------------------------------------------------------------

def _tickets_issued(site: Site, count: int) -> list[dict]:
    """Issue `count` (1–3) tickets at the site; their events' envelopes."""
    assert site.work(lambda: issue(site, count - 1, 0))
    with site.context():
        newest = db.session.scalars(select(Event).where(Event.type == "ticket.issued")
                                    .order_by(Event.seq.desc()).limit(count))
        return [envelope(e) for e in reversed(newest.all())]


def _central_has(province: Province, ids: list[str]) -> set[str]:
    with province.central.app_context():
        return {str(i) for i in db.session.scalars(select(Event.id).where(
            Event.id.in_([uuid.UUID(i) for i in ids])))}


def test_an_event_sent_again_with_other_content_is_quarantined_and_the_site_goes_on(province_template):
    """Through the API: 409, the event quarantined and central's copy untouched, the rest of the
    batch stored. Through the site's own push (its log altered behind its back): the site notes the
    conflict, moves on, and everything else it wrote reaches central."""
    province = province_template.province()
    try:
        site = province.sites[0]
        [stored] = _tickets_issued(site, 1)
        with site.context():
            sync_round(site.link)
        [fresh] = _tickets_issued(site, 1)  # not pushed: it travels with the tampered copy
        tampered = {**stored, "payload": {**stored["payload"],
                                          "ticket": {**stored["payload"]["ticket"], "status": "done"}}}
        status, answer = site.link.central("POST", "/api/v1/sync/push",
                                           json={"events": [tampered, fresh], "keys": []})
        assert (status, [c["id"] for c in answer["conflicts"]], answer["stored"]) == \
            (409, [tampered["id"]], [fresh["id"]])
        assert _central_has(province, [fresh["id"]]) == {fresh["id"]}, "answered stored, yet not kept"
        with province.central.app_context():
            kept = db.session.scalars(select(Quarantine)).one()
            assert (str(kept.event_id), kept.site_id, kept.envelope) == (tampered["id"], site.id, tampered)
            original = db.session.scalars(select(Event).where(Event.id == uuid.UUID(stored["id"]))).one()
            assert envelope(original) == stored
            assert db.session.get(Ticket, uuid.UUID(stored["payload"]["ticket"]["id"])).status == "waiting"

        def alter_log(payload, push_from=None):
            with site.context(), write_transaction():
                altered = db.session.scalars(select(Event).where(Event.id == uuid.UUID(stored["id"]))).one()
                altered.payload = payload
                if push_from is not None:
                    db.session.get(SyncState, 1).pushed_seq = altered.seq - 1

        alter_log(tampered["payload"], push_from=True)
        later = _tickets_issued(site, 2)  # one batch: the altered event, `fresh` (a duplicate), these
        with site.context():
            sync_round(site.link)
            problem = db.session.scalars(select(SyncProblem)).one()
            assert (str(problem.event_id), problem.kind) == (stored["id"], "conflict")
        later_ids = [e["id"] for e in later]
        assert _central_has(province, later_ids) == set(later_ids), "the site took them as pushed"
        alter_log(stored["payload"])  # put right; the site goes on working and syncing
        _tickets_issued(site, 2)
        with site.context():
            assert sync_round(site.link).pushed == 2
        with province.central.app_context():
            assert db.session.scalar(select(func.count()).select_from(Quarantine)) == 2
        assert_converged(province, tampered=frozenset({uuid.UUID(stored["id"])}))
    finally:
        province.close()
