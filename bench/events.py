"""Event-log figures for `make bench`: what checking a payload and recording an event cost, the
log's bytes per ticket and per dossier, and how long one year of a busy site takes to replay into an
empty database (as `flask events replay` does it: domain.apply.BulkLoader, payloads validated).

One day of a busy site is made with the domain operations — tickets issued in groups as the kiosk
does, called and finished at the counters; dossiers received, transferred, made ready and returned —
and its log is then repeated for a year of working days with fresh ids, dates, codes and clock
values (75,000 tickets, 60,000 dossiers), fed to the replay a day at a time.
`python -m bench.events` runs this part alone and prints its figures (results.json holds whole runs).
"""

import json
import os
import re
import shutil
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from domain import feedback, lifecycle, ratings, replay, tickets
from domain.apply import BulkLoader
from domain.clock import business_date, utcnow
from domain.counters import open_counter
from domain.dossiers import receive_dossier, validate_intake
from domain.events import record, validate_payload
from domain.ids import uuid7
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site
from models import Counter, Dossier, DossierStep, Event, Procedure, Queue, StaffUser, Ticket
from motcua import create_app
from motcua.demo import seed_demo
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction

DAYS = int(os.environ.get("BENCH_EVENT_DAYS", 250))  # working days in a year
TICKETS = 300  # a day: 75,000 a year
GROUP = 50  # tickets per issuance group
SERVED = TICKETS  # every ticket called and finished
DOSSIERS = 240  # a day: 60,000 a year
RETURNED = DOSSIERS  # every dossier transferred, made ready and returned
RATED_EVERY = 3  # one ticket in three rated (and one dossier in four): what the dashboard reads
PAKN = 3  # PAKN a day: one answered, one assigned, one waiting
BATCH = 500  # operations per transaction while the log is made
VALIDATIONS = 2000
RECORDS = 500
APPLICANT = {"applicant_name": "Nguyễn Thị Hồng Nhung", "applicant_id_number": "001090123456",
             "applicant_phone": "0912345678", "applicant_address": "Số 5 ngõ 12, xóm Chè Đỗ"}


def _site(folder: Path):
    """A migrated, seeded site (EVENT_GUARD=raise: a change without its event fails the bench)."""
    app = create_app({"INSTANCE_PATH": str(folder), "EVENT_GUARD": "raise"})
    with app.app_context():
        upgrade()
        with write_transaction():
            seed_demo()
    return app


def _in_batches(app, count: int, step) -> None:
    """step(i) for i in range(count), BATCH to a transaction."""
    for start in range(0, count, BATCH):
        with app.app_context(), write_transaction():
            for i in range(start, min(start + BATCH, count)):
                step(i)


def _named(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


def make_tickets(app) -> None:
    """TICKETS tickets in queues A and B; SERVED of them called and finished at counter 1."""
    def officer():
        return _named(StaffUser, username="canbo1")

    def issue_group(_):
        queues = [str(_named(Queue, letter=letter).id) for letter in "AB"]
        issue_tickets(current_site().id, [TicketRequest(queue_id=queues[n % 2]) for n in range(GROUP)])

    def call(_):  # finishes the ticket at the counter, calls the next
        tickets.call_next(_named(Counter, number=1), officer())

    _in_batches(app, TICKETS // GROUP, issue_group)
    _in_batches(app, 1, lambda _: open_counter(_named(Counter, number=1), officer()))
    _in_batches(app, SERVED + 1, call)


def make_dossiers(app) -> None:
    """DOSSIERS dossiers received; RETURNED of them transferred, ready and handed back."""
    received = []

    def receive(_):
        procedure = _named(Procedure, code="1.004859")
        intake = validate_intake(procedure, APPLICANT, set(range(len(procedure.documents))))
        received.append(receive_dossier(current_site(), _named(StaffUser, username="canbo1"), intake).id)

    def carry_through(i):
        site, officer = current_site(), _named(StaffUser, username="canbo1")
        dossier = db.session.get(Dossier, received[i])
        lifecycle.transfer(site, dossier, officer, "Phòng Tư pháp")
        lifecycle.result_ready(site, dossier, officer, "Đã ký")
        lifecycle.return_result(site, dossier, officer, "applicant", True)

    _in_batches(app, DOSSIERS, receive)
    _in_batches(app, RETURNED, carry_through)


def make_voices(app) -> None:
    """Ratings of served tickets and returned dossiers, and the day's PAKN: what citizens said."""
    def rate(i):
        site, model = current_site(), (Ticket if i % 2 == 0 else Dossier)
        status = "done" if model is Ticket else "returned"
        rows = db.session.scalars(select(model).where(model.status == status).order_by(model.id)
                                  .offset(i // 2 * (RATED_EVERY if model is Ticket else 4)).limit(1)).all()
        if rows:
            subject = {"ticket" if model is Ticket else "dossier": rows[0]}
            ratings.record_rating(site, level=(3, 3, 2, 1)[i % 4], channel="kiosk", scale=3,
                                  reasons=["wait"] if i % 4 == 3 else [], **subject)

    def pakn(i):
        site, officer = current_site(), _named(StaffUser, username="canbo1")
        item = feedback.submit_feedback(site, channel="kiosk", kind="phan_anh", topic="delay",
                                        content="Chờ lâu ở quầy tiếp nhận")
        if i < 2:
            feedback.assign_feedback(site, item, _named(StaffUser, username="giamsat"), officer)
        if i < 1:
            feedback.answer_feedback(site, item, officer, "Đã bố trí thêm cán bộ giờ cao điểm.")

    _in_batches(app, 2 * max(TICKETS // RATED_EVERY, DOSSIERS // 4), rate)
    _in_batches(app, PAKN, pakn)


def bench_validation(results: dict, app) -> None:
    """Schema validation (fastjsonschema) of a real payload, per event (validators built once a type)."""
    with app.app_context():
        for type_name in ("ticket.issued", "dossier.received"):
            payload = db.session.scalars(select(Event.payload).where(Event.type == type_name).limit(1)).one()
            validate_payload(type_name, payload)
            start = time.perf_counter()
            for _ in range(VALIDATIONS):
                validate_payload(type_name, payload)
            per_event = (time.perf_counter() - start) / VALIDATIONS * 1e6
            results[f"event_validate_us_{type_name.replace('.', '_')}"] = round(per_event, 1)


def _record_cost(change, type_name, rows) -> float:
    """µs an event adds to its operation: the change is flushed first, then record() and the flush
    that writes the event are timed, RECORDS times."""
    spent = 0.0
    for n in range(RECORDS):
        change(n)
        db.session.flush()
        start = time.perf_counter()
        record(type_name(n), *rows(n))
        db.session.flush()
        spent += time.perf_counter() - start
    db.session.rollback()
    return spent / RECORDS * 1e6


def bench_record(results: dict, app) -> None:
    """The event of a ticket held and resumed, and of a dossier with a new step (a late reason)."""
    with app.app_context(), write_transaction():
        ticket = db.session.scalars(select(Ticket).where(Ticket.status == "done").limit(1)).one()
        results["event_write_us_ticket"] = round(_record_cost(
            lambda n: setattr(ticket, "status", "held" if n % 2 == 0 else "called"),
            lambda n: "ticket.held" if n % 2 == 0 else "ticket.resumed", lambda n: [ticket]), 1)
    with app.app_context(), write_transaction():
        dossier = db.session.scalars(select(Dossier).limit(1)).one()
        steps = []

        def late(n):
            dossier.late_reason = f"Chờ ý kiến cơ quan phối hợp ({n})"
            steps.append(DossierStep(
                site_id=dossier.site_id, dossier_id=dossier.id, type="dossier.late_reason", at=utcnow(),
                status=dossier.status, reason=dossier.late_reason, items=[], due_at=dossier.due_at,
                previous_due_at=None, transfer_by=None, on_time=None, late=None))
            db.session.add(steps[-1])

        results["event_write_us_dossier"] = round(_record_cost(
            late, lambda n: "dossier.late_reason", lambda n: [dossier, steps[n]]), 1)


def _one_day(app) -> tuple[list, list, list]:
    """The seed's events, the day's events, and the personal-data keys, in wire form."""
    with app.app_context():
        envelopes = [env for batch in replay.source_envelopes() for env in batch]
        keys = replay.personal_keys()
    daily = ("ticket.", "dossier.", "rating.", "feedback.")
    seed = [e for e in envelopes if not e["type"].startswith(daily)]
    day = [e for e in envelopes if e["type"].startswith(daily)]
    return seed, day, keys


def bench_bytes(results: dict, seed_and_day) -> None:
    """The log's size (envelopes as JSON, as they travel) per ticket and per dossier."""
    _seed, day, _keys = seed_and_day
    for kind, count in (("ticket", TICKETS), ("dossier", DOSSIERS)):
        size = sum(len(json.dumps(e, ensure_ascii=False).encode())
                   for e in day if e["aggregate_type"] == kind)
        results[f"event_log_bytes_per_{kind}"] = round(size / count)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CLOCK = re.compile(r'"(\d{13})-(\d{5})-')
_MOMENT = re.compile(r'"(\d{4}-\d{2}-\d{2})T')


def _days(day: list, keys: list, today: date, days: int):
    """The day's log again for `days` days back from today: fresh ids for everything the day made (its
    dossiers' keys copied under the new ids), its date in business dates, codes and timestamps, clock
    values a day apart. Yields (envelopes, keys) per day."""
    text = json.dumps(day, ensure_ascii=False)
    made = {e["aggregate_id"] for e in day} | {e["id"] for e in day} | {e["tx_id"] for e in day}
    made |= {row["id"] for e in day for name, row in e["payload"].items() if name != "context"}
    for k in range(days, 0, -1):
        when = today - timedelta(days=k)
        fresh = {old: str(uuid7()) for old in made}

        def renamed(match, fresh=fresh):
            return fresh.get(match.group(0), match.group(0))

        def earlier(match, shift=k * 86_400_000):
            return f'"{int(match.group(1)) - shift:013d}-{match.group(2)}-'

        copy = _UUID.sub(renamed, text)
        copy = copy.replace(f'"{today.isoformat()}"', f'"{when.isoformat()}"')
        copy = _CLOCK.sub(earlier, copy.replace(f"-{today:%y%m%d}-", f"-{when:%y%m%d}-"))
        copy = _MOMENT.sub(lambda m, k=k: f'"{date.fromisoformat(m.group(1)) - timedelta(days=k)}T', copy)
        day_keys = [{**key, "subject_id": uuid.UUID(fresh[str(key["subject_id"])])} for key in keys
                    if str(key["subject_id"]) in fresh]
        yield json.loads(copy), day_keys


class _TimedDays:
    """_days, remembering how long making the copies took."""

    spent = 0.0

    def __call__(self, day, keys, days):
        self.spent = 0.0
        copies = _days(day, keys, business_date(), days)
        while True:
            start = time.perf_counter()
            copy = next(copies, None)
            self.spent += time.perf_counter() - start
            if copy is None:
                return
            yield copy


_timed_days = _TimedDays()


def bench_replay(results: dict, seed_and_day, folder: Path) -> None:
    """A year of the site's log (DAYS copies of the day) replayed into an empty database, as the CLI
    does it: a day per transaction, payloads validated."""
    seed, day, keys = seed_and_day
    target = create_app({"INSTANCE_PATH": str(folder), "EVENT_GUARD": "raise", "SQLITE_CACHE_MB": 512})
    with target.app_context():
        upgrade()
        count, start = 0, time.perf_counter()  # the seed's few events count in the time
        with write_transaction():
            loader = BulkLoader(validate=True)
            for env in seed:
                loader.add(env)
            loader.flush()
        for envelopes, day_keys in _timed_days(day, keys, DAYS):
            with write_transaction():
                replay.load_keys(day_keys)
                for env in envelopes:
                    loader.add(env)
                loader.flush()
            count += len(envelopes)
        with write_transaction():
            replay.finish()
        seconds = time.perf_counter() - start - _timed_days.spent  # the copies' making is not replay
        tickets_made = db.session.scalar(select(func.count()).select_from(Ticket))
        dossiers_made = db.session.scalar(select(func.count()).select_from(Dossier))
        db.engine.dispose()
    assert (tickets_made, dossiers_made) == (TICKETS * DAYS, DOSSIERS * DAYS), (tickets_made, dossiers_made)
    results["event_replay_year_events"] = count
    results["event_replay_year_tickets"] = tickets_made
    results["event_replay_year_dossiers"] = dossiers_made
    results["event_replay_year_s"] = round(seconds, 1)
    results["event_replay_events_per_s"] = round(count / seconds)


def run(results: dict, workdir: Path, log) -> None:
    app = _site(workdir / "events-site")
    try:
        start = time.perf_counter()
        make_tickets(app)
        make_dossiers(app)
        make_voices(app)
        results["event_log_build_s"] = round(time.perf_counter() - start, 1)
        log(f"events: a day of {TICKETS} tickets and {DOSSIERS} dossiers made in "
            f"{results['event_log_build_s']} s")
        bench_validation(results, app)
        day = _one_day(app)
        bench_bytes(results, day)
        bench_record(results, app)
        log(f"events: validate ticket.issued {results['event_validate_us_ticket_issued']} µs, "
            f"dossier.received {results['event_validate_us_dossier_received']} µs; an event adds "
            f"{results['event_write_us_ticket']} µs to a ticket's change, "
            f"{results['event_write_us_dossier']} µs to a dossier's; "
            f"{results['event_log_bytes_per_ticket']} bytes of log per ticket, "
            f"{results['event_log_bytes_per_dossier']} per dossier")
        bench_replay(results, day, workdir / "events-replay")
        log(f"events: a year ({results['event_replay_year_tickets']} tickets, "
            f"{results['event_replay_year_dossiers']} dossiers, "
            f"{results['event_replay_year_events']} events) "
            f"replayed in {results['event_replay_year_s']} s ({results['event_replay_events_per_s']}/s; "
            f"target ≤ 60 s)")
    finally:
        with app.app_context():
            db.engine.dispose()
        release_writer_lock_file()


def main() -> None:
    """Run this part alone and print its figures."""
    from bench.run import log

    figures: dict = {}
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-events-"))
    try:
        run(figures, workdir, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
