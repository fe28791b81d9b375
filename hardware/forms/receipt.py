"""Mẫu 01, the intake receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), as a PDF.

The layout follows the administrative-document rules of Decree 30/2020/NĐ-CP: Tinos
(metric-compatible with Times New Roman), agency and national motto side by side, an
italic place and date, a bold centred title. Everything printed comes in a `ReceiptData`;
nothing here reads the database, so a reprint says exactly what the first print said.
"""

import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import segno
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .layout import FONT_DIR

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FONT = "Tinos"
FACES = {"Tinos": "Tinos-Regular.ttf", "Tinos-Bold": "Tinos-Bold.ttf",
         "Tinos-Italic": "Tinos-Italic.ttf", "Tinos-BoldItalic": "Tinos-BoldItalic.ttf"}
BLANK = "…………"  # an empty field stays on the form, to be filled in by hand
GAP = "&nbsp;" * 3 + " "  # between two fields on one line; the line may break there


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
        fields = {key: _nfc(value) for key, value in payload.items()}
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


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {key: _nfc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(item) for item in value]
    return value


def local(moment: datetime) -> datetime:
    """Wall-clock time in Vietnam: aware times are converted, naive ones taken as already local."""
    return moment.astimezone(VN) if moment.tzinfo else moment


def hour_minute_date(moment: datetime) -> str:
    """"09 giờ 05 phút, ngày 22/11/2026", as the receipt writes a time."""
    moment = local(moment)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def place_and_date(place: str, day: date) -> str:
    """"Tân Cương, ngày 05 tháng 10 năm 2026": days below 10 and months 1–2 get a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@cache
def register_fonts() -> str:
    """Register the four Tinos faces as one family, once per process; return the family name."""
    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(FONT, normal="Tinos", bold="Tinos-Bold", italic="Tinos-Italic",
                                  boldItalic="Tinos-BoldItalic")
    return FONT


@dataclass(frozen=True)
class Paper:
    """One copy's page: its size, margins (top, bottom, left, right) and type scale."""

    width: float
    height: float
    margins: tuple[float, float, float, float]
    body: float          # body text in points
    qr: float            # QR side, quiet zone included
    signature_gap: float


A4_COPY = Paper(A4[0], A4[1], (20 * mm, 20 * mm, 30 * mm, 15 * mm), 13, 28 * mm, 20 * mm)
A5_COPY = Paper(A4[1] / 2, A4[0], (10 * mm, 8 * mm, 12 * mm, 8 * mm), 10, 22 * mm, 11 * mm)
COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp")


def receipt_pdf(data: ReceiptData | Mapping, paper: str = "A4") -> bytes:
    """Render Mẫu 01 as PDF bytes: one A4 copy, or ("A5x2") two A5 copies on landscape A4."""
    if isinstance(data, Mapping):
        data = ReceiptData.from_dict(data)
    register_fonts()
    out = io.BytesIO()
    if paper == "A4":
        doc = _document(out, data, A4, [_frame(A4_COPY, 0)])
        doc.build(receipt_story(data, A4_COPY))
    elif paper == "A5x2":
        frames = [_frame(A5_COPY, 0), _frame(A5_COPY, A5_COPY.width)]
        doc = _document(out, data, landscape(A4), frames, decorate=_draw_cut_line)
        doc.build(_two_copies(data))
    else:
        raise ValueError(f"unknown paper {paper!r}: use 'A4' or 'A5x2'")
    return out.getvalue()


def _document(out, data: ReceiptData, pagesize, frames, decorate=None) -> BaseDocTemplate:
    doc = BaseDocTemplate(out, pagesize=pagesize, title=f"Mẫu số {data.form_no}: {data.title}",
                          subject=data.dossier_code, author=data.unit_name, creator="motcua",
                          initialFontName=FONT)  # else the page names Helvetica, which has no Vietnamese
    doc.addPageTemplates(PageTemplate("receipt", frames=frames, onPage=decorate or _undecorated))
    return doc


def _frame(paper: Paper, left: float) -> Frame:
    top, bottom, margin_left, margin_right = paper.margins
    return Frame(left + margin_left, bottom, paper.width - margin_left - margin_right,
                 paper.height - top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                 bottomPadding=0, id=f"copy{int(left)}")


def _undecorated(canvas, doc) -> None:
    pass


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
    s = _styles(paper.body)
    width = paper.width - paper.margins[2] - paper.margins[3]
    return [
        _top_line(data, s, width, copy_label),
        _header(data, s, width),
        Spacer(1, s["body"].leading * 0.8),
        Paragraph(_x(data.title), s["title"]),
        Spacer(1, s["body"].leading * 0.5),
        *_applicant(data, s, width, paper.qr),
        *_proxy(data.proxy, s),
        Paragraph(_field("Nội dung yêu cầu giải quyết: ", data.procedure, bold=True), s["body"]),
        Paragraph("1. Thành phần hồ sơ nộp gồm:", s["body"]),
        _documents(data.documents, s, width),
        *_schedule(data, s),
        *_signatures(data, s, width, paper.signature_gap),
    ]


@cache
def _styles(body: float) -> dict[str, ParagraphStyle]:
    k = body / 13  # every size follows the body size: 13 pt on A4, smaller on A5
    base = ParagraphStyle("body", fontName=FONT, fontSize=body, leading=body * 1.2,
                          spaceAfter=body * 0.12, alignment=TA_LEFT)

    def style(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "agency": style("agency", fontSize=12 * k, leading=14 * k, alignment=TA_CENTER, spaceAfter=0),
        "motto": style("motto", fontSize=13 * k, leading=15 * k, alignment=TA_CENTER, spaceAfter=0),
        "centre": style("centre", alignment=TA_CENTER, spaceAfter=0),
        "title": style("title", fontName="Tinos-Bold", fontSize=14 * k, leading=17 * k, alignment=TA_CENTER),
        "small": style("small", fontSize=10 * k, leading=12 * k, spaceAfter=0),
        "caption": style("caption", fontSize=max(9 * k, 8), leading=max(11 * k, 10),
                         alignment=TA_CENTER, spaceAfter=0),
        "small_right": style("small_right", fontSize=10 * k, leading=12 * k, alignment=TA_RIGHT,
                             spaceAfter=0),
        "cell": style("cell", fontSize=12 * k, leading=14 * k, spaceAfter=0),
        "cell_centre": style("cell_centre", fontSize=12 * k, leading=14 * k, alignment=TA_CENTER,
                             spaceAfter=0),
    }


def _x(value) -> str:
    """Text made safe for a Paragraph's mini-markup, in NFC."""
    return escape(unicodedata.normalize("NFC", str(value)))


def _field(label: str, value, bold=False) -> str:
    """Markup for "label: value"; an empty value leaves a dotted blank to fill in by hand."""
    head = _x(label.rstrip()) + ("&nbsp;" if label.endswith(" ") else "")  # never a label alone at a line end
    if not str(value).strip():
        return head + BLANK
    return head + (f"<b>{_x(value)}</b>" if bold else _x(value))



def _grid(rows, widths, extra=()) -> Table:
    """A borderless layout table; every cell's font is set so no Helvetica slips in."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        *extra,
    ]))
    return table


def _top_line(data: ReceiptData, s, width: float, copy_label: str) -> Table:
    label = Paragraph(f"<i>{_x(copy_label)}</i>", s["small"]) if copy_label else ""
    form = Paragraph(f"Mẫu số {_x(data.form_no)}", s["small_right"])
    return _grid([[label, form]], [width / 2, width / 2], [("BOTTOMPADDING", (0, 0), (-1, -1), 2)])


def _header(data: ReceiptData, s, width: float) -> Table:
    """Agency on the left, the national motto on the right, each over a short rule (Decree 30/2020)."""
    left, right = width * 0.45, width * 0.55
    motto = "Độc lập - Tự do - Hạnh phúc"
    motto_width = pdfmetrics.stringWidth(motto, "Tinos-Bold", s["motto"].fontSize)
    agency = [
        Paragraph(_x(data.parent_agency.upper()), s["agency"]),
        Paragraph(f"<b>{_x(data.unit_name.upper())}</b>", s["agency"]),
        _rule(left * 0.35, s["agency"]),
    ]
    nation = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", s["agency"]),
        Paragraph(f"<b>{motto}</b>", s["motto"]),
        _rule(motto_width, s["motto"]),
    ]
    day = data.issued_on or local(data.received_at).date()
    dated = [
        Paragraph(f"Số: {_x(data.number)}", s["centre"]),
        Paragraph(f"<i>{_x(place_and_date(data.place, day))}</i>", s["centre"]),
    ]
    return _grid([[agency, nation], dated], [left, right],
                 [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 1), (-1, 1), 6)])


def _rule(width: float, above: ParagraphStyle) -> HRFlowable:
    """The short line under a header name, clear of the descenders above it."""
    return HRFlowable(width=width, thickness=0.6, color="black", hAlign="CENTER",
                      spaceBefore=above.fontSize * 0.45, spaceAfter=0)


def _applicant(data: ReceiptData, s, width: float, qr_side: float) -> list:
    """Who filed, with the tracking QR code and its check string beside it."""
    body = s["body"]
    lines = [
        Paragraph(_field("Mã hồ sơ: ", data.dossier_code, bold=True), body),
        Paragraph(f"{_x(data.unit_name)} tiếp nhận hồ sơ của:", body),
        Paragraph(_field(f"{data.applicant_title}: ", data.applicant_name, bold=True), body),
        Paragraph(_field("Số định danh cá nhân/tổ chức: ", data.applicant_id), body),
        Paragraph(_field("Địa chỉ: ", data.address), body),
    ]
    caption = s["caption"]  # small enough for "Mã tra cứu: 7KQ2AB" to stay on one line
    check = f"Mã tra cứu: {data.check}"
    column = max(qr_side, pdfmetrics.stringWidth(check, "Tinos-Bold", caption.fontSize) + 1.5 * mm)
    code = [QrCode(data.tracking_url, qr_side), Paragraph(f"Mã tra cứu: <b>{_x(data.check)}</b>", caption)]
    return [
        _grid([[lines, code]], [width - column, column], [("ALIGN", (1, 0), (1, 0), "CENTER")]),
        Paragraph(_field("Số điện thoại: ", data.phone) + GAP + _field("Email: ", data.email), body),
    ]


def _proxy(proxy: Proxy | None, s) -> list:
    if proxy is None:
        return []
    body = s["body"]
    return [
        Paragraph(_field("Người được ủy quyền: ", proxy.name, bold=True) + GAP
                  + _field("Số định danh cá nhân: ", proxy.id_number), body),
        Paragraph(_field("Địa chỉ: ", proxy.address), body),
        Paragraph(_field("Số điện thoại: ", proxy.phone) + GAP + _field("Email: ", proxy.email), body),
        Paragraph(_field("Giấy tờ ủy quyền: ", proxy.authorisation), body),
    ]


def _documents(documents, s, width: float) -> Table:
    """The numbered list of papers received, with original/copy and count."""
    cell, centre = s["cell"], s["cell_centre"]
    head = [Paragraph(f"<b>{text}</b>", centre) for text in ("TT", "Tên giấy tờ", "Hình thức", "Số lượng")]
    rows = [[Paragraph(str(n), centre), Paragraph(_x(doc.name), cell), Paragraph(_x(doc.form), centre),
             Paragraph(f"{doc.count:02d}", centre)] for n, doc in enumerate(documents, 1)]
    rows = rows or [[Paragraph(BLANK, centre), "", "", ""]]
    k = s["body"].fontSize / 13
    widths = [11 * mm * k, None, 37 * mm * k, 20 * mm * k]
    widths[1] = width - sum(w for w in widths if w)
    pad = 3 * k
    return _grid([head, *rows], widths, [
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
        Paragraph(_field("3. Thời gian giải quyết hồ sơ theo quy định: ", data.processing_time), body),
        Paragraph(_field("4. Thời gian nhận hồ sơ: ", hour_minute_date(data.received_at)), body),
        Paragraph(_field("5. Thời gian trả kết quả giải quyết hồ sơ: ", hour_minute_date(data.due_at),
                         bold=True), body),
        Paragraph(_field("6. Đăng ký nhận kết quả tại: ", data.return_place), body),
        Paragraph(_field("Vào Sổ theo dõi hồ sơ, Quyển số ", data.book_no)
                  + _field(", Số thứ tự ", data.entry_no), body),
    ]


def _signatures(data: ReceiptData, s, width: float, gap: float) -> list:
    def block(role: str, name: str) -> list:
        return [Paragraph(f"<b>{role}</b>", s["centre"]),
                Paragraph("<i>(Ký và ghi rõ họ tên)</i>", s["centre"]),
                Spacer(1, gap),
                Paragraph(f"<b>{_x(name)}</b>", s["centre"])]

    return [Spacer(1, s["body"].leading * 0.6),
            _grid([[block("NGƯỜI NỘP HỒ SƠ", data.applicant_name),
                    block("NGƯỜI TIẾP NHẬN", data.receiver_name)]], [width / 2, width / 2])]


@lru_cache(maxsize=16)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (True = dark), EC level Q, with the 4-module quiet zone around them."""
    qr = segno.make_qr(payload, error="q", boost_error=False)  # never a Micro QR, never another level
    return tuple(tuple(bool(dark) for dark in row) for row in qr.matrix_iter(scale=1, border=4))


class QrCode(Flowable):
    """A QR code, EC level Q, with its 4-module quiet zone, drawn as one vector path."""

    def __init__(self, data: str, side: float):
        super().__init__()
        self.rows = qr_modules(data)
        self.width = self.height = side

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        module = self.width / len(self.rows)
        path = self.canv.beginPath()
        for y, row in enumerate(self.rows):
            top = self.height - (y + 1) * module
            x = 0
            while x < len(row):  # one rectangle per run of dark modules
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                path.rect(start * module, top, (x - start) * module, module)
        self.canv.drawPath(path, stroke=0, fill=1)
