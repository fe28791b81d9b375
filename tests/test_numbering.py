"""Gap-free, never-duplicated numbers with many processes issuing at once."""

import multiprocessing
import os
import uuid
from collections import defaultdict

import pytest
from sqlalchemy import select, text

from domain.site import current_site
from domain.tickets import issue_ticket
from models import Queue, Ticket
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import write_transaction

PROCESSES = 8
PER_PROCESS = 60


def _issue_many(config: dict, letters: str, count: int, results) -> None:
    """Issue `count` tickets; after every tenth, start one more that dies before commit."""
    app = create_app(config)
    issued = []
    with app.app_context():
        site = current_site()
        queues = {q.letter: q.id for q in db.session.scalars(select(Queue))}
        db.session.rollback()
        for i in range(count):
            with write_transaction():
                queue = db.session.get(Queue, queues[letters[i % len(letters)]])
                issued.append(issue_ticket(site, queue, request_key=uuid.uuid4().hex).ticket.code)
            if i % 10 == 9:
                try:
                    with write_transaction():
                        issue_ticket(site, db.session.get(Queue, queues["D"]))
                        raise RuntimeError("power cut before commit")
                except RuntimeError:
                    pass
    results.put((os.getpid(), issued))


def run_concurrently(config: dict) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    workers = [ctx.Process(target=_issue_many, args=(config, "ABC", PER_PROCESS, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    codes = []
    for _ in workers:
        codes += results.get(timeout=120)[1]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    return codes


def assert_gap_free(app, acknowledged: list[str]) -> None:
    assert len(acknowledged) == len(set(acknowledged)) == PROCESSES * PER_PROCESS
    with app.app_context():
        stored = db.session.execute(select(Ticket.queue_letter, Ticket.number, Ticket.code)).all()
    assert {code for _, _, code in stored} == set(acknowledged)  # the rolled-back D tickets left no trace
    by_series = defaultdict(list)
    for letter, number, _ in stored:
        by_series[letter].append(number)
    for letter, numbers in by_series.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), letter


def test_eight_processes_on_one_sqlite_file(app):
    config = {"INSTANCE_PATH": app.instance_path, "TESTING": True}
    assert_gap_free(app, run_concurrently(config))
    with app.app_context():
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


@pytest.fixture
def postgres_app(tmp_path):
    """The central role's engine: a throw-away database on the local PostgreSQL."""
    psycopg = pytest.importorskip("psycopg")
    name = f"motcua_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect("host=127.0.0.1 dbname=postgres user=postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1/{name}"
    from flask_migrate import upgrade

    from motcua.demo import seed_demo

    app = None
    try:  # the database goes whatever fails after it was made
        app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "ROLE": "central",
                          "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                          "RATELIMIT_KEY_PREFIX": f"numbering-{tmp_path.name}"})
        with app.app_context():
            upgrade()
            with write_transaction():
                seed_demo()
            db.session.remove()
        yield app
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_eight_processes_on_postgresql(postgres_app):
    config = {k: postgres_app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "ROLE", "TESTING",
                                                   "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX")}
    config["INSTANCE_PATH"] = postgres_app.instance_path
    assert_gap_free(postgres_app, run_concurrently(config))


def _receive_many(config: dict, count: int, results) -> None:
    """Receive `count` complete dossiers as one officer at one counter would, in its own process."""
    from domain.dossiers import receive_dossier, validate_intake
    from models import Procedure, StaffUser

    app = create_app(config)
    codes = []
    with app.app_context():
        site = current_site()
        officer_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "canbo1"))
        procedure_id = db.session.scalar(select(Procedure.id).where(Procedure.code == "1.004194"))
        db.session.rollback()
        for _ in range(count):
            with write_transaction():
                procedure = db.session.get(Procedure, procedure_id)
                intake = validate_intake(procedure, {"applicant_name": "Trần Văn Bình",
                                                     "applicant_id_number": "001090123456"},
                                         set(range(len(procedure.documents))))
                codes.append(receive_dossier(site, db.session.get(StaffUser, officer_id), intake).code)
    results.put(codes)


def test_dossier_codes_are_gap_free_per_agency_and_day_with_eight_processes(app):
    from models import Dossier

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    config = {"INSTANCE_PATH": app.instance_path, "TESTING": True}
    workers = [ctx.Process(target=_receive_many, args=(config, 25, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    codes = [code for _ in workers for code in results.get(timeout=120)]
    for worker in workers:
        worker.join(30)
    assert len(codes) == len(set(codes)) == PROCESSES * 25
    sequences = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert sequences == list(range(1, len(codes) + 1))
    assert {code.rsplit("-", 1)[0] for code in codes} == {codes[0].rsplit("-", 1)[0]}  # one agency, one day
    with app.app_context():
        log_numbers = sorted(db.session.scalars(select(Dossier.log_number)))
    assert log_numbers == list(range(1, len(codes) + 1))
