"""What the official forms say about a dossier: hardware.forms dataclasses built from the dossier,
its steps (DossierStep rows) and the site, with form numbers and titles from the dossier's rule set.

Mẫu 02 supplement request, Mẫu 03 refusal, Mẫu 04 apology, the 2025 stop notice, the control
slip (one row per hand-off of the paper file) and the tracking log (Sổ theo dõi hồ sơ).
Rows store naive UTC; everything handed to hardware is Vietnamese wall-clock time.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from hardware.forms import (
    ApologyNotice,
    Applicant,
    ControlSlip,
    Handoff,
    Letterhead,
    LogEntry,
    RefusalNotice,
    StopNotice,
    SupplementRequest,
    TrackingLog,
)
from models import Dossier, DossierStep, StaffUser
from motcua.extensions import db

from . import DomainError
from .clock import business_date, local_day_bounds, to_local
from .dossiers import CHANNELS, parse_date
from .lifecycle import STATUS_LABELS
from .rules import rule_set, rules_in_force

# Number suffixes after "Số: 0007/" (the 2025 codes; TB is Decree 30's code for a notice).
NUMBER_CODES = {"supplement": "PBS", "refusal": "PTC", "apology": "PXL", "stop": "TB", "control": "PKS"}
STILL_TO_COME = {"received": ("transfer", "result", "return"), "transferred": ("result", "return"),
                 "supplement_requested": ("transfer", "result", "return"), "result_ready": ("return",)}
INCOMPLETE = "Hồ sơ chưa đủ thành phần, số lượng giấy tờ theo quy định của thủ tục hành chính."


def place_of(site) -> str:
    """The place on the date line: the commune or ward of the parent agency, else the site's name."""
    for unit in (" xã ", " phường ", " đặc khu "):
        if unit in site.parent_agency:
            return site.parent_agency.split(unit)[-1]
    return site.name


def _letterhead(site, dossier, kind: str, issued_at: datetime) -> Letterhead:
    form_no, title = rule_set(dossier.rule_set).form(kind)
    serial = f"{dossier.log_number:04d}" if dossier.log_number else "……"
    return Letterhead(site.parent_agency, site.name, place_of(site), to_local(issued_at).date(), form_no,
                      title, f"{serial}/{NUMBER_CODES[kind]}")


def _applicant(dossier) -> Applicant:
    return Applicant(dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_address,
                     dossier.applicant_phone, dossier.applicant_email)


def dossier_steps(dossier_ids, *types: str) -> list[DossierStep]:
    """The steps of these dossiers (of these types, or all), in the order they were taken."""
    query = select(DossierStep).where(DossierStep.dossier_id.in_(dossier_ids))
    if types:
        query = query.where(DossierStep.type.in_(types))
    return list(db.session.scalars(query.order_by(DossierStep.at, DossierStep.id)))


def _steps(dossier) -> list[DossierStep]:
    return dossier_steps([dossier.id])


def _last(steps: list[DossierStep], *types: str) -> DossierStep | None:
    return next((step for step in reversed(steps) if step.type in types), None)


def staff_names(steps) -> dict:
    """The full name of each officer who took one of `steps`, by id."""
    ids = {step.actor_id for step in steps if step.actor_id}
    if not ids:
        return {}
    query = select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids))
    return dict(db.session.execute(query).all())


def _lead_agency(site, dossier, steps: list[DossierStep]) -> str:
    transfer = _last(steps, "dossier.transferred")
    chosen = transfer.agency if transfer else ""
    return chosen or dossier.procedure.agency or site.parent_agency


def supplement_form(site, dossier) -> SupplementRequest:
    """Mẫu 02 from the latest request to complete the dossier, at intake or during appraisal."""
    steps = _steps(dossier)
    step = _last(steps, "dossier.supplement_requested", "dossier.supplement_requested_at_intake")
    if step is None:
        raise DomainError("Hồ sơ này chưa có yêu cầu bổ sung nên không có phiếu yêu cầu bổ sung.")
    officer = staff_names([step]).get(step.actor_id, "")
    return SupplementRequest(_letterhead(site, dossier, "supplement", step.at), _applicant(dossier),
                             dossier.procedure.name, tuple(step.items), step.reason or INCOMPLETE,
                             dossier.code or "", contact_name=officer, guide_name=officer)


def refusal_form(site, dossier) -> RefusalNotice:
    """Mẫu 03 for a dossier refused at intake or after appraisal, with its reasons."""
    step = _last(_steps(dossier), "dossier.refused", "dossier.refused_at_intake")
    if dossier.status not in ("refused", "refused_at_intake") or step is None:
        raise DomainError("Hồ sơ này không bị từ chối nên không có phiếu từ chối.")
    return RefusalNotice(_letterhead(site, dossier, "refusal", step.at), _applicant(dossier),
                         dossier.procedure.name, dossier.reasons, dossier.code or "",
                         staff_names([step]).get(step.actor_id, ""))


def apology_form(site, dossier) -> ApologyNotice:
    """Mẫu 04 from the one rescheduling: the appointment it moved, the reason and the new date."""
    steps = _steps(dossier)
    step = _last(steps, "dossier.rescheduled")
    if step is None:
        raise DomainError("Hồ sơ này chưa được hẹn lại nên không có phiếu xin lỗi.")
    return ApologyNotice(
        _letterhead(site, dossier, "apology", step.at), _applicant(dossier), dossier.procedure.name,
        agency=_lead_agency(site, dossier, steps), received_at=to_local(dossier.received_at),
        original_due_at=to_local(step.previous_due_at or dossier.original_due_at),
        new_due_at=to_local(step.due_at), reason=step.reason, dossier_code=dossier.code or "")


def stop_form(site, dossier) -> StopNotice:
    """The stop notice (2025 rules only) for a dossier stopped at the applicant's request."""
    if "stop" not in rule_set(dossier.rule_set).forms:
        raise DomainError("Quy định áp dụng cho hồ sơ này không có mẫu thông báo dừng giải quyết hồ sơ.")
    steps = _steps(dossier)
    step = _last(steps, "dossier.stopped")
    if step is None:
        raise DomainError("Hồ sơ này không bị dừng giải quyết nên không có thông báo dừng.")
    return StopNotice(
        _letterhead(site, dossier, "stop", step.at), _applicant(dossier), dossier.procedure.name,
        agency=_lead_agency(site, dossier, steps), received_at=to_local(dossier.received_at),
        stopped_at=to_local(step.at), reason=step.reason, dossier_code=dossier.code or "")


def control_slip(site, dossier) -> ControlSlip:
    """The control slip: heading fields and one row per hand-off, then blank rows for steps to come."""
    if dossier.code is None:
        raise DomainError("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát.")
    steps = _steps(dossier)
    agency = _lead_agency(site, dossier, steps)
    moved = _last(steps, "dossier.rescheduled")
    rows = handoffs(site, dossier, steps, agency) + _still_to_come(site, dossier, agency)
    return ControlSlip(_letterhead(site, dossier, "control", dossier.received_at), dossier.code,
                       dossier.applicant_name, dossier.procedure.name, agency, to_local(dossier.received_at),
                       to_local(dossier.due_at), tuple(rows),
                       original_due_at=to_local(moved.previous_due_at) if moved else None)


def timeliness(moment: datetime, due: datetime | None) -> str:
    """"early" before the appointment's day, "on_time" up to the appointment, "late" after it (UTC)."""
    if due is None:
        return ""
    if moment > due:
        return "late"
    return "early" if to_local(moment).date() < to_local(due).date() else "on_time"


def _transfer_timeliness(step: DossierStep) -> str:
    """Against the transfer day: the day the clock started, or the next working day after 15:00."""
    day = to_local(step.at).date()
    return "late" if day > step.transfer_by else "early" if day < step.transfer_by else "on_time"


def handoffs(site, dossier, steps: list[DossierStep], agency: str) -> list[Handoff]:
    """The paper file's hand-offs so far, in order, each judged against the appointment then in force."""
    due, rows, names = None, [], staff_names(steps)
    for step in steps:
        due = step.due_at or due  # the appointment after the step (received, supplemented, rescheduled)
        made = _handoff(step, dossier, site.name, step.agency or agency, due)
        if made is not None:
            row, signer = made
            signed = {f"{signer}_name": names.get(step.actor_id, "")}
            rows.append(replace(row, at=to_local(step.at), **signed))
    return rows


def _handoff(step: DossierStep, dossier, unit: str, agency: str,
             due: datetime | None) -> tuple[Handoff, str] | None:
    """The row a step makes, and which side the officer who took it stands on."""
    applicant, at = dossier.applicant_name, step.at
    match step.type.removeprefix("dossier."):
        case "received":
            return Handoff(applicant, unit, note="Tiếp nhận hồ sơ"), "receiver"
        case "transferred":
            return Handoff(unit, agency, result=_transfer_timeliness(step)), "sender"
        case "supplement_requested":
            return Handoff(agency, unit, note="Yêu cầu bổ sung: " + "; ".join(step.items)), "receiver"
        case "supplemented":
            return Handoff(unit, agency, note="Đã bổ sung hồ sơ"), "sender"
        case "result_ready":
            return Handoff(agency, unit, result=timeliness(at, due), note=dossier.result_note), "receiver"
        case "returned":
            collector = f"{step.proxy_name} (nhận thay)" if step.collected_by == "proxy" else applicant
            return Handoff(unit, collector, result=timeliness(at, due), note=step.authorisation), "sender"
        case "refused":
            return Handoff(agency, unit, note="Từ chối giải quyết: " + step.reason), "receiver"
        case "stopped":
            return Handoff(agency, unit, note="Dừng giải quyết: " + step.reason), "receiver"
    return None


def _still_to_come(site, dossier, agency: str) -> list[Handoff]:
    """Blank rows for the steps an open dossier has yet to take, to be filled in by hand."""
    legs = {"transfer": (site.name, agency), "result": (agency, site.name),
            "return": (site.name, dossier.applicant_name)}
    return [Handoff(*legs[step]) for step in STILL_TO_COME.get(dossier.status, ())]


def log_period(start_text: str | None, end_text: str | None) -> tuple[date, date]:
    """The log's date range from dd/mm/yyyy texts: today when empty, at most a year."""
    start = parse_date(start_text) or business_date()
    end = parse_date(end_text) or start
    if end < start or (end - start) > timedelta(days=366):
        raise DomainError("Khoảng ngày không hợp lệ (tối đa một năm).")
    return start, end


def logged_dossiers(site, start: date, end: date) -> list[Dossier]:
    """Dossiers received from `start` to `end` (Vietnamese days), in log-number order.

    By `received_at`, which a supplement never moves: the log lists a dossier on the day it came in.
    """
    begin, finish = local_day_bounds(start)[0], local_day_bounds(end)[1]
    return list(db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, Dossier.received_at >= begin,
                              Dossier.received_at < finish).order_by(Dossier.log_number)))


def tracking_log(site, dossiers: list[Dossier], start: date, end: date) -> TrackingLog:
    """Sổ theo dõi hồ sơ for the period, numbered by the rules in force on its last day."""
    form_no, title = rules_in_force(end).form("log")
    head = Letterhead(site.parent_agency, site.name, place_of(site), business_date(), form_no, title, None)
    received = sorted((row for row in dossiers if row.received_at),
                      key=lambda row: (row.log_number or 0, row.received_at))
    steps = _transfers_and_returns([d.id for d in received])
    return TrackingLog(head, start, end, tuple(_log_entry(site, d, steps.get(d.id, [])) for d in received))


def lead_agencies(site, dossiers: list[Dossier]) -> dict:
    """Each dossier's lead agency (the one it was transferred to, else the procedure's), by id."""
    steps = _transfers_and_returns([d.id for d in dossiers])
    return {d.id: _lead_agency(site, d, steps.get(d.id, [])) for d in dossiers}


def _transfers_and_returns(dossier_ids: list) -> dict:
    """Each dossier's transfer and return steps, in one query for the whole log."""
    by_dossier = {}
    for step in dossier_steps(dossier_ids, "dossier.transferred", "dossier.returned") if dossier_ids else ():
        by_dossier.setdefault(step.dossier_id, []).append(step)
    return by_dossier


def _log_entry(site, dossier: Dossier, steps: list[DossierStep]) -> LogEntry:
    returned = _last(steps, "dossier.returned")
    channel = CHANNELS.get(dossier.channel, "")
    if returned and returned.collected_by == "proxy":
        channel += f"; nhận thay: {returned.proxy_name}"
    outcome = STATUS_LABELS[dossier.status] if dossier.status in ("refused", "stopped") else ""
    return LogEntry(dossier.log_number, dossier.code, dossier.procedure.name, dossier.applicant_name,
                    dossier.applicant_address, dossier.applicant_phone, _lead_agency(site, dossier, steps),
                    to_local(dossier.received_at), to_local(dossier.due_at),
                    to_local(dossier.returned_at) if dossier.returned_at else None, outcome, channel)


FORMS = {"supplement": supplement_form, "refusal": refusal_form, "apology": apology_form, "stop": stop_form,
         "control": control_slip}
