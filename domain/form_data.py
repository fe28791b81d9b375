"""What the official forms say about a dossier: hardware.forms dataclasses built from the dossier,
its events and the site, with form numbers and titles from the dossier's rule set.

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
from models import Dossier, Event, StaffUser
from motcua.extensions import db

from . import DomainError
from .clock import business_date, local_day_bounds, to_local
from .dossiers import CHANNELS, parse_date
from .lifecycle import STATUS_LABELS
from .rules import rule_set, rules_in_force

# Number suffixes after "Số: 0007/" (the 2025 codes; TB is Decree 30's code for a notice).
NUMBER_CODES = {"supplement": "PBS", "refusal": "PTC", "apology": "PXL", "stop": "TB", "control": "PKS"}
# Events that set the appointment, and the payload key holding it.
NEW_DUE = {"dossier.received": "due_at", "dossier.supplemented": "due_at",
           "dossier.rescheduled": "new_due_at"}
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


def _events(dossier) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.aggregate_id == dossier.id).order_by(Event.seq)))


def _last(events: list[Event], *kinds: str) -> Event | None:
    return next((event for event in reversed(events) if event.kind in kinds), None)


def _names(events: list[Event]) -> dict:
    ids = {event.actor_id for event in events if event.actor_id}
    if not ids:
        return {}
    query = select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(ids))
    return dict(db.session.execute(query).all())


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _lead_agency(site, dossier, events: list[Event]) -> str:
    transfer = _last(events, "dossier.transferred")
    chosen = transfer.payload.get("agency") if transfer else ""
    return chosen or dossier.procedure.agency or site.parent_agency


def supplement_form(site, dossier) -> SupplementRequest:
    """Mẫu 02 from the latest request to complete the dossier, at intake or during appraisal."""
    events = _events(dossier)
    event = _last(events, "dossier.supplement_requested", "dossier.supplement_requested_at_intake")
    if event is None:
        raise DomainError("Hồ sơ này chưa có yêu cầu bổ sung nên không có phiếu yêu cầu bổ sung.")
    officer = _names(events).get(event.actor_id, "")
    items = event.payload.get("items") or event.payload.get("missing") or []
    return SupplementRequest(_letterhead(site, dossier, "supplement", event.occurred_at), _applicant(dossier),
                             dossier.procedure.name, tuple(items), event.payload.get("reason") or INCOMPLETE,
                             dossier.code or "", contact_name=officer, guide_name=officer)


def refusal_form(site, dossier) -> RefusalNotice:
    """Mẫu 03 for a dossier refused at intake or after appraisal, with its reasons."""
    events = _events(dossier)
    event = _last(events, "dossier.refused", "dossier.refused_at_intake")
    if dossier.status not in ("refused", "refused_at_intake") or event is None:
        raise DomainError("Hồ sơ này không bị từ chối nên không có phiếu từ chối.")
    return RefusalNotice(_letterhead(site, dossier, "refusal", event.occurred_at), _applicant(dossier),
                         dossier.procedure.name, dossier.reasons, dossier.code or "",
                         _names(events).get(event.actor_id, ""))


def apology_form(site, dossier) -> ApologyNotice:
    """Mẫu 04 from the one rescheduling: the appointment it moved, the reason and the new date."""
    events = _events(dossier)
    event = _last(events, "dossier.rescheduled")
    if event is None:
        raise DomainError("Hồ sơ này chưa được hẹn lại nên không có phiếu xin lỗi.")
    moved = _due_before(events, event) or _utc(event.payload.get("original_due_at"))
    return ApologyNotice(
        _letterhead(site, dossier, "apology", event.occurred_at), _applicant(dossier), dossier.procedure.name,
        agency=_lead_agency(site, dossier, events), received_at=to_local(dossier.received_at),
        original_due_at=to_local(moved), new_due_at=to_local(_utc(event.payload["new_due_at"])),
        reason=event.payload["reason"], dossier_code=dossier.code or "")


def stop_form(site, dossier) -> StopNotice:
    """The stop notice (2025 rules only) for a dossier stopped at the applicant's request."""
    if "stop" not in rule_set(dossier.rule_set).forms:
        raise DomainError("Quy định áp dụng cho hồ sơ này không có mẫu thông báo dừng giải quyết hồ sơ.")
    events = _events(dossier)
    event = _last(events, "dossier.stopped")
    if event is None:
        raise DomainError("Hồ sơ này không bị dừng giải quyết nên không có thông báo dừng.")
    return StopNotice(
        _letterhead(site, dossier, "stop", event.occurred_at), _applicant(dossier), dossier.procedure.name,
        agency=_lead_agency(site, dossier, events), received_at=to_local(dossier.received_at),
        stopped_at=to_local(event.occurred_at), reason=event.payload.get("reason", ""),
        dossier_code=dossier.code or "")


def _due_before(events: list[Event], until: Event) -> datetime | None:
    """The appointment in force just before `until` (received, supplemented and rescheduled set it)."""
    due = None
    for event in events:
        if event.seq >= until.seq:
            break
        due = _utc(event.payload.get(NEW_DUE[event.kind])) if event.kind in NEW_DUE else due
    return due


def control_slip(site, dossier) -> ControlSlip:
    """The control slip: heading fields and one row per hand-off, then blank rows for steps to come."""
    if dossier.code is None:
        raise DomainError("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát.")
    events = _events(dossier)
    agency = _lead_agency(site, dossier, events)
    moved = _last(events, "dossier.rescheduled")
    rows = handoffs(site, dossier, events, agency) + _still_to_come(site, dossier, agency)
    return ControlSlip(_letterhead(site, dossier, "control", dossier.received_at), dossier.code,
                       dossier.applicant_name, dossier.procedure.name, agency, to_local(dossier.received_at),
                       to_local(dossier.due_at), tuple(rows),
                       original_due_at=to_local(_due_before(events, moved)) if moved else None)


def timeliness(moment: datetime, due: datetime | None) -> str:
    """"early" before the appointment's day, "on_time" up to the appointment, "late" after it (UTC)."""
    if due is None:
        return ""
    if moment > due:
        return "late"
    return "early" if to_local(moment).date() < to_local(due).date() else "on_time"


def _transfer_timeliness(event: Event) -> str:
    """Against the transfer day: the day received, or the next working day after 15:00."""
    by = date.fromisoformat(event.payload["transfer_by"][:10])
    day = to_local(event.occurred_at).date()
    return "late" if day > by else "early" if day < by else "on_time"


def handoffs(site, dossier, events: list[Event], agency: str) -> list[Handoff]:
    """The paper file's hand-offs so far, in order, each judged against the appointment then in force."""
    due, rows, names = None, [], _names(events)
    for event in events:
        due = _utc(event.payload.get(NEW_DUE[event.kind])) if event.kind in NEW_DUE else due
        made = _handoff(event, site.name, event.payload.get("agency") or agency, dossier.applicant_name, due)
        if made is not None:
            row, signer = made
            rows.append(replace(row, at=to_local(event.occurred_at),
                                **{f"{signer}_name": names.get(event.actor_id, "")}))
    return rows


def _handoff(event: Event, unit: str, agency: str, applicant: str,
             due: datetime | None) -> tuple[Handoff, str] | None:
    """The row an event makes, and which side the officer who recorded it stands on."""
    p, at = event.payload, event.occurred_at
    match event.kind.removeprefix("dossier."):
        case "received":
            return Handoff(applicant, unit, note="Tiếp nhận hồ sơ"), "receiver"
        case "transferred":
            return Handoff(unit, agency, result=_transfer_timeliness(event)), "sender"
        case "supplement_requested":
            return Handoff(agency, unit, note="Yêu cầu bổ sung: " + "; ".join(p.get("items", []))), "receiver"
        case "supplemented":
            return Handoff(unit, agency, note="Đã bổ sung hồ sơ"), "sender"
        case "result_ready":
            return Handoff(agency, unit, result=timeliness(at, due), note=p.get("note", "")), "receiver"
        case "returned":
            proxy = p.get("collected_by") == "proxy"
            collector = f"{p.get('proxy_name')} (nhận thay)" if proxy else applicant
            note = p.get("authorisation", "")
            return Handoff(unit, collector, result=timeliness(at, due), note=note), "sender"
        case "refused":
            return Handoff(agency, unit, note="Từ chối giải quyết: " + p.get("reasons", "")), "receiver"
        case "stopped":
            return Handoff(agency, unit, note="Dừng giải quyết: " + p.get("reason", "")), "receiver"
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
    """Dossiers received from `start` to `end` (Vietnamese days), in log-number order."""
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
    events = _transfers_and_returns([d.id for d in received])
    return TrackingLog(head, start, end, tuple(_log_entry(site, d, events.get(d.id, [])) for d in received))


def _transfers_and_returns(dossier_ids: list) -> dict:
    """Each dossier's transfer and return events, in one query for the whole log."""
    by_dossier = {}
    kinds = ("dossier.transferred", "dossier.returned")
    query = (select(Event).where(Event.aggregate_id.in_(dossier_ids), Event.kind.in_(kinds))
             .order_by(Event.seq))
    for event in db.session.scalars(query) if dossier_ids else ():
        by_dossier.setdefault(event.aggregate_id, []).append(event)
    return by_dossier


def _log_entry(site, dossier: Dossier, events: list[Event]) -> LogEntry:
    returned = _last(events, "dossier.returned")
    channel = CHANNELS.get(dossier.channel, "")
    if returned and returned.payload.get("collected_by") == "proxy":
        channel += f"; nhận thay: {returned.payload.get('proxy_name', '')}"
    outcome = STATUS_LABELS[dossier.status] if dossier.status in ("refused", "stopped") else ""
    return LogEntry(dossier.log_number, dossier.code, dossier.procedure.name, dossier.applicant_name,
                    dossier.applicant_address, dossier.applicant_phone, _lead_agency(site, dossier, events),
                    to_local(dossier.received_at), to_local(dossier.due_at),
                    to_local(dossier.returned_at) if dossier.returned_at else None, outcome, channel)


FORMS = {"supplement": supplement_form, "refusal": refusal_form, "apology": apology_form, "stop": stop_form,
         "control": control_slip}
