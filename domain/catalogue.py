"""The procedure catalogue (danh mục thủ tục) as CSV: export to a spreadsheet, edit, import back.

The file is UTF-8 (export adds the BOM Excel needs to show Vietnamese), one procedure per row
under a header row of these columns. Only the first three are required. A column left out keeps
existing procedures' values (new ones get the default); an empty cell means 0, "" or the default
in brackets. Flags are "có" / "không"; diacritics are optional when typing flags and kinds.

    ma_thu_tuc          code, the key: e.g. 1.001193 (at most 40 characters)
    ten_thu_tuc         name (300)
    linh_vuc            field, lĩnh vực (120)
    co_quan             competent agency (200)
    thoi_han_ngay       deadline in working days, a whole number
    thoi_han_gio        deadline in working hours, a whole number
    trong_ngay          same-day ["không"]; if "có" both deadlines are 0, otherwise one is above 0
    ap_dung_15h         the 15:00 rule applies ["có"]
    le_phi              fee in VND: 15000, 15.000 and 15,000 all read as 15000
    ghi_chu_le_phi      fee note (300)
    giay_to             "Tờ khai (bản chính) x1 | Giấy chứng sinh (bản sao) x2 | CCCD (xuất trình) x1":
                        kind (bản chính|bản sao|xuất trình) last in brackets, " xN" optional (1);
                        names may contain brackets but not "|"
    chi_nop_truc_tiep   in person only ["không"]; if "có", cho_phep_buu_chinh must be "không"
    cho_phep_buu_chinh  may be sent by post ["có"]
    dang_ap_dung        active ["có"]

Export writes commas (or the delimiter asked for); import reads commas, semicolons (Excel in the
vi-VN locale) or tabs. Import is all-or-nothing and matches rows to procedures by code: it
updates or creates, never deletes. Rows are numbered as a spreadsheet shows them (header = 1).
"""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from models import Procedure
from motcua.extensions import db

from . import DomainError
from .collation import vi
from .events import record
from .validation import MAX_FEE, InvalidInput, bad_character

COLUMNS = {
    "ma_thu_tuc": "code", "ten_thu_tuc": "name", "linh_vuc": "field", "co_quan": "agency",
    "thoi_han_ngay": "deadline_days", "thoi_han_gio": "deadline_hours", "trong_ngay": "same_day",
    "ap_dung_15h": "cutoff_applies", "le_phi": "fee", "ghi_chu_le_phi": "fee_note", "giay_to": "documents",
    "chi_nop_truc_tiep": "in_person_only", "cho_phep_buu_chinh": "postal_allowed", "dang_ap_dung": "active",
}
REQUIRED = ("ma_thu_tuc", "ten_thu_tuc", "linh_vuc")
LIMITS = {"ma_thu_tuc": 40, "ten_thu_tuc": 300, "linh_vuc": 120, "co_quan": 200, "ghi_chu_le_phi": 300}
# The largest number each column takes: a deadline is counted day by day on the calendar, and a fee
# must fit the INTEGER column and a JSON number (10^23 used to reach the database and fail there).
NUMBERS = {"thoi_han_ngay": (1000, "Thời hạn tối đa 1000 ngày làm việc."),
           "thoi_han_gio": (8000, "Thời hạn tối đa 8000 giờ làm việc."),
           "le_phi": (MAX_FEE, "Lệ phí tối đa 999.999.999.999 đồng.")}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"):
# export writes a leading "'", which spreadsheets show as text, and import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 100_000  # characters; below csv's own limit (131,072), whose error is no message
DEFAULTS = {"agency": "", "deadline_days": 0, "deadline_hours": 0, "same_day": False, "cutoff_applies": True,
            "fee": 0, "fee_note": "", "documents": [], "in_person_only": False, "postal_allowed": True,
            "active": True}
KINDS = {"original": "bản chính", "copy": "bản sao", "shown": "xuất trình"}
YES, NO = "có", "không"
# Matched without diacritics: many admins type with the Vietnamese input method off.
KIND_WORDS = {"ban chinh": "original", "ban sao": "copy", "xuat trinh": "shown"} | {k: k for k in KINDS}
FLAG_WORDS = {"co": True, "khong": False}
DOCUMENT = re.compile(r"(?P<name>.+?)\s*\((?P<kind>[^()]+)\)\s*(?:[x×]\s*(?P<count>\S+))?", re.IGNORECASE)
WHOLE = re.compile(r"\d+|\d{1,3}(?:[., ]\d{3})+", re.ASCII)  # 15000, 15.000, 15,000
# A national code such as 1.000890 that a spreadsheet read as a number and saved as 1.00089.
NUMBER_LIKE_CODE = re.compile(r"\d\.\d{1,5}")

MISSING = {"ma_thu_tuc": "Thiếu mã thủ tục.", "ten_thu_tuc": "Thiếu tên thủ tục.",
           "linh_vuc": "Thiếu lĩnh vực."}
TOO_LONG = "Quá dài: mã tối đa 40 ký tự, tên và ghi chú lệ phí 300, lĩnh vực 120, cơ quan 200."
NOT_WHOLE = "Phải là số nguyên không âm (ví dụ 0, 3 hoặc 15000)."
NOT_FLAG = "Chỉ ghi “có” hoặc “không”."
BAD_DOCUMENT = "Mỗi giấy tờ ghi dạng “Tên (bản chính) x1”, các giấy tờ cách nhau bởi dấu “ | ”."
BAD_KIND = "Loại giấy tờ phải là (bản chính), (bản sao) hoặc (xuất trình)."
BAD_COUNT = "Số lượng giấy tờ phải là số nguyên từ 1 đến 999, ví dụ x2."
CODE_AS_NUMBER = ("Mã thủ tục có vẻ đã bị bảng tính đổi thành số (mất số 0 ở cuối). "
                  "Hãy định dạng cột ma_thu_tuc là Văn bản (Text) rồi sửa lại mã.")
DUPLICATE = "Mã thủ tục bị lặp lại trong tệp."
SAME_DAY_WITH_DEADLINE = "Thủ tục giải quyết trong ngày thì thời hạn ngày và giờ phải để 0."
NO_DEADLINE = "Hãy ghi thời hạn (số ngày hoặc số giờ), hoặc ghi “có” ở cột trong_ngay."
IN_PERSON_BY_POST = "Thủ tục chỉ nộp trực tiếp thì cột cho_phep_buu_chinh phải là “không”."
STRAY_CELL = "Dòng có dữ liệu ở cột không có tiêu đề."
BAD_TEXT = "Có ký tự không hợp lệ (ký tự điều khiển, ký tự riêng hoặc dấu thanh đứng một mình)."
UNREADABLE = ("Tệp không đọc được như CSV từ dòng {line}: một ô dài quá 100.000 ký tự hoặc có dấu "
              "ngoặc kép không đóng.")


class CatalogueError(DomainError):
    """Rows that cannot be imported: `errors` lists (row as numbered in a spreadsheet, column, message)."""

    status = 422

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__("Tệp có {n} lỗi, chưa nhập dòng nào.", n=len(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    not_in_file: int  # the site's procedures the file did not mention, left as they were


def export_csv(site, *, delimiter: str = ",") -> bytes:
    """Write the site's catalogue as UTF-8 CSV with a BOM, ordered by field then code."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(list(COLUMNS))
    query = (select(Procedure).where(Procedure.site_id == site.id)
             .order_by(vi(Procedure.field), Procedure.code))
    for procedure in db.session.scalars(query):
        writer.writerow(neutralised(_cell(getattr(procedure, attribute))) for attribute in COLUMNS.values())
    return buffer.getvalue().encode("utf-8-sig")


def import_csv(site, actor, data: bytes) -> ImportReport:
    """Check every row, then create or update procedures by code; raise CatalogueError listing all errors."""
    header, rows = _read_table(data)
    existing = {p.code: p for p in db.session.scalars(select(Procedure).where(Procedure.site_id == site.id))}
    entries = _check_rows(header, rows, existing)
    changed = [_save(site, actor, values, current, "import") for values, current in entries]
    created = sum(1 for _, current in entries if current is None)
    updated = sum(1 for names in changed if names) - created
    in_file = {values["code"] for values, _ in entries}
    return ImportReport(created, updated, len(entries) - created - updated, len(existing.keys() - in_file))


def _check_rows(header: list[str], rows: list, existing: dict) -> list[tuple[dict, Procedure | None]]:
    """Merge each row with the stored procedure of its code; raise CatalogueError listing every problem."""
    entries, errors, seen = [], [], set()
    for number, cells in rows:
        problems: list[tuple[str, str]] = []
        values = _parse_row(header, cells, problems)
        if values["code"] and values["code"] in seen:
            problems.append(("ma_thu_tuc", DUPLICATE))
        seen.add(values["code"])
        current = existing.get(values["code"])
        merged = {**(_snapshot(current) if current else DEFAULTS), **values}
        if not problems:  # a cell that did not parse would only add confusing follow-on errors
            problems += _check_rules(merged)
        errors += [(number, column, message) for column, message in problems]
        entries.append((merged, current))
    if errors:
        raise CatalogueError(errors)
    return entries


def neutralised(cell: str) -> str:
    """A cell a spreadsheet will show as text, not run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _cell(value) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return " | ".join(f"{d['name']} ({KINDS.get(d['kind'], d['kind'])}) x{d['count']}" for d in value)
    return str(value)


def _snapshot(procedure: Procedure) -> dict:
    return {attribute: getattr(procedure, attribute) for attribute in COLUMNS.values()}


def _read_table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decode and split the file; raise DomainError if it is not a catalogue at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("Tệp không ở dạng UTF-8 nên tiếng Việt sẽ bị lỗi. Trong Excel hoặc LibreOffice, "
                          "hãy chọn Lưu thành (Save As) → “CSV UTF-8” rồi nhập lại.") from None
    if not text.strip():
        raise DomainError("Tệp trống: cần một dòng tiêu đề và ít nhất một dòng thủ tục.")
    # The header holds no commas or semicolons of its own, so its separator is the file's;
    # csv.Sniffer guesses from data rows, where fee notes often contain both.
    first_line = text.lstrip("\r\n").partition("\n")[0]
    delimiter = max(",;\t", key=first_line.count)
    records = _records(text, delimiter)
    rows = [(number, cells) for number, cells in enumerate(records, start=1) if any(cells)]
    if not rows:
        raise DomainError("Tệp trống: cần một dòng tiêu đề và ít nhất một dòng thủ tục.")
    header = [name.lower() for name in rows[0][1]]
    _check_header(header)
    if len(rows) == 1:
        raise DomainError("Tệp chỉ có dòng tiêu đề, chưa có thủ tục nào.")
    return header, rows[1:]


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            if any(len(cell) > MAX_CELL for cell in record):
                raise csv.Error("cell too long")
            records.append([_clean(cell) for cell in record])
    except csv.Error:
        raise InvalidInput(UNREADABLE, "file", line=reader.line_num) from None
    return records


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise DomainError("Tệp thiếu cột bắt buộc: {columns}. Dòng đầu tiên phải là dòng tiêu đề như "
                          "trong tệp xuất ra từ hệ thống.", columns=", ".join(missing))
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise DomainError("Tệp có cột không thuộc mẫu danh mục: {columns}.", columns=", ".join(unknown))
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise DomainError("Cột {columns} xuất hiện hơn một lần trong dòng tiêu đề.",
                          columns=", ".join(repeated))


def _clean(cell: str) -> str:
    cell = unicodedata.normalize("NFC", " ".join(cell.split()))
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _parse_row(header: list[str], cells: list[str], problems: list) -> dict:
    """Read one row's cells into Procedure values, appending (column, message) for each bad cell."""
    if any(cell for name, cell in zip(header, cells, strict=False) if not name) or any(cells[len(header):]):
        problems.append(("", STRAY_CELL))
    values = {}
    for column, cell in zip(header, (cells + [""] * len(header))[: len(header)], strict=True):
        if not column:
            continue
        value, message = _parse_cell(column, cell)
        if message:
            problems.append((column, message))
        values[COLUMNS[column]] = value
    return values


def _parse_cell(column: str, cell: str) -> tuple[object, str | None]:
    attribute = COLUMNS[column]
    if bad_character(cell) is not None:
        return cell, BAD_TEXT
    if column in LIMITS:
        if column in REQUIRED and not cell:
            return cell, MISSING[column]
        if column == "ma_thu_tuc" and NUMBER_LIKE_CODE.fullmatch(cell):
            return cell, CODE_AS_NUMBER
        return cell, TOO_LONG if len(cell) > LIMITS[column] else None
    if column in NUMBERS:
        if not cell:
            return 0, None
        if not WHOLE.fullmatch(cell) or len(cell) > 24:
            return None, NOT_WHOLE
        number = int(re.sub(r"\D", "", cell))
        highest, too_big = NUMBERS[column]
        return (number, None) if number <= highest else (None, too_big)
    if column != "giay_to":
        answer = FLAG_WORDS.get(_plain(cell), DEFAULTS[attribute] if not cell else None)
        return answer, NOT_FLAG if answer is None else None
    return _parse_documents(cell)


def _parse_documents(cell: str) -> tuple[list, str | None]:
    documents = []
    for item in filter(None, (part.strip() for part in cell.split("|"))):
        match = DOCUMENT.fullmatch(item)
        if match is None:
            return documents, BAD_DOCUMENT
        kind = KIND_WORDS.get(_plain(match["kind"].strip()))
        if kind is None:
            return documents, BAD_KIND
        count = match["count"] or "1"
        if not (count.isascii() and count.isdigit()) or not 1 <= int(count[:4]) <= 999:
            return documents, BAD_COUNT
        documents.append({"name": match["name"], "kind": kind, "count": int(count)})
    return documents, None


def _check_rules(values: dict) -> list[tuple[str, str]]:
    """Rules between columns, checked on the row merged with what is already stored."""
    problems = []
    deadline = values["deadline_days"] or values["deadline_hours"]
    if values["same_day"] and deadline:
        problems.append(("trong_ngay", SAME_DAY_WITH_DEADLINE))
    elif not values["same_day"] and not deadline:
        problems.append(("thoi_han_ngay", NO_DEADLINE))
    if values["in_person_only"] and values["postal_allowed"]:
        problems.append(("cho_phep_buu_chinh", IN_PERSON_BY_POST))
    return problems


def _save(site, actor, values: dict, current: Procedure | None, source: str) -> list[str]:
    """Create or update one procedure and record its event; return the changed attributes.

    `source` says where the change came from: "admin" (the form) or "import" (a CSV file).
    """
    if current is None:
        current = Procedure(site_id=site.id, **values)
        db.session.add(current)
        record("procedure.created", current, actor=actor, context={"source": source})
        return list(values)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    if changed:
        record("procedure.updated", current, actor=actor, context={"source": source})
    return changed


def save_procedure(site, actor, form: Mapping[str, str]) -> Procedure:
    """Create or edit one procedure from the admin form, under the same rules as a CSV row.

    The form's fields are named like the CSV columns; an unticked checkbox is "không".
    """
    header = list(COLUMNS)
    cells = [form.get(column, "") for column in header]
    for column in ("trong_ngay", "ap_dung_15h", "chi_nop_truc_tiep", "cho_phep_buu_chinh", "dang_ap_dung"):
        cells[header.index(column)] = YES if form.get(column) else NO
    existing = {p.code: p for p in db.session.scalars(select(Procedure).where(Procedure.site_id == site.id))}
    [(values, current)] = _check_rows(header, [(1, cells)], existing)
    _save(site, actor, values, current, "admin")
    return db.session.scalars(select(Procedure).where(Procedure.site_id == site.id,
                                                      Procedure.code == values["code"])).one()


def document_cell(documents: list) -> str:
    """The papers as the admin form and the CSV write them: "Tờ khai (bản chính) x1 | …"."""
    return _cell(documents)
