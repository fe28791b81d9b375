"""Mẫu 01, the intake receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), as a PDF.

Everything printed comes in a `ReceiptData`; nothing here reads the database, so a reprint
says exactly what the first print said. One A4 copy, or two A5 copies ("liên") side by side
on a landscape A4, cut or folded down the middle.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import FrameBreak, KeepInFrame, Paragraph, Spacer, Table

from .common import (
    A4_PAGE,
    BLANK,
    GAP,
    Letterhead,
    Paper,
    document,
    esc,
    field,
    frame,
    grid,
    hour_minute_date,
    letterhead_story,
    local,
    nfc,
    register_fonts,
    signature_block,
    signatures,
    styles,
)
from .qr import QrCode


@dataclass(frozen=True)
class ReceivedDocument:
    """One paper in "Thành phần hồ sơ": its name, whether original or copy, how many."""

    name: str
    form: str = "Bản chính"  # "Bản chính", "Bản sao", "Bản sao chứng thực", "Bản điện tử"…
    count: int = 1


@dataclass(frozen=True)
class Proxy:
    """Người được ủy quyền: who filed on the applicant's behalf, and the paper that allows it."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    authorisation: str = ""  # e.g. "Giấy ủy quyền số 12/UQ ngày 20/11/2026"


@dataclass(frozen=True)
class ReceiptData:
    """What the receipt says, frozen at intake (Circular 01/2018 and 03/2025, Mẫu 01).

    Agency names may be in any case (the header upper-cases them). Times are Vietnamese
    wall-clock times, naive, or aware (then shown in Asia/Ho_Chi_Minh). `number` is printed
    after "Số: " and `check` after "Mã tra cứu: ". `form_no` and `title` are settings
    because the 2018 and 2025 rule sets number the forms differently.
    """

    parent_agency: str            # "Ủy ban nhân dân xã Tân Cương"
    unit_name: str                # "Trung tâm Phục vụ hành chính công xã Tân Cương"
    place: str                    # "Tân Cương", for the date line
    number: str                   # "0007/GTN-TTPVHCC"
    dossier_code: str             # "000.00.12.H56-261122-0007"
    applicant_name: str
    procedure: str                # "Nội dung yêu cầu giải quyết": the procedure's name
    received_at: datetime
    due_at: datetime              # the appointment to return the result
    tracking_url: str             # encoded as given in the QR code
    check: str                    # the short secret that goes with the code
    applicant_title: str = "Ông/Bà"  # "Ông", "Bà", "Tổ chức"
    applicant_id: str = ""        # Số định danh cá nhân/tổ chức
    address: str = ""
    phone: str = ""
    email: str = ""
    proxy: Proxy | None = None
    documents: tuple[ReceivedDocument, ...] = ()
    sets: int = 1
    processing_time: str = ""     # as the law says it: "03 ngày làm việc", "Trong ngày"
    return_place: str = ""
    book_no: str = ""             # Sổ theo dõi hồ sơ: Quyển số …
    entry_no: str = ""            # … Số thứ tự …
    receiver_name: str = ""       # the officer who received it
    form_no: str = "01"
    title: str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    issued_on: date | None = None  # the date line; the day received when empty

    @classmethod
    def from_dict(cls, payload: Mapping) -> "ReceiptData":
        """Build from a plain dict, e.g. a JSON print payload (ISO strings for times)."""
        fields = {key: nfc(value) for key, value in payload.items()}
        for key in ("received_at", "due_at"):
            if isinstance(fields[key], str):
                fields[key] = datetime.fromisoformat(fields[key])
        if isinstance(fields.get("issued_on"), str):
            fields["issued_on"] = date.fromisoformat(fields["issued_on"])
        if isinstance(fields.get("proxy"), Mapping):
            fields["proxy"] = Proxy(**fields["proxy"])
        fields["documents"] = tuple(
            doc if isinstance(doc, ReceivedDocument) else ReceivedDocument(**doc)
            for doc in fields.get("documents", ())
        )
        return cls(**fields)

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(self.parent_agency, self.unit_name, self.place,
                          self.issued_on or local(self.received_at).date(), self.form_no, self.title,
                          self.number)


A4_COPY = A4_PAGE
A5_COPY = Paper(A4[1] / 2, A4[0], (10 * mm, 8 * mm, 12 * mm, 8 * mm), 10, 22 * mm, 11 * mm)
COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp")


def receipt_pdf(data: ReceiptData | Mapping, paper: str = "A4") -> bytes:
    """Render Mẫu 01 as PDF bytes: one A4 copy, or ("A5x2") two A5 copies on landscape A4."""
    if isinstance(data, Mapping):
        data = ReceiptData.from_dict(data)
    register_fonts()
    out = io.BytesIO()
    if paper == "A4":
        doc = document(out, data.letterhead, data.dossier_code, A4, [frame(A4_COPY)])
        doc.build(receipt_story(data, A4_COPY))
    elif paper == "A5x2":
        frames = [frame(A5_COPY, 0), frame(A5_COPY, A5_COPY.width)]
        doc = document(out, data.letterhead, data.dossier_code, landscape(A4), frames, _draw_cut_line)
        doc.build(_two_copies(data))
    else:
        raise ValueError(f"unknown paper {paper!r}: use 'A4' or 'A5x2'")
    return out.getvalue()


def _draw_cut_line(canvas, doc) -> None:
    """A dashed line between the two A5 halves, where the sheet is cut or folded."""
    canvas.saveState()
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.4)
    canvas.line(A5_COPY.width, 6 * mm, A5_COPY.width, A5_COPY.height - 6 * mm)
    canvas.restoreState()


def _two_copies(data: ReceiptData) -> list:
    top, bottom, left, right = A5_COPY.margins
    size = (A5_COPY.width - left - right, A5_COPY.height - top - bottom)
    first, second = (KeepInFrame(*size, receipt_story(data, A5_COPY, label), mode="shrink")
                     for label in COPIES)
    return [first, FrameBreak(), second]


# The story of one copy, top to bottom.

def receipt_story(data: ReceiptData, paper: Paper, copy_label: str = "") -> list:
    """The flowables of one copy of the receipt, sized for `paper`."""
    s = styles(paper.body)
    width = paper.text_width
    return [
        *letterhead_story(data.letterhead, s, width, copy_label),
        *_applicant(data, s, width, paper.qr),
        *_proxy(data.proxy, s),
        Paragraph(field("Nội dung yêu cầu giải quyết: ", data.procedure, bold=True), s["body"]),
        Paragraph("1. Thành phần hồ sơ nộp gồm:", s["body"]),
        _documents(data.documents, s, width),
        *_schedule(data, s),
        *signatures([signature_block("NGƯỜI NỘP HỒ SƠ", data.applicant_name, s, paper.signature_gap),
                     signature_block("NGƯỜI TIẾP NHẬN", data.receiver_name, s, paper.signature_gap)],
                    s, width),
    ]


def _applicant(data: ReceiptData, s, width: float, qr_side: float) -> list:
    """Who filed, with the tracking QR code and its check string beside it."""
    body = s["body"]
    lines = [
        Paragraph(field("Mã hồ sơ: ", data.dossier_code, bold=True), body),
        Paragraph(f"{esc(data.unit_name)} tiếp nhận hồ sơ của:", body),
        Paragraph(field(f"{data.applicant_title}: ", data.applicant_name, bold=True), body),
        Paragraph(field("Số định danh cá nhân/tổ chức: ", data.applicant_id), body),
        Paragraph(field("Địa chỉ: ", data.address), body),
    ]
    caption = s["caption"]  # small enough for "Mã tra cứu: 7KQ2AB" to stay on one line
    check = f"Mã tra cứu: {data.check}"
    column = max(qr_side, pdfmetrics.stringWidth(check, "Tinos-Bold", caption.fontSize) + 1.5 * mm)
    code = [QrCode(data.tracking_url, qr_side), Paragraph(f"Mã tra cứu: <b>{esc(data.check)}</b>", caption)]
    return [
        grid([[lines, code]], [width - column, column], [("ALIGN", (1, 0), (1, 0), "CENTER")]),
        Paragraph(field("Số điện thoại: ", data.phone) + GAP + field("Email: ", data.email), body),
    ]


def _proxy(proxy: Proxy | None, s) -> list:
    if proxy is None:
        return []
    body = s["body"]
    return [
        Paragraph(field("Người được ủy quyền: ", proxy.name, bold=True) + GAP
                  + field("Số định danh cá nhân: ", proxy.id_number), body),
        Paragraph(field("Địa chỉ: ", proxy.address), body),
        Paragraph(field("Số điện thoại: ", proxy.phone) + GAP + field("Email: ", proxy.email), body),
        Paragraph(field("Giấy tờ ủy quyền: ", proxy.authorisation), body),
    ]


def _documents(documents, s, width: float) -> Table:
    """The numbered list of papers received, with original/copy and count."""
    cell, centre = s["cell"], s["cell_centre"]
    head = [Paragraph(f"<b>{text}</b>", centre) for text in ("TT", "Tên giấy tờ", "Hình thức", "Số lượng")]
    rows = [[Paragraph(str(n), centre), Paragraph(esc(doc.name), cell), Paragraph(esc(doc.form), centre),
             Paragraph(f"{doc.count:02d}", centre)] for n, doc in enumerate(documents, 1)]
    rows = rows or [[Paragraph(BLANK, centre), "", "", ""]]
    k = s["body"].fontSize / 13
    widths = [11 * mm * k, None, 37 * mm * k, 20 * mm * k]
    widths[1] = width - sum(w for w in widths if w)
    pad = 3 * k
    return grid([head, *rows], widths, [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 1),
    ])


def _schedule(data: ReceiptData, s) -> list:
    """Sets, legal time limit, received and appointment times, where to collect, log entry."""
    body = s["body"]
    return [
        Spacer(1, body.spaceAfter * 2),
        Paragraph(f"2. Số lượng hồ sơ: <b>{data.sets:02d}</b> bộ", body),
        Paragraph(field("3. Thời gian giải quyết hồ sơ theo quy định: ", data.processing_time), body),
        Paragraph(field("4. Thời gian nhận hồ sơ: ", hour_minute_date(data.received_at)), body),
        Paragraph(field("5. Thời gian trả kết quả giải quyết hồ sơ: ", hour_minute_date(data.due_at),
                        bold=True), body),
        Paragraph(field("6. Đăng ký nhận kết quả tại: ", data.return_place), body),
        Paragraph(field("Vào Sổ theo dõi hồ sơ, Quyển số ", data.book_no)
                  + field(", Số thứ tự ", data.entry_no), body),
    ]
