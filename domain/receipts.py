"""What the paper says about a dossier: the Mẫu 01 receipt payload and its tracking URL."""

from .clock import fmt_datetime, to_local, utcnow
from .dossiers import CHANNELS
from .form_data import place_of
from .rules import rule_set

KIND_LABELS = {"original": "Bản chính", "copy": "Bản sao", "shown": "Xuất trình"}


def tracking_url(base_url: str, dossier) -> str:
    """The URL in the QR code, upper-case so it encodes in QR alphanumeric mode (a smaller code)."""
    return f"{base_url.rstrip('/').upper()}/T/{dossier.code}?K={dossier.check}"


def processing_time(procedure) -> str:
    if procedure.same_day:
        return "Trong ngày làm việc"
    if procedure.deadline_hours:
        return f"{procedure.deadline_hours:02d} giờ làm việc"
    return f"{procedure.deadline_days:02d} ngày làm việc"


def receipt_payload(site, dossier, officer_name: str, base_url: str) -> dict:
    """The ReceiptData fields (hardware.forms) for a received dossier, as plain JSON values."""
    number, title = rule_set(dossier.rule_set).form("receipt")
    place = place_of(site)
    proxy = dossier.proxy or None
    return {
        "parent_agency": site.parent_agency,
        "unit_name": site.name,
        "place": place,
        "number": f"{dossier.log_number or 0:04d}/GTN",
        "dossier_code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
        "received_at": to_local(dossier.received_at).isoformat(),
        "due_at": to_local(dossier.due_at).isoformat(),
        "tracking_url": tracking_url(base_url, dossier),
        "check": dossier.check,
        "applicant_id": dossier.applicant_id_number,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "proxy": {k: proxy.get(k, "") for k in ("name", "id_number", "address", "phone", "authorisation")}
        if proxy else None,
        "documents": [{"name": d["name"], "form": KIND_LABELS.get(d.get("kind"), "Bản chính"),
                       "count": int(d.get("count", 1))} for d in dossier.documents if d.get("received")],
        "sets": dossier.sets,
        "processing_time": processing_time(dossier.procedure),
        "return_place": f"{site.name} ({CHANNELS.get(dossier.channel, '')})",
        "book_no": f"{to_local(dossier.received_at).year}",
        "entry_no": f"{dossier.log_number or ''}",
        "receiver_name": officer_name,
        "form_no": number,
        "title": title,
    }


def slip_head(site, dossier, base_url: str) -> dict:
    """What every thermal slip of a dossier starts with; the QR only once it has a code."""
    head = {"parent_agency": site.parent_agency, "unit_name": site.name,
            "applicant_name": dossier.applicant_name, "procedure": dossier.procedure.name,
            "dossier_code": dossier.code or "", "check": dossier.check}
    if dossier.code:
        head["tracking_url"] = tracking_url(base_url, dossier)
    return head


def supplement_slip_payload(site, dossier, officer_name: str, base_url: str) -> dict:
    """Mẫu 02 on the counter's thermal printer (intake or appraisal)."""
    number, title = rule_set(dossier.rule_set).form("supplement")
    return {**slip_head(site, dossier, base_url), "title": title, "items": list(dossier.missing),
            "officer": officer_name, "date_line": f"{place_of(site)}, {fmt_datetime(utcnow())}"}


def return_slip_payload(site, dossier, officer_name: str, base_url: str, collected_by: str) -> dict:
    on_time = dossier.returned_at and dossier.due_at and dossier.returned_at <= dossier.due_at
    return {**slip_head(site, dossier, base_url), "officer": officer_name,
            "returned_at": fmt_datetime(dossier.returned_at), "due_at": fmt_datetime(dossier.due_at),
            "timeliness": "đúng hạn" if on_time else "quá hạn", "collected_by": collected_by}
