"""What a procedure asks of a citizen, as ready-to-show text: deadline, the 15:00 rule, fee, papers,
how to file. Written once here for the kiosk, the intake checklist and every screen that names them,
in the visitor's language (templates call it as the global `procedure_facts`)."""

from dataclasses import dataclass

from motcua.i18n import gettext

from .receipts import KIND_LABELS
from .workdays import WorkCalendar


@dataclass(frozen=True)
class Paper:
    name: str
    kind: str  # "Bản chính", "Bản sao", "Xuất trình", translated
    count: int


@dataclass(frozen=True)
class ProcedureFacts:
    deadline: str  # "5 ngày làm việc", "Trong 4 giờ làm việc", "Trong ngày làm việc"
    cutoff: str  # the 15:00 rule in a sentence, or "" when the procedure does not keep it
    fee: str  # "Miễn phí" or "20.000 đồng"
    fee_note: str
    papers: tuple[Paper, ...]
    filing: str  # in person only, or also by post


def procedure_facts(procedure) -> ProcedureFacts:
    """The facts of one procedure, each a finished sentence or phrase."""
    papers = tuple(Paper(doc["name"], gettext(KIND_LABELS.get(doc.get("kind"), "Bản chính")),
                         int(doc.get("count", 1))) for doc in procedure.documents)
    return ProcedureFacts(deadline_text(procedure), cutoff_text(procedure), fee_text(procedure.fee),
                          procedure.fee_note, papers, filing_text(procedure))


def deadline_text(procedure) -> str:
    """The legal time limit as published: whole days, working hours, or the same working day."""
    days, hours = procedure.deadline_days, procedure.deadline_hours
    if procedure.same_day:
        return gettext("Trong ngày làm việc")
    if days and hours:
        return gettext("{days} ngày {hours} giờ làm việc", days=days, hours=hours)
    if hours:
        return gettext("Trong {n} giờ làm việc", n=hours)
    return gettext("{n} ngày làm việc", n=days)


def cutoff_text(procedure) -> str:
    """The 15:00 rule (domain/workdays.py), when the procedure keeps it."""
    if not procedure.cutoff_applies:
        return ""
    hour = WorkCalendar.cutoff.hour
    if procedure.same_day:
        return gettext("Nộp trước {hour} giờ để nhận kết quả trong ngày; nộp sau {hour} giờ, kết quả trả vào "
                       "ngày làm việc tiếp theo.", hour=hour)
    return gettext("Hồ sơ nộp sau {hour} giờ được tính từ ngày làm việc tiếp theo.", hour=hour)


def fee_text(fee: int) -> str:
    """'Miễn phí', or the amount with dots between thousands: '20.000 đồng'."""
    if not fee:
        return gettext("Miễn phí")
    return gettext("{amount} đồng", amount=f"{fee:,}".replace(",", "."))


def filing_text(procedure) -> str:
    if procedure.in_person_only:
        return gettext("Phải nộp trực tiếp")
    return gettext("Trực tiếp hoặc qua bưu điện") if procedure.postal_allowed else gettext("Trực tiếp")
