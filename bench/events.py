"""Event-log figures for `make bench`: what checking a payload and recording an event cost, and how
fast a site's whole log replays into an empty database (domain.replay.load, as `flask events replay`).

The site's log is made with the domain operations: tickets issued (in groups, as the kiosk does),
some called and finished at a counter; dossiers received, some transferred, ready and returned.
Sizes keep this part near a minute on a 2-core machine (replay runs a few hundred events a second).
`python -m bench.events` runs this part alone and prints its figures (results.json holds whole runs).
"""

import json
import shutil
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from domain import lifecycle, replay, tickets
from domain.clock import utcnow
from domain.counters import open_counter
from domain.dossiers import receive_dossier, validate_intake
from domain.events import record, validate_payload
from domain.issuance import TicketRequest, issue_tickets
from domain.site import current_site
from models import Counter, Dossier, DossierStep, Event, Procedure, Queue, StaffUser, Ticket
from motcua import create_app
from motcua.demo import seed_demo
from motcua.extensions import db
from motcua.transactions import release_writer_lock_file, write_transaction

TICKETS = 5000
GROUP = 50  # tickets per issuance group
SERVED = 1000  # of the tickets, called and finished (a call costs ~5 ms to make)
DOSSIERS = 1000
RETURNED = 200  # of the dossiers, transferred, ready and returned
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


def bench_validation(results: dict, app) -> None:
    """jsonschema validation of a real payload, per event (the validator is built once per type)."""
    with app.app_context():
        for type_name in ("ticket.issued", "dossier.received"):
            payload = db.session.scalars(select(Event.payload).where(Event.type == type_name).limit(1)).one()
            validate_payload(type_name, payload)
            start = time.perf_counter()
            for _ in range(VALIDATIONS):
                validate_payload(type_name, payload)
            per_event = (time.perf_counter() - start) / VALIDATIONS * 1e6
            results[f"event_validate_us_{type_name.replace('.', '_')}"] = round(per_event, 1)


def _record_cost(change, type_name: str, rows) -> float:
    """Seconds spent in record() after `change(n)`, RECORDS times (it flushes the change and the
    previous event: what each event costs its operation)."""
    spent = 0.0
    for n in range(RECORDS):
        change(n)
        start = time.perf_counter()
        record(type_name(n), *rows(n))
        spent += time.perf_counter() - start
    db.session.rollback()
    return spent / RECORDS * 1e6


def bench_record(results: dict, app) -> None:
    """record() for a ticket held and resumed, and for a dossier with a new step (a late reason)."""
    with app.app_context(), write_transaction():
        ticket = db.session.scalars(select(Ticket).where(Ticket.status == "done").limit(1)).one()
        results["event_record_us_ticket"] = round(_record_cost(
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

        results["event_record_us_dossier"] = round(_record_cost(
            late, lambda n: "dossier.late_reason", lambda n: [dossier, steps[n]]), 1)


def bench_replay(results: dict, app, folder: Path) -> None:
    """Every event of the site applied, in log order, into an empty migrated database; one commit."""
    with app.app_context():
        envelopes = [env for batch in replay.source_envelopes() for env in batch]
        keys = replay.personal_keys()
    target = create_app({"INSTANCE_PATH": str(folder), "EVENT_GUARD": "raise"})
    with target.app_context():
        upgrade()
        start = time.perf_counter()
        with write_transaction():
            count = replay.load(envelopes, keys)
        seconds = time.perf_counter() - start
        db.engine.dispose()
    results["event_replay_events"] = count
    results["event_replay_s"] = round(seconds, 2)
    results["event_replay_events_per_s"] = round(count / seconds, 1)


def run(results: dict, workdir: Path, log) -> None:
    app = _site(workdir / "events-site")
    try:
        start = time.perf_counter()
        make_tickets(app)
        make_dossiers(app)
        results["event_log_build_s"] = round(time.perf_counter() - start, 1)
        log(f"events: {TICKETS} tickets ({SERVED} served), {DOSSIERS} dossiers ({RETURNED} returned) "
            f"made in {results['event_log_build_s']} s")
        bench_validation(results, app)
        bench_record(results, app)
        log(f"events: validate ticket.issued {results['event_validate_us_ticket_issued']} µs, "
            f"dossier.received {results['event_validate_us_dossier_received']} µs; record ticket "
            f"{results['event_record_us_ticket']} µs, dossier {results['event_record_us_dossier']} µs")
        bench_replay(results, app, workdir / "events-replay")
        log(f"events: replayed {results['event_replay_events']} events in {results['event_replay_s']} s "
            f"({results['event_replay_events_per_s']}/s)")
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
