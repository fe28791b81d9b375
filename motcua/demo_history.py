"""Demo history: the last working days of the demo site, so a supervisor opening the dashboard of
`make run` sees a real-looking fortnight — tickets served, no-shows and transfers, dossiers received,
supplemented, late and returned, ratings and PAKN.

Everything goes through the domain operations, with their events, in time order: the process clock
(domain.clock's offset, as a drill sets it) is moved to each moment before its operation, always
forward, so the clock guard and the hybrid clock see time as it would have passed. Seeded randomness
makes every run the same.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from domain import DomainError, clock, counters, feedback, lifecycle, ratings, staff, tickets
from domain.clock import VN, business_date
from domain.dossiers import receive_dossier, request_supplement_at_intake, validate_intake
from domain.site import current_site, site_counters, site_queues
from domain.workdays import WorkCalendar
from models import Dossier, Feedback, Procedure, ReceptionPoint, StaffUser, Ticket
from motcua.extensions import db
from motcua.transactions import write_transaction

from .demo import DEMO_PASSWORD, seed_demo

OFFICERS = [("canbo2", "Phạm Thị Thu Hà", "officer"), ("canbo3", "Đỗ Minh Khôi", "officer")]
NAMES = ["Nguyễn Thị Hồng Nhung", "Đặng Văn Đức", "Vũ Thị Ánh", "Lê Văn Bình", "Hoàng Thị Mai",
         "Trần Quốc Tuấn", "Ngô Thị Lan", "Bùi Văn Hải", "Đinh Thị Yến", "Phan Văn Khải"]
PAKN_TEXTS = [("phan_anh", "delay", "Chờ hơn 40 phút mới đến lượt."),
              ("kien_nghi", "facilities", "Đề nghị bố trí thêm ghế ở khu vực chờ."),
              ("phan_anh", "attitude", "Cán bộ hướng dẫn chưa nhiệt tình."),
              ("kien_nghi", "suggestion", "Nên có bảng hướng dẫn thủ tục bằng hình ảnh.")]


class _Clock:
    """This process's clock, moved to each moment of the history and never backwards."""

    latest: datetime | None = None


def _at(moment: datetime) -> None:
    if _Clock.latest is not None and moment < _Clock.latest:
        moment = _Clock.latest
    _Clock.latest = moment
    clock.OFFSET_SECONDS = (moment.astimezone(UTC) - datetime.now(UTC)).total_seconds()


def _do(operation):
    try:
        with write_transaction():
            return operation()
    except DomainError:
        return None  # refused as it would be at the counter: the day goes on


def _days(count: int) -> list:
    calendar = WorkCalendar(overrides={}, make_up_saturdays_count=True)  # a new site has no overrides
    day, days = business_date() - timedelta(days=1), []
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _officers(site) -> list[StaffUser]:
    admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "admin"))
    for username, name, role in OFFICERS:
        if staff.staff_named(username) is None:
            _do(lambda u=username, n=name, r=role: staff.create_staff(site, admin, u, n, r, DEMO_PASSWORD))
    names = ["canbo1"] + [username for username, *_ in OFFICERS]
    return [staff.staff_named(name) for name in names]


def seed_demo_with_history(days: int) -> tuple[bool, bool]:
    """The demo site, set up on the morning of the first of the last `days` working days and worked
    through them (a site that exists already gets no history: its clock cannot go back). Returns
    (anything seeded, history made)."""
    if days <= 0 or db.session.scalar(select(ReceptionPoint.id).limit(1)) is not None:
        with write_transaction():
            return seed_demo(), False
    saved, _Clock.latest = clock.OFFSET_SECONDS, None
    try:
        history = _days(days)
        _at(datetime.combine(history[0], time(6, 30), tzinfo=VN))
        with write_transaction():
            seed_demo()
        site = current_site()
        people = _officers(site)
        for n, day in enumerate(history):
            _one_day(site, people, day, random.Random(n))
    finally:
        clock.OFFSET_SECONDS, _Clock.latest = saved, None
    return True, True


def _one_day(site, people, day, rng) -> None:
    def moment(hour: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=VN) + timedelta(hours=hour)

    desks = site_counters(site)
    queues = [q for q in site_queues(site) if q.is_open]
    procedures = list(db.session.scalars(select(Procedure).where(Procedure.site_id == site.id,
                                                                 Procedure.active.is_(True))))
    _progress_dossiers(site, people[0], rng, moment)
    _at(moment(7.4))
    for desk, officer in zip(desks, people, strict=False):
        _do(lambda d=desk, o=officer: counters.open_counter(d, o))
    hour = 7.5
    for _ in range(rng.randint(24, 36)):
        hour += rng.uniform(0.1, 0.35) if hour < 11.2 or hour > 13.5 else 13.6 - hour
        _at(moment(hour))
        queue = rng.choice(queues)
        _do(lambda q=queue: tickets.issue_ticket(site, q))
        if rng.random() < 0.8:
            _serve(site, people, desks, procedures, rng, moment, hour)
    _pakn(site, people, rng, moment, day)
    _at(moment(17.1))
    for desk in desks:
        _do(lambda d=desk: counters.close_counter(db.session.merge(d), people[0], counters.CLOSED_BY_OFFICER))


def _serve(site, people, desks, procedures, rng, moment, hour) -> None:
    index = rng.randrange(len(desks))
    desk, officer = desks[index], people[index % len(people)]
    _at(moment(hour + rng.uniform(0.05, 0.3)))
    ticket = _do(lambda: tickets.call_next(db.session.merge(desk), officer))
    if ticket is None:
        return
    _at(moment(hour + rng.uniform(0.35, 0.6)))
    roll = rng.random()
    if roll < 0.08:
        _do(lambda: tickets.mark_no_show(db.session.merge(ticket), db.session.merge(desk), officer))
        return
    if roll < 0.14:
        other = rng.choice([q for q in site_queues(site) if q.id != ticket.queue_id])
        _do(lambda: tickets.transfer(db.session.merge(ticket), db.session.merge(desk), officer,
                                     to_queue=other))
        return
    if rng.random() < 0.45:
        _intake(site, officer, rng.choice(procedures), rng, ticket.id)
    _do(lambda: tickets.finish(db.session.merge(ticket), db.session.merge(desk), officer))
    if rng.random() < 0.6:
        level = rng.choices([3, 2, 1], weights=[6, 3, 1])[0]
        _do(lambda: ratings.record_rating(
            site, level=level, channel="counter_screen", ticket=db.session.get(Ticket, ticket.id),
            officer_id=officer.id, counter_id=desk.id, scale=3,
            reasons=["wait"] if level == 1 else []))


def _intake(site, officer, procedure, rng, ticket_id) -> None:
    name = rng.choice(NAMES)
    values = {"applicant_name": name, "applicant_id_number": f"0011900{rng.randrange(10**5):05d}",
              "applicant_phone": f"09{rng.randrange(10**8):08d}",
              "channel": "postal" if rng.random() < 0.1 and procedure.postal_allowed
              and not procedure.in_person_only else "in_person"}
    papers = set(range(len(procedure.documents)))
    incomplete = rng.random() < 0.1 and papers
    intake = validate_intake(procedure, values, papers - {0} if incomplete else papers)
    intake.ticket_id = ticket_id
    if incomplete:
        _do(lambda: request_supplement_at_intake(site, officer, intake, []))
    else:
        _do(lambda: receive_dossier(site, officer, intake))


def _progress_dossiers(site, officer, rng, moment) -> None:
    """First thing in the morning: the agency's results come back, most before their day, some on
    it, a few late; a few ask for papers."""
    _at(moment(7.3))
    open_ = list(db.session.scalars(select(Dossier).where(
        Dossier.site_id == site.id, Dossier.status.in_(("received", "transferred", "result_ready",
                                                         "supplement_requested")))))
    for dossier in open_:
        now = clock.utcnow()
        roll = rng.random()
        if dossier.status == "received":
            _do(lambda d=dossier: lifecycle.transfer(site, db.session.merge(d), officer, ""))
        elif dossier.status == "supplement_requested" and roll < 0.5:
            _do(lambda d=dossier: lifecycle.supplemented(site, db.session.merge(d), officer))
        elif dossier.status == "transferred" and roll < 0.06:
            _do(lambda d=dossier: lifecycle.request_supplement(
                site, db.session.merge(d), officer, ["Bản sao giấy khai sinh"], "Thiếu giấy tờ"))
        elif dossier.status == "transferred" and dossier.due_at <= now + timedelta(hours=33) \
                and roll < 0.6 + 0.35 * (dossier.due_at <= now + timedelta(hours=9)):
            _do(lambda d=dossier: lifecycle.result_ready(site, db.session.merge(d), officer, "Đã ký"))
        elif dossier.status == "result_ready" and roll < 0.7:
            _do(lambda d=dossier: lifecycle.return_result(site, db.session.merge(d), officer, "applicant",
                                                          True))
    _do(lambda: lifecycle.flag_overdue(site))


def _pakn(site, people, rng, moment, day) -> None:
    if rng.random() < 0.4:
        _at(moment(10.5))
        kind, topic, text = rng.choice(PAKN_TEXTS)
        _do(lambda: feedback.submit_feedback(site, channel="kiosk", kind=kind, topic=topic, content=text))
    _at(moment(15.5))
    supervisor = db.session.scalar(select(StaffUser).where(StaffUser.role == "supervisor"))
    for item in db.session.scalars(select(Feedback).where(Feedback.status.in_(feedback.OPEN))):
        if rng.random() < 0.5:
            if item.status == "received":
                _do(lambda i=item: feedback.assign_feedback(site, db.session.merge(i), supervisor, people[0]))
            else:
                _do(lambda i=item: feedback.answer_feedback(site, db.session.merge(i), people[0],
                                                            "Đơn vị đã tiếp thu và chấn chỉnh."))
