"""What every official form shares: Tinos fonts, the Decree 30/2020 page, letterhead and signatures.

Decree 30/2020/NĐ-CP, Phụ lục I: A4, margins 20/20/30/15 mm (top, bottom, left, right), 13 pt
body; the issuing agency and the national motto side by side, each over a short rule; the number
under the agency and an italic place and date under the motto; a bold centred title in capitals.
Tinos is metric-compatible with Times New Roman and covers every Vietnamese letter.
"""

import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..layout import FONT_DIR

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FONT = "Tinos"
FACES = {"Tinos": "Tinos-Regular.ttf", "Tinos-Bold": "Tinos-Bold.ttf",
         "Tinos-Italic": "Tinos-Italic.ttf", "Tinos-BoldItalic": "Tinos-BoldItalic.ttf"}
BLANK = "…………"  # an empty field stays on the form, to be filled in by hand
GAP = "&nbsp;" * 3 + " "  # between two fields on one line; the line may break there
SIGN = "(Ký và ghi rõ họ tên)"
SIGN_AND_SEAL = "(Ký, ghi rõ họ tên và đóng dấu)"


@dataclass(frozen=True)
class Letterhead:
    """The top of a form: who issues it, its number, place and date, and which form it is.

    `form_no` and `title` come from the rule set in force for the dossier (2018 and 2025 number
    the forms differently). An empty `number` prints "Số: …………" to be written by hand; None
    (the tracking log) prints no number line.
    """

    parent_agency: str            # "Ủy ban nhân dân xã Tân Cương"
    unit_name: str                # "Trung tâm Phục vụ hành chính công xã Tân Cương"
    place: str                    # "Tân Cương", for the date line
    issued_on: date
    form_no: str                  # "02"
    title: str                    # "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
    number: str | None = ""       # "0007/PBS"


@dataclass(frozen=True)
class Paper:
    """One copy's page: its size, margins (top, bottom, left, right) and type scale."""

    width: float
    height: float
    margins: tuple[float, float, float, float]
    body: float          # body text in points
    qr: float            # QR side, quiet zone included
    signature_gap: float

    @property
    def text_width(self) -> float:
        return self.width - self.margins[2] - self.margins[3]


DECREE_30_MARGINS = (20 * mm, 20 * mm, 30 * mm, 15 * mm)
A4_PAGE = Paper(A4[0], A4[1], DECREE_30_MARGINS, 13, 28 * mm, 20 * mm)
A4_LANDSCAPE = Paper(A4[1], A4[0], DECREE_30_MARGINS, 13, 28 * mm, 14 * mm)


def nfc(value):
    """Strings (also inside dicts and lists) in composed Unicode, as the PDF must carry them."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {key: nfc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [nfc(item) for item in value]
    return value


def local(moment: datetime) -> datetime:
    """Wall-clock time in Vietnam: aware times are converted, naive ones taken as already local."""
    return moment.astimezone(VN) if moment.tzinfo else moment


def hour_minute_date(moment: datetime) -> str:
    """"09 giờ 05 phút, ngày 22/11/2026", as the forms write a time."""
    moment = local(moment)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def day_month_year(day: date | datetime) -> str:
    """"22/11/2026"."""
    return f"{local(day) if isinstance(day, datetime) else day:%d/%m/%Y}"


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


@cache
def styles(body: float) -> dict[str, ParagraphStyle]:
    """Paragraph styles scaled from the body size: 13 pt on A4, smaller on A5 or in a log table."""
    register_fonts()  # a Paragraph looks its font up when it is made, before any document is built
    k = body / 13
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
        "column_head": style("column_head", fontName="Tinos-Bold", fontSize=11 * k, leading=13 * k,
                             alignment=TA_CENTER, spaceAfter=0),
    }


def esc(value) -> str:
    """Text made safe for a Paragraph's mini-markup, in NFC."""
    return escape(unicodedata.normalize("NFC", str(value)))


def field(label: str, value, bold=False) -> str:
    """Markup for "label: value"; an empty value leaves a dotted blank to fill in by hand."""
    # a non-breaking space: never a label alone at a line end
    head = esc(label.rstrip()) + ("&nbsp;" if label.endswith(" ") else "")
    if not str(value).strip():
        return head + BLANK
    return head + (f"<b>{esc(value)}</b>" if bold else esc(value))


def grid(rows, widths, extra=()) -> Table:
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


def form_number_line(form_no: str, s, width: float, copy_label: str = "") -> Table:
    """"Mẫu số 02" at the top right, with an optional copy label ("Liên 1: Lưu") on the left."""
    label = Paragraph(f"<i>{esc(copy_label)}</i>", s["small"]) if copy_label else ""
    form = Paragraph(f"Mẫu số {esc(form_no)}", s["small_right"])
    return grid([[label, form]], [width / 2, width / 2], [("BOTTOMPADDING", (0, 0), (-1, -1), 2)])


def header(head: Letterhead, s, width: float) -> Table:
    """Agency on the left, the national motto on the right, each over a short rule (Decree 30/2020)."""
    left, right = width * 0.45, width * 0.55
    motto = "Độc lập - Tự do - Hạnh phúc"
    motto_width = pdfmetrics.stringWidth(motto, "Tinos-Bold", s["motto"].fontSize)
    agency = [
        Paragraph(esc(head.parent_agency.upper()), s["agency"]),
        Paragraph(f"<b>{esc(head.unit_name.upper())}</b>", s["agency"]),
        _rule(left * 0.35, s["agency"]),
    ]
    nation = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", s["agency"]),
        Paragraph(f"<b>{motto}</b>", s["motto"]),
        _rule(motto_width, s["motto"]),
    ]
    number = Paragraph(field("Số: ", head.number), s["centre"]) if head.number is not None else ""
    dated = [number, Paragraph(f"<i>{esc(place_and_date(head.place, head.issued_on))}</i>", s["centre"])]
    return grid([[agency, nation], dated], [left, right],
                [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 1), (-1, 1), 6)])


def _rule(width: float, above: ParagraphStyle) -> HRFlowable:
    """The short line under a header name, clear of the descenders above it."""
    return HRFlowable(width=width, thickness=0.6, color="black", hAlign="CENTER",
                      spaceBefore=above.fontSize * 0.45, spaceAfter=0)


def letterhead_story(head: Letterhead, s, width: float, copy_label: str = "") -> list:
    """Form number, header and title: the same opening on every form."""
    return [
        form_number_line(head.form_no, s, width, copy_label),
        header(head, s, width),
        Spacer(1, s["body"].leading * 0.8),
        Paragraph(esc(head.title), s["title"]),
        Spacer(1, s["body"].leading * 0.5),
    ]


def signature_block(role: str, name: str, s, gap: float, note: str = SIGN) -> list:
    """Role in bold capitals, the italic instruction, room to sign, then the name."""
    return [Paragraph(f"<b>{esc(role)}</b>", s["centre"]),
            Paragraph(f"<i>{esc(note)}</i>", s["centre"]),
            Spacer(1, gap),
            Paragraph(f"<b>{esc(name)}</b>", s["centre"])]


def signatures(blocks: list, s, width: float) -> list:
    """Signature blocks side by side; a single block sits on the right half, as letters are signed."""
    cells = blocks if len(blocks) > 1 else ["", *blocks]
    return [Spacer(1, s["body"].leading * 0.6),
            grid([cells], [width / len(cells)] * len(cells))]


def document(out, head: Letterhead, subject: str, pagesize, frames, on_page=None) -> BaseDocTemplate:
    """A PDF document whose metadata names the form; the page font is Tinos, never Helvetica."""
    doc = BaseDocTemplate(out, pagesize=pagesize, title=f"Mẫu số {head.form_no}: {head.title}",
                          subject=subject, author=head.unit_name, creator="motcua", initialFontName=FONT)
    doc.addPageTemplates(PageTemplate("form", frames=frames, onPage=on_page or _undecorated))
    return doc


def frame(paper: Paper, left: float = 0) -> Frame:
    top, bottom, margin_left, margin_right = paper.margins
    return Frame(left + margin_left, bottom, paper.width - margin_left - margin_right,
                 paper.height - top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                 bottomPadding=0, id=f"copy{int(left)}")


def render_pdf(head: Letterhead, subject: str, story: list, paper: Paper = A4_PAGE) -> bytes:
    """Build a one-frame form on `paper` (portrait or landscape A4), numbering pages from the second."""
    register_fonts()
    out = io.BytesIO()
    size = landscape(A4) if paper.width > paper.height else A4
    document(out, head, subject, size, [frame(paper)], _page_number).build(story)
    return out.getvalue()


def _undecorated(canvas, doc) -> None:
    pass


def _page_number(canvas, doc) -> None:
    """Decree 30/2020: page numbers centred in the top margin, from the second page on."""
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(FONT, 13)
    canvas.drawCentredString(doc.pagesize[0] / 2, doc.pagesize[1] - 12 * mm, str(doc.page))
    canvas.restoreState()
