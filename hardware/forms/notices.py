"""The notices handed to an applicant: Mẫu 02 supplement request, Mẫu 03 refusal, Mẫu 04 apology
and (2025 rules) the stop notice. Wording follows Circular 01/2018 and 03/2025, Phụ lục.

Each notice is a frozen dataclass of plain values, built in `domain.form_data`; nothing here reads
the database. The number and title come in the `Letterhead`, from the rule set of the dossier.
"""

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from .common import (
    A4_PAGE,
    BLANK,
    GAP,
    SIGN_AND_SEAL,
    Letterhead,
    day_month_year,
    esc,
    field,
    hour_minute_date,
    letterhead_story,
    render_pdf,
    signature_block,
    signatures,
    styles,
)


@dataclass(frozen=True)
class Applicant:
    """Who the dossier belongs to, as the notices print it."""

    name: str
    id_number: str = ""           # Số định danh cá nhân/tổ chức
    address: str = ""
    phone: str = ""
    email: str = ""
    title: str = "Ông/Bà"         # "Ông", "Bà", "Tổ chức"


@dataclass(frozen=True)
class SupplementRequest:
    """Mẫu 02: what to add or correct, why, and whom to ask; signed by the officer who guided."""

    head: Letterhead
    applicant: Applicant
    procedure: str
    items: tuple[str, ...]
    reason: str = ""
    dossier_code: str = ""        # none when asked at intake, before the dossier is received
    contact_name: str = ""
    contact_phone: str = ""
    guide_name: str = ""          # NGƯỜI HƯỚNG DẪN


@dataclass(frozen=True)
class RefusalNotice:
    """Mẫu 03: the dossier is not taken in (or not settled), with the specific reasons."""

    head: Letterhead
    applicant: Applicant
    procedure: str
    reasons: str
    dossier_code: str = ""
    officer_name: str = ""        # NGƯỜI TIẾP NHẬN HỒ SƠ


@dataclass(frozen=True)
class ApologyNotice:
    """Mẫu 04: late, sorry, and the one new date; signed by the head of the processing agency."""

    head: Letterhead
    applicant: Applicant
    procedure: str
    agency: str                   # the agency that is late
    received_at: datetime
    original_due_at: datetime
    new_due_at: datetime
    reason: str
    dossier_code: str = ""
    signer_name: str = ""         # THỦ TRƯỞNG CƠ QUAN


@dataclass(frozen=True)
class StopNotice:
    """Thông báo dừng giải quyết hồ sơ (Decree 118/2025): processing stopped, and why."""

    head: Letterhead
    applicant: Applicant
    procedure: str
    agency: str
    received_at: datetime
    stopped_at: datetime
    reason: str
    dossier_code: str = ""
    signer_name: str = ""


Notice = SupplementRequest | RefusalNotice | ApologyNotice | StopNotice


def notice_pdf(notice: Notice) -> bytes:
    """Render a notice as an A4 PDF (Decree 30/2020 page)."""
    story = STORIES[type(notice)](notice)
    return render_pdf(notice.head, notice.dossier_code, story)


def _fill(value) -> str:
    return esc(value) if str(value).strip() else BLANK


def _contacts(applicant: Applicant, s) -> list:
    return [
        Paragraph(field("Số định danh cá nhân/tổ chức: ", applicant.id_number), s["body"]),
        Paragraph(field("Địa chỉ: ", applicant.address), s["body"]),
        Paragraph(field("Số điện thoại: ", applicant.phone) + GAP + field("Email: ", applicant.email),
                  s["body"]),
    ]


def _supplement(data: SupplementRequest) -> list:
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    body = s["body"]
    code = [Paragraph(field("Mã hồ sơ: ", data.dossier_code, bold=True), body)] if data.dossier_code else []
    return [
        *letterhead_story(data.head, s, width),
        *code,
        Paragraph(field("Hồ sơ của: ", data.applicant.name, bold=True), body),
        Paragraph(field("Nội dung yêu cầu giải quyết: ", data.procedure), body),
        *_contacts(data.applicant, s),
        Paragraph("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", body),
        *[Paragraph(f"{n}. {esc(item)}", body) for n, item in enumerate(data.items, 1)],
        Paragraph(field("Lý do: ", data.reason), body),
        Paragraph(f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {esc(data.applicant.title)} liên hệ"
                  f" với {_fill(data.contact_name)}, số điện thoại {_fill(data.contact_phone)} để được"
                  " hướng dẫn./.", body),
        *signatures([signature_block("NGƯỜI HƯỚNG DẪN", data.guide_name, s, A4_PAGE.signature_gap)],
                    s, width),
    ]


def _refusal(data: RefusalNotice) -> list:
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    body, unit = s["body"], esc(data.head.unit_name)
    code = [Paragraph(field("Mã hồ sơ: ", data.dossier_code, bold=True), body)] if data.dossier_code else []
    gap = A4_PAGE.signature_gap
    return [
        *letterhead_story(data.head, s, width),
        Paragraph(f"{unit} tiếp nhận hồ sơ của:", body),
        Paragraph(field(f"{data.applicant.title}: ", data.applicant.name, bold=True), body),
        *_contacts(data.applicant, s),
        *code,
        Paragraph(field("Nội dung yêu cầu giải quyết: ", data.procedure), body),
        Paragraph(f"Qua xem xét, {unit} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể"
                  " như sau:", body),
        Paragraph(_fill(data.reasons), body),
        Paragraph(f"Xin thông báo cho {esc(data.applicant.title)} được biết và thực hiện./.", body),
        *signatures([signature_block("NGƯỜI NỘP HỒ SƠ", data.applicant.name, s, gap),
                     signature_block("NGƯỜI TIẾP NHẬN HỒ SƠ", data.officer_name, s, gap)], s, width),
    ]


def _about(data: ApologyNotice | StopNotice, s) -> list:
    """"Kính gửi", then which dossier: when received, which procedure, ID number and code."""
    body, who = s["body"], esc(data.applicant.title)
    return [
        Paragraph(f"Kính gửi: {who} <b>{esc(data.applicant.name)}</b>", s["centre"]),
        Paragraph(f"Ngày {day_month_year(data.received_at)}, {esc(data.head.unit_name)} tiếp nhận hồ sơ của"
                  f" {who} đề nghị giải quyết thủ tục hành chính: {_fill(data.procedure)}.", body),
        Paragraph(field("Số định danh cá nhân/tổ chức: ", data.applicant.id_number), body),
        Paragraph(field("Mã hồ sơ: ", data.dossier_code, bold=True), body),
    ]


def _apology(data: ApologyNotice) -> list:
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    body, agency, who = s["body"], esc(data.agency), esc(data.applicant.title)
    return [
        *letterhead_story(data.head, s, width),
        *_about(data, s),
        Paragraph(field("Thời gian hẹn trả kết quả giải quyết hồ sơ: ",
                        hour_minute_date(data.original_due_at)), body),
        Paragraph(f"Tuy nhiên, đến nay {agency} chưa giải quyết xong hồ sơ và không thể trả kết quả cho"
                  f" {who} đúng hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.", body),
        Paragraph(field("Lý do: ", data.reason), body),
        Paragraph(f"Sự chậm trễ này đã gây phiền hà cho {who}. {agency} xin lỗi {who} và hẹn trả kết quả"
                  f" giải quyết hồ sơ vào: <b>{hour_minute_date(data.new_due_at)}</b>.", body),
        Paragraph(f"Xin trân trọng cảm ơn sự hợp tác của {who}./.", body),
        *_signed_by_head(data.signer_name, s, width),
    ]


def _stop(data: StopNotice) -> list:
    s, width = styles(A4_PAGE.body), A4_PAGE.text_width
    body = s["body"]
    return [
        *letterhead_story(data.head, s, width),
        *_about(data, s),
        Paragraph(f"{esc(data.agency)} thông báo dừng giải quyết hồ sơ nêu trên kể từ"
                  f" <b>{hour_minute_date(data.stopped_at)}</b>.", body),
        Paragraph(field("Lý do: ", data.reason), body),
        Paragraph(f"Xin thông báo để {esc(data.applicant.title)} được biết./.", body),
        *_signed_by_head(data.signer_name, s, width),
    ]


def _signed_by_head(name: str, s, width: float) -> list:
    """A letter's foot (Decree 30/2020): recipients on the left, the head's signature on the right."""
    recipients = [Paragraph("<b><i>Nơi nhận:</i></b>", s["small"]),
                  Paragraph("- Như trên;", s["small"]), Paragraph("- Lưu: hồ sơ.", s["small"])]
    head = signature_block("THỦ TRƯỞNG CƠ QUAN", name, s, A4_PAGE.signature_gap + 4 * mm, SIGN_AND_SEAL)
    return signatures([recipients, head], s, width)


STORIES = {SupplementRequest: _supplement, RefusalNotice: _refusal, ApologyNotice: _apology,
           StopNotice: _stop}
