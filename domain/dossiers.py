"""Intake: a complete dossier is received (Mẫu 01); an incomplete one gets Mẫu 02; a refused one Mẫu 03."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from models import Dossier, DossierStep, Procedure
from motcua.extensions import db

from . import DomainError
from .calendar import calendar_for, due_from, local_date
from .clock import utcnow
from .events import record
from .numbering import allocate_number
from .rules import rules_in_force

CHANNELS = {"in_person": "Trực tiếp", "postal": "Qua dịch vụ bưu chính công ích", "online": "Trực tuyến"}
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PHONE = re.compile(r"^\+?\d{9,12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Every nullable column of a new row is set, even to None: one left unset is missing from the row's
# loaded state until a later query in the transaction fills it in, which the event guard
# (domain.events) would take for a change made after the event.
NO_DATES = {"code": None, "log_number": None, "received_at": None, "clock_started_at": None, "due_at": None,
            "original_due_at": None, "returned_at": None, "overdue_at": None}
NO_FACTS = {"due_at": None, "previous_due_at": None, "transfer_by": None, "on_time": None, "late": None}
REUSABLE = ("applicant_name", "applicant_birth_date", "applicant_gender", "applicant_address",
            "applicant_phone", "applicant_email")


@dataclass
class Intake:
    """What the officer entered, validated; documents carry `received` per item."""

    procedure: Procedure
    applicant_name: str
    applicant_id_number: str
    applicant_birth_date: date | None = None
    applicant_gender: str = ""
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    proxy: dict = field(default_factory=dict)
    documents: list = field(default_factory=list)
    channel: str = "in_person"
    sets: int = 1
    fee: int = 0
    notes: str = ""
    ticket_id: object = None
    reused_fields: int = 0


def new_check() -> str:
    """The short random "Mã tra cứu" printed on the receipt and carried in its QR code."""
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(6))


def clean(value, limit: int = 300) -> str:
    return " ".join(str(value or "").split())[:limit]


class IntakeRefused(DomainError):
    """An intake rule broken; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str, **params):
        super().__init__(message, **params)
        self.field = field


# Longest value each Mẫu 01 text may hold: the column's length, or the proxy's JSON limits.
LIMITS = {"applicant_name": 120, "applicant_gender": 10, "applicant_address": 300, "applicant_email": 120,
          "proxy_name": 120, "proxy_id_number": 20, "proxy_phone": 20, "proxy_address": 300,
          "proxy_authorisation": 200, "notes": 1000}


def fitted(values: dict, key: str) -> str:
    """The value tidied, refused (never cut) when longer than it may be."""
    value = " ".join(str(values.get(key) or "").split())
    if len(value) > LIMITS[key]:
        raise IntakeRefused("Nội dung dài quá {n} ký tự (đang có {length}).", key, n=LIMITS[key],
                            length=len(value))
    return value


def validate_intake(procedure: Procedure, values: dict, received: set[int]) -> Intake:
    """Check the Mẫu 01 fields; raise IntakeRefused naming the first field that is wrong."""
    name = fitted(values, "applicant_name")
    if not name:
        raise IntakeRefused("Hãy nhập họ tên người nộp hồ sơ.", "applicant_name")
    id_number = re.sub(r"\s", "", values.get("applicant_id_number") or "")
    if not re.fullmatch(r"\d{12}", id_number, re.ASCII):
        raise IntakeRefused("Số định danh cá nhân phải có đúng 12 chữ số.", "applicant_id_number")
    phone = re.sub(r"[\s.-]", "", values.get("applicant_phone") or "")
    if phone and not PHONE.match(phone):
        raise IntakeRefused("Số điện thoại “{phone}” không hợp lệ.", "applicant_phone", phone=phone)
    email = fitted(values, "applicant_email")
    if email and not EMAIL.match(email):
        raise IntakeRefused("Địa chỉ thư điện tử “{email}” không hợp lệ.", "applicant_email", email=email)
    channel = values.get("channel") or "in_person"
    if channel not in CHANNELS:
        raise IntakeRefused("Kênh nộp hồ sơ không hợp lệ.", "channel")
    if channel == "postal" and not procedure.postal_allowed:
        raise IntakeRefused("Thủ tục này không được nộp qua bưu chính (phải nộp trực tiếp).", "channel")
    try:
        fee = int(values.get("fee") or procedure.fee)
        sets = int(values.get("sets") or 1)
    except ValueError:
        raise IntakeRefused("Lệ phí và số bộ hồ sơ phải là số.", "fee") from None
    if fee < 0 or not 1 <= sets <= 20:
        raise IntakeRefused("Lệ phí và số bộ hồ sơ phải là số.", "fee" if fee < 0 else "sets")
    proxy = {key: fitted(values, f"proxy_{key}")
             for key in ("name", "id_number", "phone", "address", "authorisation")}
    proxy = proxy if proxy["name"] else {}
    if proxy and not proxy["authorisation"]:
        raise IntakeRefused("Người nộp thay phải có giấy ủy quyền: hãy ghi tên giấy ủy quyền.",
                            "proxy_authorisation")
    documents = [dict(doc, received=index in received) for index, doc in enumerate(procedure.documents)]
    return Intake(
        procedure=procedure, applicant_name=name, applicant_id_number=id_number,
        applicant_birth_date=parse_date(values.get("applicant_birth_date")),
        applicant_gender=fitted(values, "applicant_gender"),
        applicant_address=fitted(values, "applicant_address"), applicant_phone=phone,
        applicant_email=email, proxy=proxy, documents=documents, channel=channel, sets=sets, fee=fee,
        notes=fitted(values, "notes"),
        reused_fields=min(int(values.get("reused_fields") or 0), len(REUSABLE)),
    )


def parse_date(text) -> date | None:
    """dd/mm/yyyy (as shown on screens) or yyyy-mm-dd (from a date input); empty is None."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise IntakeRefused("Ngày “{text}” không đúng dạng dd/mm/yyyy.", "applicant_birth_date", text=text)


def missing_documents(intake: Intake) -> list[str]:
    return [doc["name"] for doc in intake.documents if not doc["received"]]


def _new_dossier(site, officer, intake: Intake, status: str, now: datetime) -> Dossier:
    dossier = Dossier(
        site_id=site.id, check=new_check(), rule_set=rules_in_force(local_date(now)).code,
        procedure_id=intake.procedure.id, procedure=intake.procedure, ticket_id=intake.ticket_id,
        channel=intake.channel, status=status, received_by_id=officer.id,
        applicant_name=intake.applicant_name, applicant_id_number=intake.applicant_id_number,
        applicant_birth_date=intake.applicant_birth_date, applicant_gender=intake.applicant_gender,
        applicant_address=intake.applicant_address, applicant_phone=intake.applicant_phone,
        applicant_email=intake.applicant_email, proxy=intake.proxy, documents=intake.documents,
        sets=intake.sets, fee=intake.fee, notes=intake.notes, reused_fields=intake.reused_fields,
        rescheduled=False, missing=[], reasons="", result_note="", late_reason="", **NO_DATES,
    )
    db.session.add(dossier)
    return dossier


def record_step(type_name: str, dossier: Dossier, officer, at: datetime, **facts) -> DossierStep:
    """Write the step a change to `dossier` made, then its event (dossier and step snapshots).

    Call it last: the dossier must not change again in this transaction. `facts` are what the step
    said beyond the dossier's columns (agency, items, reason, who collected the result…).
    """
    db.session.flush()  # the dossier first: the step has no relationship to order the inserts by
    facts = {**NO_FACTS, "due_at": dossier.due_at, **facts}
    step = DossierStep(site_id=dossier.site_id, dossier_id=dossier.id, type=type_name, at=at,
                       actor_id=officer.id if officer is not None else None, status=dossier.status, **facts)
    db.session.add(step)
    record(type_name, dossier, step, actor=officer)
    return step


def receive_dossier(site, officer, intake: Intake) -> Dossier:
    """Receive a complete dossier: national code, appointment in working days, log entry."""
    missing = missing_documents(intake)
    if missing:
        raise IntakeRefused("Hồ sơ còn thiếu: {items}. Hãy in phiếu yêu cầu bổ sung (Mẫu 02).",
                            "documents", items="; ".join(missing))
    now = utcnow()
    day = local_date(now)
    dossier = _new_dossier(site, officer, intake, "received", now)
    sequence = allocate_number(site.id, day, f"dossier:{site.agency_code}")
    dossier.code = f"{site.agency_code}-{day:%y%m%d}-{sequence:04d}"
    dossier.log_number = allocate_number(site.id, date(day.year, 1, 1), "log")
    # received_at fixes the code, log number and log day for good; the legal clock may restart later.
    dossier.received_at = dossier.clock_started_at = now
    dossier.due_at = dossier.original_due_at = due_from(calendar_for(site), now, intake.procedure)
    record_step("dossier.received", dossier, officer, now)
    return dossier


def request_supplement_at_intake(site, officer, intake: Intake, extra: list[str]) -> Dossier:
    """Mẫu 02 at the counter: list everything missing at once (Decree 61 Art. 15(3))."""
    items = [clean(item, 10_000) for item in extra if clean(item)]
    if any(len(item) > 300 for item in items):
        raise IntakeRefused("Mỗi giấy tờ cần bổ sung dài tối đa {n} ký tự.", "missing_extra", n=300)
    missing = missing_documents(intake) + items
    if not missing:
        raise IntakeRefused("Hãy ghi rõ giấy tờ cần bổ sung.", "missing_extra")
    now = utcnow()
    dossier = _new_dossier(site, officer, intake, "incomplete", now)
    dossier.missing = missing
    record_step("dossier.supplement_requested_at_intake", dossier, officer, now, items=missing)
    return dossier


def refuse_at_intake(site, officer, intake: Intake, reasons: str) -> Dossier:
    """Mẫu 03: the dossier is not accepted, with specific reasons."""
    reasons = clean(reasons, 2000)
    if not reasons:
        raise IntakeRefused("Hãy ghi rõ lý do từ chối tiếp nhận.", "reasons")
    now = utcnow()
    dossier = _new_dossier(site, officer, intake, "refused_at_intake", now)
    dossier.reasons = reasons
    record_step("dossier.refused_at_intake", dossier, officer, now, reason=reasons)
    return dossier


def returning_citizen(site, id_number: str) -> dict | None:
    """The details a citizen gave last time, offered again (found by ID number)."""
    if not re.fullmatch(r"\d{12}", id_number or ""):
        return None
    last = db.session.scalars(
        select(Dossier).where(Dossier.site_id == site.id, Dossier.applicant_id_number == id_number)
        .order_by(Dossier.created_at.desc()).limit(1)).first()
    if last is None:
        return None
    return {name: getattr(last, name) for name in REUSABLE if getattr(last, name)}


def card_values(card) -> dict:
    """The Mẫu 01 fields a scanned ID card fills (dates as shown on screens)."""
    return {"applicant_name": card.full_name, "applicant_id_number": card.id_number,
            "applicant_birth_date": card.date_of_birth.strftime("%d/%m/%Y"),
            "applicant_gender": card.gender_label, "applicant_address": card.address}


def fill_from_previous(site, values: dict) -> int:
    """Offer a returning citizen's last details for the fields still empty; return how many."""
    previous = returning_citizen(site, (values.get("applicant_id_number") or "").strip()) or {}
    reused = 0
    for key, value in previous.items():
        if not values.get(key):
            values[key] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
            reused += 1
    values["reused_fields"] = reused
    return reused


def narrowed_procedures(procedures: list, fields, chosen=None) -> tuple[list, bool]:
    """The procedures of these fields (lĩnh vực), and whether the list was narrowed.

    A queue with no fields, or none that any procedure has, narrows nothing; a procedure already
    chosen stays in the list so the form never drops it.
    """
    if not fields:
        return procedures, False
    kept = [p for p in procedures if p.field in fields or (chosen is not None and p.id == chosen.id)]
    if not kept or len(kept) == len(procedures):
        return procedures, False
    return kept, True
