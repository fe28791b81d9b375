"""The event log is the record of truth: random sequences of real operations, replayed from the
events alone into an empty database, give the live tables back — also when every event arrives
twice, and when they arrive shuffled (a record's creation before what refers to it)."""

import shutil
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from domain import DomainError, counters, feedback, lifecycle, ratings, site_config, staff, tickets
from domain.clock import business_date
from domain.dossiers import receive_dossier, refuse_at_intake, request_supplement_at_intake, validate_intake
from domain.replay import compare, load, personal_keys, shuffled_within_clocks, source_envelopes
from domain.site import current_site
from models import (
    Counter,
    Dossier,
    EventFlag,
    Feedback,
    PriorityCategory,
    Procedure,
    Queue,
    StaffUser,
    Ticket,
)
from motcua import create_app
from motcua.extensions import db
from motcua.transactions import write_transaction

pytestmark = pytest.mark.slow


def rebuilt(tmp_path, name: str, empty, envelopes, keys, bulk: bool = False) -> str:
    """A copy of the empty database with `envelopes` applied in the order given; its URL."""
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(empty, folder / "motcua.sqlite3")
    other = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "EVENT_GUARD": "raise"})
    with other.app_context():
        with write_transaction():
            load(envelopes, keys, bulk=bulk)
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    return url


PERSON = {"applicant_name": "Nguyễn Thị Ánh", "applicant_id_number": "001190012345",
          "applicant_birth_date": "02/09/1990", "applicant_phone": "0912345678",
          "applicant_address": "Xóm Hồng Thái 2, xã Tân Cương", "proxy_name": "Đỗ Văn Bình",
          "proxy_authorisation": "Giấy ủy quyền số 12/2026"}


class SiteDay(RuleBasedStateMachine):
    """A reception point's day: kiosks, counters, intake, appraisal, admin."""

    make_app = None  # set by the test
    seen: set = set()  # the event types the examples wrote, over the run

    def __init__(self):
        super().__init__()
        self.app = SiteDay.make_app()
        self.context = self.app.app_context()
        self.context.push()
        self.site = current_site()
        self.officers = list(db.session.scalars(select(StaffUser).order_by(StaffUser.username)))
        self.counters = list(db.session.scalars(select(Counter).order_by(Counter.number)))
        self.queues = list(db.session.scalars(select(Queue).order_by(Queue.letter)))
        self.priorities = list(db.session.scalars(select(PriorityCategory).order_by(PriorityCategory.code)))
        self.procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.code)))
        self.done = 0

    def act(self, operation) -> None:
        try:
            with write_transaction():
                operation()
            self.done += 1
        except DomainError:
            pass  # refused, rolled back: as at the counter

    # ---- tickets ----
    @rule(queue=st.integers(0, 3), priority=st.booleans())
    def issue(self, queue, priority):
        category = self.priorities[0] if priority else None
        self.act(lambda: tickets.issue_ticket(self.site, self.queues[queue], priority=category))

    @rule(counter=st.integers(0, 2), officer=st.integers(0, 3))
    def call_next(self, counter, officer):
        def call():
            desk = db.session.get(Counter, self.counters[counter].id)
            counters.open_counter(desk, self.officers[officer])
            tickets.call_next(desk, self.officers[officer])
        self.act(call)

    @rule(counter=st.integers(0, 2),
          step=st.sampled_from(["recall", "hold", "resume", "finish", "no_show", "transfer"]))
    def serve(self, counter, step):
        def serve_step():
            desk = db.session.get(Counter, self.counters[counter].id)
            officer = db.session.get(StaffUser, desk.officer_id) if desk.officer_id else self.officers[0]
            ticket = tickets.current_ticket(desk) or db.session.scalars(
                select(Ticket).where(Ticket.counter_id == desk.id, Ticket.status == "held")).first()
            if ticket is None:
                raise DomainError("nothing at the counter")
            if step == "transfer":
                tickets.transfer(ticket, desk, officer, to_queue=self.queues[(counter + 1) % 4])
            elif step == "resume":
                tickets.resume(ticket, desk, officer)
            else:
                getattr(tickets, {"recall": "recall", "hold": "hold", "finish": "finish",
                                  "no_show": "mark_no_show"}[step])(ticket, desk, officer)
        self.act(serve_step)

    @rule(counter=st.integers(0, 2))
    def close(self, counter):
        def close_desk():
            desk = db.session.get(Counter, self.counters[counter].id)
            if desk.officer_id is None:
                raise DomainError("closed already")
            counters.close_counter(desk, self.officers[0], counters.CLOSED_BY_OFFICER)
        self.act(close_desk)

    # ---- dossiers ----
    @rule(procedure=st.integers(0, 12), outcome=st.sampled_from(["received", "incomplete", "refused"]),
          proxy=st.booleans())
    def intake(self, procedure, outcome, proxy):
        chosen = self.procedures[procedure % len(self.procedures)]
        values = dict(PERSON) if proxy else {k: v for k, v in PERSON.items() if not k.startswith("proxy")}
        every = set(range(len(chosen.documents)))

        def take_in():
            if outcome == "received":
                receive_dossier(self.site, self.officers[1], validate_intake(chosen, values, every))
            elif outcome == "incomplete":
                incomplete = validate_intake(chosen, values, set())
                request_supplement_at_intake(self.site, self.officers[1], incomplete, ["Bản sao khai sinh"])
            else:
                refuse_at_intake(self.site, self.officers[1], validate_intake(chosen, values, every),
                                 "Không thuộc thẩm quyền giải quyết của xã.")
        self.act(take_in)

    @rule(pick=st.integers(0, 50), step=st.sampled_from(
        ["transfer", "supplement", "supplemented", "result_ready", "return", "refuse", "stop",
         "reschedule", "late_reason"]))
    def appraise(self, pick, step):
        def step_dossier():
            dossiers = list(db.session.scalars(select(Dossier).where(Dossier.code.is_not(None))
                                               .order_by(Dossier.code)))
            if not dossiers:
                raise DomainError("no dossier yet")
            dossier, officer = dossiers[pick % len(dossiers)], self.officers[2]
            if step == "transfer":
                lifecycle.transfer(self.site, dossier, officer, "Phòng Văn hóa - Xã hội")
            elif step == "supplement":
                lifecycle.request_supplement(self.site, dossier, officer, ["Bản sao sổ hộ khẩu"],
                                             "Thiếu giấy")
            elif step == "supplemented":
                lifecycle.supplemented(self.site, dossier, officer)
            elif step == "result_ready":
                lifecycle.result_ready(self.site, dossier, officer, "Đã ký")
            elif step == "return":
                lifecycle.return_result(self.site, dossier, officer, "proxy", True, "Đỗ Văn Bình",
                                        "Giấy ủy quyền")
            elif step == "refuse":
                lifecycle.refuse(self.site, dossier, officer, "Hồ sơ không đủ điều kiện.")
            elif step == "stop":
                lifecycle.stop(self.site, dossier, officer, "Người nộp xin rút hồ sơ.")
            elif step == "reschedule":
                lifecycle.reschedule(self.site, dossier, officer, "Chờ xác minh",
                                     dossier.due_at.date() + timedelta(days=7) if dossier.due_at else None)
            else:
                lifecycle.note_late_reason(self.site, dossier, officer, "Chờ ý kiến cơ quan phối hợp")
        self.act(step_dossier)

    # ---- what citizens say ----
    @rule(pick=st.integers(0, 50), level=st.integers(1, 5), dossier=st.booleans())
    def rate(self, pick, level, dossier):
        if not dossier and db.session.scalar(select(Ticket.id).where(Ticket.status == "done")) is None:
            self.issue(pick % 4, False)  # a quick service first, so that there is one to rate
            self.call_next(pick % 3, 2)
            self.serve(pick % 3, "finish")

        def rate_service():
            model, status = (Dossier, "returned") if dossier else (Ticket, "done")
            served = list(db.session.scalars(select(model).where(model.status == status).order_by(model.id)))
            if not served:
                raise DomainError("nothing to rate")
            subject = {"dossier" if dossier else "ticket": served[pick % len(served)]}
            ratings.record_rating(self.site, level=level, channel="kiosk", scale=5,
                                  reasons=["wait"] if level < 3 else [], **subject)
        self.act(rate_service)

    @rule(pick=st.integers(0, 50), step=st.sampled_from(["submit", "about_dossier", "assign", "answer",
                                                         "reject"]))
    def pakn(self, pick, step):
        def handle():
            if step in ("submit", "about_dossier"):
                code = ""
                if step == "about_dossier":
                    code = db.session.scalar(select(Dossier.code).where(Dossier.code.is_not(None))
                                             .order_by(Dossier.code)) or ""
                feedback.submit_feedback(self.site, channel="kiosk", kind="phan_anh", topic="delay",
                                         content="Chờ lâu ở quầy số 2", dossier_code=code)
                return
            items = list(db.session.scalars(select(Feedback).order_by(Feedback.code)))
            if not items:
                raise DomainError("no feedback yet")
            # Mostly an open one, so a run assigns and answers; now and then a closed one, refused.
            choices = [item for item in items if item.status in feedback.OPEN] if pick % 5 else []
            choices = choices or items
            item = choices[pick % len(choices)]
            if step == "assign":
                feedback.assign_feedback(self.site, item, self.officers[1], self.officers[2])
            elif step == "answer":
                feedback.answer_feedback(self.site, item, self.officers[2], "Đã chấn chỉnh.")
            else:
                feedback.reject_feedback(self.site, item, self.officers[1], "Không thuộc thẩm quyền.")
        self.act(handle)

    # ---- admin ----
    @rule(queue=st.integers(0, 3))
    def pause_or_resume(self, queue):
        def toggle():
            row = db.session.get(Queue, self.queues[queue].id)
            site_config.set_queue_open(row, self.officers[0], not row.is_open)
        self.act(toggle)

    @rule(category=st.integers(0, 4))
    def toggle_priority(self, category):
        def toggle():
            row = db.session.get(PriorityCategory, self.priorities[category].id)
            site_config.set_category_active(row, self.officers[0], not row.active)
        self.act(toggle)

    @rule(offset=st.integers(1, 40), working=st.booleans(), remove=st.booleans())
    def calendar(self, offset, working, remove):
        day = business_date() + timedelta(days=offset)

        def set_day():
            row = site_config.set_calendar_day(self.site, self.officers[0], day, working, "Theo thông báo")
            if remove:
                site_config.remove_calendar_day(self.site, self.officers[0], row)
        self.act(set_day)

    @rule(n=st.integers(0, 5), change=st.sampled_from(["add", "role", "password", "disable"]))
    def staff_account(self, n, change):
        def edit():
            user = staff.staff_named(f"canbo-moi-{n}")
            if change == "add" or user is None:
                staff.create_staff(self.site, self.officers[0], f"canbo-moi-{n}", "Phạm Thị Mới",
                                   "officer", "mat-khau-dai-2026")
            elif change == "role":
                role = "supervisor" if user.role == "officer" else "officer"
                staff.change_role(user, self.officers[0], role)
            elif change == "password":
                staff.change_password(user, self.officers[0], "mat-khau-khac-2026")
            else:
                staff.disable_staff(user, self.officers[0])
        self.act(edit)

    @invariant()
    def nothing_flagged_live(self):
        """The live site refuses illegal steps itself: none of its own events is ever flagged."""
        assert db.session.scalar(select(func.count()).select_from(EventFlag)) == 0

    def teardown(self):
        try:
            self.check_replay()
        finally:
            db.session.remove()
            self.context.pop()

    def check_replay(self):
        live = db.engine.url.render_as_string(hide_password=False)
        envelopes = [env for batch in source_envelopes() for env in batch]
        SiteDay.seen.update(env["type"] for env in envelopes)
        keys = personal_keys()
        tmp = SiteDay.tmp_path / f"run{id(self)}"
        tmp.mkdir()
        delivered_badly = shuffled_within_clocks(envelopes + envelopes, self.done)  # twice, any order
        for name, order, bulk in (("in-order", envelopes, False), ("shuffled-twice", delivered_badly, False),
                                  ("bulk", envelopes, True), ("bulk-shuffled-twice", delivered_badly, True)):
            result = compare(live, rebuilt(tmp, name, SiteDay.empty, order, keys, bulk=bulk))
            assert result.equal, (name, result.differences)


def test_replaying_the_events_gives_the_live_tables_back(make_app, empty_database, tmp_path):
    SiteDay.make_app, SiteDay.empty, SiteDay.tmp_path = make_app, empty_database, tmp_path
    run_state_machine_as_test(SiteDay, settings=settings(
        max_examples=10, stateful_step_count=40, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
    # The run must have exercised what citizens say, not only tickets and dossiers.
    assert {"rating.recorded", "feedback.received", "feedback.assigned", "feedback.answered"} <= SiteDay.seen
