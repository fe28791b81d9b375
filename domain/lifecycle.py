"""A received dossier's legal steps, each a DossierStep row and its event: who, when and why.

received → transferred → (supplement_requested → supplemented→transferred)* → result_ready → returned
Any open dossier may be refused after appraisal or stopped at the applicant's request (Decree 118);
the appointment may be moved once, with an apology (Mẫu 04), at least one working day before it.

Each step's precondition (what the dossier must be for the step to make sense, whatever is typed) is
written once, in `_may`: the operations enforce it and `allowed_steps` offers exactly what it lets
through, so a screen never offers a step the operation refuses.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from models import Dossier, DossierStep
from motcua.extensions import db

from . import DomainError
from .calendar import calendar_for, due_from, local_date
from .clock import VN, fmt_date, local_day_bounds, to_local, utcnow
from .dossiers import clean, record_step
from .rules import rule_set
from .validation import InvalidInput

OPEN = ("received", "transferred", "supplement_requested")
STATUS_LABELS = {
    "incomplete": "Yêu cầu bổ sung khi tiếp nhận",
    "refused_at_intake": "Từ chối tiếp nhận",
    "received": "Đã tiếp nhận",
    "transferred": "Đang giải quyết",
    "supplement_requested": "Chờ bổ sung hồ sơ",
    "result_ready": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối giải quyết",
    "stopped": "Dừng giải quyết",
}
SUPPLEMENT_WINDOW_DAYS = 3  # Decree 61 Art. 19(4): return an incomplete file within 3 working days
# The counter's steps, in the order the screen shows them, and the statuses each may start from.
STEP_STATUSES = {
    "transfer": ("received",),
    "result-ready": ("received", "transferred"),
    "request-supplement": ("received", "transferred"),
    "reschedule": ("received", "transferred"),
    "late-reason": OPEN + ("result_ready",),
    "supplemented": ("supplement_requested",),
    "return": ("result_ready",),
    "refuse": OPEN,
    "stop": OPEN,
}
# Acts that cannot be undone: the counter asks for confirmation before doing them.
IRREVERSIBLE = ("return", "refuse", "stop")
# What a dossier can print: PDF forms (counter/forms.py kinds) and thermal slips, with their labels.
FORM_LABELS = {
    "control": "Phiếu kiểm soát quá trình giải quyết",
    "supplement": "Phiếu yêu cầu bổ sung (Mẫu 02)",
    "refusal": "Phiếu từ chối (Mẫu 03)",
    "apology": "Phiếu xin lỗi, hẹn lại (Mẫu 04)",
    "stop": "Thông báo dừng giải quyết",
}
SLIP_LABELS = {"receipt": "In phiếu nhiệt", "supplement": "In Mẫu 02 (nhiệt)",
               "return": "In phiếu trả kết quả"}


@dataclass(frozen=True)
class AllowedSteps:
    """What the counter may do with a dossier now: steps, PDF forms, thermal slips (each in screen order)."""

    steps: tuple[str, ...]
    forms: tuple[str, ...]
    slips: tuple[str, ...]
    receipt: bool  # the Mẫu 01 PDF


def _require(dossier, *statuses: str) -> None:
    if dossier.status not in statuses:
        raise DomainError("Hồ sơ {code} đang ở trạng thái “{state}”, không thể thực hiện bước này.",
                          code=dossier.code or "—", state=STATUS_LABELS.get(dossier.status, dossier.status))


def _may(step: str, site, dossier) -> None:
    """Refuse `step` when the dossier is not in a state to take it, whatever the officer types."""
    _require(dossier, *STEP_STATUSES[step])
    if step == "reschedule":
        if dossier.rescheduled:
            raise DomainError("Hồ sơ {code} đã được hẹn lại một lần; không được hẹn lại lần thứ hai.",
                              code=dossier.code)
        due_day = local_date(dossier.due_at)
        if calendar_for(site).working_days_between(local_date(utcnow()), due_day) < 1:
            raise DomainError("Phải xin lỗi và hẹn lại chậm nhất 1 ngày làm việc trước hạn trả ({due}).",
                              due=fmt_date(due_day))
    if step == "late-reason" and (dossier.due_at is None or dossier.due_at >= utcnow()):
        raise DomainError("Hồ sơ {code} chưa quá hạn.", code=dossier.code or "—")


def allowed_steps(site, dossier) -> AllowedSteps:
    """The steps the operations would accept now (given valid input), and what the dossier can print."""
    steps = []
    for step in STEP_STATUSES:
        try:
            _may(step, site, dossier)
        except DomainError:
            continue
        steps.append(step)
    forms = {"control": dossier.code is not None, "supplement": bool(dossier.missing),
             "refusal": dossier.status in ("refused", "refused_at_intake"), "apology": dossier.rescheduled,
             "stop": dossier.status == "stopped" and "stop" in rule_set(dossier.rule_set).forms}
    slips = {"receipt": dossier.code is not None, "supplement": bool(dossier.missing),
             "return": dossier.status == "returned"}
    return AllowedSteps(tuple(steps), tuple(kind for kind, ok in forms.items() if ok),
                        tuple(kind for kind, ok in slips.items() if ok), receipt=dossier.code is not None)


def transfer(site, dossier, officer, agency: str) -> None:
    """Hand the file to the processing agency: the day the clock started, or the next if after 15:00."""
    _may("transfer", site, dossier)
    now = utcnow()
    # Art. 18's 15:00 rule holds for every transfer, whatever the procedure's own deadline rule.
    deadline = calendar_for(site).clock_start(to_local(dossier.clock_started_at))
    dossier.status = "transferred"
    record_step("dossier.transferred", dossier, officer, now,
                agency=clean(agency, 200) or dossier.procedure.agency, transfer_by=deadline,
                on_time=local_date(now) <= deadline)


def accept_handover(site, dossier, officer) -> None:
    """The agency signed the post office's hand-over record (biên bản giao nhận) for a dossier the
    post office took in and transferred: a postal filing's legal clock starts at that signature
    (Decision 45/2016 Art. 7(4)), so the appointment is counted again from now. `site` is the
    dossier's own reception point (its calendar)."""
    _require(dossier, "transferred")
    if dossier.channel != "postal" or site.kind != "post_office":
        raise DomainError("Hồ sơ {code} không phải hồ sơ bưu điện tiếp nhận và chuyển đến; không có "
                          "bàn giao để tiếp nhận.", code=dossier.code or "—")
    accepted = select(DossierStep.id).where(DossierStep.dossier_id == dossier.id,
                                            DossierStep.type == "dossier.handover_accepted")
    if db.session.scalar(accepted.limit(1)) is not None:
        raise DomainError("Hồ sơ {code} đã được tiếp nhận bàn giao.", code=dossier.code)
    now = utcnow()
    previous = dossier.due_at
    dossier.clock_started_at = now
    dossier.due_at = due_from(calendar_for(site), now, dossier.procedure)
    record_step("dossier.handover_accepted", dossier, officer, now, agency=dossier.procedure.agency,
                previous_due_at=previous)


def request_supplement(site, dossier, officer, items: list[str], reason: str) -> None:
    """Appraisal found the file incomplete: list everything at once; the clock stops."""
    _may("request-supplement", site, dossier)
    items = [clean(item) for item in items if clean(item)]
    if not items:
        raise InvalidInput("Hãy ghi rõ giấy tờ cần bổ sung.", "items")
    now = utcnow()
    # Counted from the clock's start: after a supplement the window opens again.
    late = calendar_for(site).working_days_between(local_date(dossier.clock_started_at), local_date(now)) \
        > SUPPLEMENT_WINDOW_DAYS
    dossier.status, dossier.missing = "supplement_requested", items
    record_step("dossier.supplement_requested", dossier, officer, now, items=items,
                reason=clean(reason, 1000), late=late)


def supplemented(site, dossier, officer) -> None:
    """The applicant completed the file: the legal clock restarts from zero (Art. 19(4)).

    received_at stays: it fixes the code, the log number and the day the log lists the dossier.
    """
    _may("supplemented", site, dossier)
    now = utcnow()
    dossier.status, dossier.missing = "transferred", []
    dossier.clock_started_at = now
    dossier.due_at = due_from(calendar_for(site), now, dossier.procedure)
    record_step("dossier.supplemented", dossier, officer, now)


def result_ready(site, dossier, officer, note: str = "") -> None:
    _may("result-ready", site, dossier)
    dossier.status, dossier.result_note = "result_ready", clean(note, 1000)
    record_step("dossier.result_ready", dossier, officer, utcnow())


def check_return(site, dossier, collected_by: str, id_checked: bool, proxy_name: str = "",
                 authorisation: str = "") -> None:
    """Refuse a hand-back the law does not allow, before anything is asked or changed."""
    _may("return", site, dossier)
    if collected_by not in ("applicant", "proxy"):
        raise InvalidInput("Hãy chọn người nhận kết quả.", "collected_by")
    if collected_by == "proxy" and not clean(proxy_name):
        raise InvalidInput("Người nhận thay phải ghi họ tên và giấy ủy quyền.", "proxy_name")
    if collected_by == "proxy" and not clean(authorisation):
        raise InvalidInput("Người nhận thay phải ghi họ tên và giấy ủy quyền.", "authorisation")
    if not id_checked:
        raise InvalidInput("Hãy kiểm tra giấy tờ tùy thân của người nhận trước khi trả kết quả.",
                           "id_checked")


def return_result(site, dossier, officer, collected_by: str, id_checked: bool, proxy_name: str = "",
                  authorisation: str = "") -> None:
    """Hand the result back: to the applicant (ID checked) or a proxy with an authorisation."""
    check_return(site, dossier, collected_by, id_checked, proxy_name, authorisation)
    now = utcnow()
    dossier.status, dossier.returned_at = "returned", now
    record_step("dossier.returned", dossier, officer, now, collected_by=collected_by,
                proxy_name=clean(proxy_name, 120), authorisation=clean(authorisation, 200),
                on_time=now <= dossier.due_at)


def check_refuse(site, dossier, reasons: str) -> str:
    """The refusal's reasons, tidied; refused when the dossier is closed or no reason is given."""
    _may("refuse", site, dossier)
    reasons = clean(reasons, 2000)
    if not reasons:
        raise InvalidInput("Hãy ghi rõ lý do từ chối giải quyết.", "reasons")
    return reasons


def refuse(site, dossier, officer, reasons: str) -> None:
    """Refused after appraisal: the written refusal is the dossier's result (Art. 19(8))."""
    reasons = check_refuse(site, dossier, reasons)
    dossier.status, dossier.reasons = "refused", reasons
    record_step("dossier.refused", dossier, officer, utcnow(), reason=reasons)


def check_stop(site, dossier, reason: str) -> str:
    """The applicant's reason for stopping, tidied: the stop notice must say why (never "Lý do: ……")."""
    _may("stop", site, dossier)
    reason = clean(reason, 2000)
    if not reason:
        raise InvalidInput("Hãy ghi rõ lý do công dân đề nghị dừng giải quyết hồ sơ.", "reason")
    return reason


def stop(site, dossier, officer, reason: str) -> None:
    """The applicant asked to stop before a decision (Decree 118 Art. 21)."""
    reason = check_stop(site, dossier, reason)
    dossier.status, dossier.reasons = "stopped", reason
    record_step("dossier.stopped", dossier, officer, utcnow(), reason=reason)


def reschedule(site, dossier, officer, reason: str, new_date) -> None:
    """Late: apologise (Mẫu 04) with the reason and one new date, ≥ 1 working day before the deadline."""
    _may("reschedule", site, dossier)
    reason = clean(reason, 1000)
    if not reason:
        raise InvalidInput("Hãy ghi rõ lý do chậm trễ.", "reason")
    now = utcnow()
    calendar = calendar_for(site)
    due_day = local_date(dossier.due_at)
    if new_date is None or new_date <= due_day or not calendar.is_working_day(new_date):
        raise InvalidInput("Ngày hẹn mới phải là một ngày làm việc sau ngày hẹn cũ ({due}).", "new_date",
                           due=fmt_date(due_day))
    previous = dossier.due_at
    new_due = datetime.combine(new_date, calendar.return_time, tzinfo=VN)
    dossier.due_at = new_due.astimezone(UTC).replace(tzinfo=None)
    dossier.rescheduled = True
    record_step("dossier.rescheduled", dossier, officer, now, reason=reason, previous_due_at=previous)


def flag_overdue(site) -> int:
    """Record once, for every open dossier past its date, that it is overdue (never silently)."""
    now = utcnow()
    late = list(db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, Dossier.status.in_(OPEN + ("result_ready",)))
        .where(Dossier.due_at < now, Dossier.overdue_at.is_(None))))
    for dossier in late:
        dossier.overdue_at = now
        record_step("dossier.overdue", dossier, None, now)
    return len(late)


def note_late_reason(site, dossier, officer, reason: str) -> None:
    """Why an overdue dossier is late: shown on the watch until the dossier is closed."""
    _may("late-reason", site, dossier)
    reason = clean(reason, 1000)
    if not reason:
        raise InvalidInput("Hãy ghi rõ lý do chậm trễ.", "reason")
    now = utcnow()
    dossier.late_reason = reason
    record_step("dossier.late_reason", dossier, officer, now, reason=reason)


def watch_counts(site) -> dict:
    """How many open dossiers are overdue, and due today: the counter's banner."""
    now = utcnow()
    end_of_today = local_day_bounds(local_date(now))[1]
    open_due = select(func.count()).select_from(Dossier).where(
        Dossier.site_id == site.id, Dossier.status.in_(OPEN + ("result_ready",)))
    return {"overdue": db.session.scalar(open_due.where(Dossier.due_at < now)),
            "today": db.session.scalar(open_due.where(Dossier.due_at >= now, Dossier.due_at < end_of_today))}


def overdue_watch(site, dossiers: list) -> dict:
    """Split open dossiers into overdue, due today and due on the next working day."""
    now = utcnow()
    today = local_date(now)
    next_day = calendar_for(site).add_working_days(today, 1)
    groups = {"overdue": [], "today": [], "next_day": []}
    for dossier in dossiers:
        due = local_date(dossier.due_at)
        if dossier.due_at < now:
            groups["overdue"].append(dossier)
        elif due == today:
            groups["today"].append(dossier)
        elif due <= next_day:
            groups["next_day"].append(dossier)
    return groups


