"""The procedure catalogue as CSV: export, edit in a spreadsheet, import back all-or-nothing."""

import codecs
import csv
import io
import unicodedata

import pytest
from sqlalchemy import func, select

from domain import DomainError
from domain import catalogue as cat
from domain.catalogue import CatalogueError, ImportReport, export_csv, import_csv
from domain.collation import vi_sorted
from domain.site import current_site
from models import Event, Procedure, StaffUser
from motcua.demo_procedures import PROCEDURES
from motcua.extensions import db
from motcua.transactions import write_transaction

HEADER = ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "co_quan", "thoi_han_ngay", "thoi_han_gio", "trong_ngay",
          "ap_dung_15h", "le_phi", "ghi_chu_le_phi", "giay_to", "chi_nop_truc_tiep", "cho_phep_buu_chinh",
          "dang_ap_dung"]
NEW = {"ma_thu_tuc": "DP.BT.01", "ten_thu_tuc": "Xác nhận hộ nghèo, hộ cận nghèo",
       "linh_vuc": "Bảo trợ xã hội", "co_quan": "UBND cấp xã", "thoi_han_ngay": "5", "thoi_han_gio": "0",
       "trong_ngay": "không",
       "ap_dung_15h": "có", "le_phi": "0", "ghi_chu_le_phi": "Không thu phí; lệ phí bằng 0",
       "giay_to": "Đơn đề nghị (bản chính) x1 | Sổ hộ khẩu (bản sao) x2 | Căn cước (CCCD) (xuất trình)",
       "chi_nop_truc_tiep": "không", "cho_phep_buu_chinh": "có", "dang_ap_dung": "có"}


def export(app, **options) -> bytes:
    with app.app_context():
        return export_csv(current_site(), **options)


def run_import(app, data: bytes) -> ImportReport:
    with app.app_context(), write_transaction():
        admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
        return import_csv(current_site(), admin, data)


def read_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def write_rows(rows: list[dict], delimiter=",", fields=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=delimiter, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def procedure(app, code: str) -> Procedure:
    with app.app_context():
        found = db.session.scalars(select(Procedure).where(Procedure.code == code)).one()
        db.session.expunge(found)
        return found


def imported_events(app) -> list[Event]:
    """The procedure events the admin's imports recorded (the demo's were recorded by nobody)."""
    with app.app_context():
        events = list(db.session.scalars(select(Event).where(Event.type.startswith("procedure."),
                                                             Event.actor_id.is_not(None))
                                         .order_by(Event.seq)))
        db.session.expunge_all()
        return events


def test_export_opens_as_csv_with_bom_and_vietnamese_intact(app):
    data = export(app)
    rows = read_rows(data)
    assert data.startswith(codecs.BOM_UTF8)
    assert list(rows[0]) == HEADER
    assert len(rows) == len(PROCEDURES)
    assert {row["ten_thu_tuc"] for row in rows} == {values["name"] for values in PROCEDURES}
    order = [(row["linh_vuc"], row["ma_thu_tuc"]) for row in rows]
    assert order == vi_sorted(order, key=lambda row: row)  # fields in Vietnamese order: Đ after D
    birth = next(row for row in rows if row["ma_thu_tuc"] == "1.001193")
    assert birth["giay_to"] == ("Tờ khai đăng ký khai sinh (bản chính) x1 | Giấy chứng sinh (bản chính) x1"
                                " | Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu) (xuất trình) x1")
    assert (birth["trong_ngay"], birth["thoi_han_ngay"], birth["cho_phep_buu_chinh"]) == ("có", "0", "có")


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_round_trip_changes_nothing(app, delimiter):
    data = export(app, delimiter=delimiter)
    report = run_import(app, data)
    assert report == ImportReport(created=0, updated=0, unchanged=len(PROCEDURES), not_in_file=0)
    assert imported_events(app) == []
    assert export(app, delimiter=delimiter) == data


def test_edited_fee_and_new_procedure_update_one_and_create_one(app):
    rows = read_rows(export(app))
    stay = next(row for row in rows if row["ma_thu_tuc"] == "1.004194")
    stay["le_phi"] = "20.000"  # as Excel in the vi-VN locale writes a formatted number
    report = run_import(app, write_rows([*rows, NEW]))

    assert report == ImportReport(created=1, updated=1, unchanged=len(PROCEDURES) - 1, not_in_file=0)
    assert procedure(app, "1.004194").fee == 20000
    added = procedure(app, "DP.BT.01")
    assert (added.name, added.field, added.deadline_days, added.same_day, added.postal_allowed) == (
        "Xác nhận hộ nghèo, hộ cận nghèo", "Bảo trợ xã hội", 5, False, True)
    assert added.fee_note == "Không thu phí; lệ phí bằng 0"
    assert added.documents == [{"name": "Đơn đề nghị", "kind": "original", "count": 1},
                               {"name": "Sổ hộ khẩu", "kind": "copy", "count": 2},
                               {"name": "Căn cước (CCCD)", "kind": "shown", "count": 1}]
    updated, created = imported_events(app)
    assert (updated.type, updated.payload["context"]) == ("procedure.updated", {"source": "import"})
    assert updated.payload["procedure"]["fee"] == 20000 and updated.tx_id == created.tx_id
    assert (created.type, created.aggregate_id, created.payload["procedure"]["code"]) == (
        "procedure.created", added.id, "DP.BT.01")


def test_semicolon_file_in_nfd_imports_as_nfc(app):
    text = ("ma_thu_tuc;ten_thu_tuc;linh_vuc;thoi_han_ngay;ghi_chu_le_phi;giay_to\r\n"
            "DP.NN.01;Hỗ trợ thiệt hại do thiên tai;Nông nghiệp – môi trường;10;"
            "Miễn phí, không thu lệ phí;Tờ khai hỗ trợ (bản chính) x1\r\n")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert run_import(app, decomposed.encode()).created == 1
    added = procedure(app, "DP.NN.01")
    assert added.name == "Hỗ trợ thiệt hại do thiên tai"
    assert added.field == "Nông nghiệp – môi trường"
    assert added.fee_note == "Miễn phí, không thu lệ phí"
    assert added.documents == [{"name": "Tờ khai hỗ trợ", "kind": "original", "count": 1}]


def test_absent_columns_leave_existing_values_alone(app):
    data = write_rows([{"ma_thu_tuc": "1.004194", "ten_thu_tuc": "Đăng ký tạm trú", "linh_vuc": "Cư trú",
                        "le_phi": "25000"}], fields=["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "le_phi"])
    before = procedure(app, "1.004194")
    assert run_import(app, data) == ImportReport(created=0, updated=1, unchanged=0,
                                                 not_in_file=len(PROCEDURES) - 1)
    after = procedure(app, "1.004194")
    assert after.fee == 25000
    assert (after.documents, after.deadline_days, after.agency) == (
        before.documents, before.deadline_days, before.agency)


def test_every_row_error_is_listed_and_nothing_is_imported(app):
    rows = read_rows(export(app))
    rows[0]["le_phi"] = "99999"  # a valid edit, which must not land either
    rows[1]["ten_thu_tuc"] = ""
    rows[2]["le_phi"] = "-5"
    rows[3]["giay_to"] = "Tờ khai (bản gốc) x1"
    before = export(app)

    with pytest.raises(CatalogueError) as caught:
        run_import(app, write_rows([*rows, NEW]))

    assert caught.value.errors == [
        (3, "ten_thu_tuc", "Thiếu tên thủ tục."),
        (4, "le_phi", "Phải là số nguyên không âm (ví dụ 0, 3 hoặc 15000)."),
        (5, "giay_to", "Loại giấy tờ phải là (bản chính), (bản sao) hoặc (xuất trình)."),
    ]
    assert caught.value.message == "Tệp có {n} lỗi, chưa nhập dòng nào." and caught.value.params == {"n": 3}
    assert export(app) == before
    assert imported_events(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Procedure)) == len(PROCEDURES)


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"thoi_han_ngay": "ba"}, "thoi_han_ngay", cat.NOT_WHOLE),
    ({"trong_ngay": "có"}, "trong_ngay", cat.SAME_DAY_WITH_DEADLINE),
    ({"thoi_han_ngay": ""}, "thoi_han_ngay", cat.NO_DEADLINE),
    ({"dang_ap_dung": "yes"}, "dang_ap_dung", cat.NOT_FLAG),
    ({"giay_to": "Tờ khai x1"}, "giay_to", cat.BAD_DOCUMENT),
    ({"giay_to": "Tờ khai (bản chính) x0"}, "giay_to", cat.BAD_COUNT),
    ({"ma_thu_tuc": "1.00089"}, "ma_thu_tuc", cat.CODE_AS_NUMBER),
    ({"ma_thu_tuc": ""}, "ma_thu_tuc", "Thiếu mã thủ tục."),
    ({"chi_nop_truc_tiep": "có"}, "cho_phep_buu_chinh", cat.IN_PERSON_BY_POST),
    ({"ten_thu_tuc": "Đ" * 301}, "ten_thu_tuc", cat.TOO_LONG),
])
def test_a_wrong_cell_is_named_by_row_and_column(app, changes, column, message):
    with pytest.raises(CatalogueError) as caught:
        run_import(app, write_rows([{**NEW, **changes}]))
    assert caught.value.errors == [(2, column, message)]


def test_duplicate_code_and_stray_cells_are_row_errors(app):
    data = write_rows([NEW, NEW]) + "DP.X.01,Thủ tục thử,Hộ tịch,,1,,,,,,,,,,thừa\r\n".encode()
    with pytest.raises(CatalogueError) as caught:
        run_import(app, data)
    assert caught.value.errors == [(3, "ma_thu_tuc", cat.DUPLICATE), (4, "", cat.STRAY_CELL)]


def file_error(app, data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        run_import(app, data)
    assert not isinstance(caught.value, CatalogueError)
    return caught.value


@pytest.mark.parametrize(("row", "encoding"), [
    ("DP.01,Đăng ky\u0301 khai sinh,Tư pha\u0301p", "cp1258"),  # CP1258 writes tones as combining marks
    ("DP.02,Cà Mau,Ho tich", "latin-1"),
])
def test_a_file_not_in_utf8_asks_for_csv_utf8(app, row, encoding):
    data = f"{','.join(HEADER)}\r\n{row}\r\n".encode(encoding)
    assert "“CSV UTF-8”" in file_error(app, data).message


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\r\n  \r\n", b";;;\r\n;;;\r\n"])
def test_an_empty_file_says_so(app, data):
    assert file_error(app, data).message == "Tệp trống: cần một dòng tiêu đề và ít nhất một dòng thủ tục."


def test_header_problems_name_the_columns(app):
    missing = file_error(app, write_rows([NEW], fields=[name for name in HEADER if name != "linh_vuc"]))
    assert missing.message.startswith("Tệp thiếu cột bắt buộc: {columns}.")
    assert missing.params == {"columns": "linh_vuc"}
    no_header = file_error(app, "1.001193,Đăng ký khai sinh,Hộ tịch\r\n".encode())
    assert no_header.params == {"columns": "ma_thu_tuc, ten_thu_tuc, linh_vuc"}
    unknown = file_error(app, write_rows([{**NEW, "le_phi_moi": "1"}], fields=[*HEADER, "le_phi_moi"]))
    assert unknown.params == {"columns": "le_phi_moi"}
    only_header = file_error(app, write_rows([]))
    assert only_header.message == "Tệp chỉ có dòng tiêu đề, chưa có thủ tục nào."


def test_flags_and_kinds_typed_without_diacritics_are_understood(app):
    row = {**NEW, "trong_ngay": "Khong", "dang_ap_dung": "CO", "le_phi": "15 000",
           "giay_to": "Don de nghi (ban sao) X3 |  | Giay to tuy than (xuat trinh)"}
    run_import(app, write_rows([row], delimiter=";"))
    added = procedure(app, "DP.BT.01")
    assert (added.same_day, added.active, added.fee) == (False, True, 15000)
    assert added.documents == [{"name": "Don de nghi", "kind": "copy", "count": 3},
                               {"name": "Giay to tuy than", "kind": "shown", "count": 1}]
