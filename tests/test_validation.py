"""The boundary checks themselves: what no real value holds is refused with a message naming the field."""

import ast
from datetime import date
from pathlib import Path

import pytest

from domain import validation as check
from domain.catalogue import neutralised
from domain.scans import KEYBOARD_MESSAGE, card_scan
from models import Dossier
from motcua.messages_en import EN

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "x\u202ey", "\ue000", "\u0301a", "a \u0301",
                                   "\ufeff", "\U000e0001"])
def test_text_no_one_can_type_is_refused(value):
    with pytest.raises(check.InvalidInput) as error:
        check.text(value, "Ghi chú", 100, field="notes")
    assert error.value.field == "notes" and "ký tự không hợp lệ" in error.value.message


def test_text_is_tidied_and_refused_when_longer_than_its_column():
    assert check.text("  Xóm   Hồng Thái  ", "Địa chỉ", 300) == "Xóm Hồng Thái"
    assert check.text("dòng 1\r\n  dòng   2 ", "Ghi chú", 100, multiline=True) == "dòng 1\ndòng 2"
    assert check.text("🙂 Nguyễn", "Ghi chú", 20) == "🙂 Nguyễn"
    limit = check.column_length(Dossier.applicant_name)
    assert limit == 120
    with pytest.raises(check.InvalidInput) as error:
        check.text("x" * 121, "Họ và tên", limit)
    assert error.value.params == {"label": "Họ và tên", "n": 120, "length": 121}


@pytest.mark.parametrize("name", ["Nguyễn Thị Hồng Nhung", "Mary O'Neil", "Jean-Luc Picard", "H'Hen Niê"])
def test_real_names_pass(name):
    assert check.person_name(name, "Họ và tên", 120) == name


@pytest.mark.parametrize("name", ["Nguyễn 2", "@admin", "...", "Lê;DROP", "🙂"])
def test_names_that_cannot_be_real_are_refused(name):
    with pytest.raises(check.InvalidInput):
        check.person_name(name, "Họ và tên", 120)


@pytest.mark.parametrize("value", ["١٢", "²", "１２", "-1", "1e3", "1" + "0" * 23, "9" * 5000, "21", " 3x"])
def test_whole_numbers_are_ascii_and_in_range(value):
    with pytest.raises(check.InvalidInput):
        check.whole(value, "Số bộ hồ sơ", 1, 20)


def test_whole_numbers_read_grouped_money_and_defaults():
    assert check.whole("15.000", "Lệ phí", 0, check.MAX_FEE, grouped=True) == 15000
    assert check.whole("", "Số bộ hồ sơ", 1, 20, default=1) == 1
    assert check.whole("20", "Số bộ hồ sơ", 1, 20) == 20


@pytest.mark.parametrize("value", ["01/01/0001", "31/12/9999", "00/00/0000", "31/02/2026", "-1",
                                   "٠١/٠١/٢٠٢٠"])
def test_dates_out_of_shape_or_range_are_refused(value):
    with pytest.raises(check.InvalidInput):
        check.day(value, "Ngày")


def test_dates_in_range():
    assert check.day("22/08/2026", "Ngày") == date(2026, 8, 22)
    assert check.day("2026-08-22", "Ngày") == date(2026, 8, 22)
    assert check.day("", "Ngày") is None


def test_broken_urls_and_uuids_are_none():
    assert check.split_url("http://[::1/T/X") is None and check.split_url("tcp://h:99999") is None
    assert check.split_url("http://localhost/T/X?K=Y").netloc == "localhost"
    assert check.uuid_or_none("not-a-uuid") is None and check.uuid_or_none(None) is None


@pytest.mark.parametrize(("cell", "written"), [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                                                ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                                ("\tx", "'\tx"), ("\rx", "'\rx"), ("Tờ khai", "Tờ khai")])
def test_csv_cells_are_neutralised(cell, written):
    assert neutralised(cell) == written


@pytest.mark.parametrize("payload", [
    "001090123456|012345678|Nguy?n V?n Minh|05031990|Nam|X?m 2|15042021",
    "001090123456|012345678|Nguyá»…n VÄƒn Minh|05031990|Nam|XÃ³m 2|15042021",
])
def test_the_intake_scan_field_refuses_garbled_cards_like_the_screen_wide_scanner(payload):
    result = card_scan(payload)
    assert result.kind == "garbled" and result.message == KEYBOARD_MESSAGE


def test_the_intake_scan_field_refuses_oversized_payloads():
    assert card_scan("001090123456|" + "x" * 10_000).kind == "garbled"


def test_every_validation_message_and_label_has_english():
    texts = set()
    for path in ("domain/validation.py", "counter/dossiers.py", "counter/admin.py"):
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            name = getattr(node, "func", None) and getattr(node.func, "attr", getattr(node.func, "id", ""))
            position = {"InvalidInput": 0, "text": 1, "person_name": 1, "whole": 1, "day": 1}.get(name)
            if position is not None and len(node.args) > position:  # the message, or the field's label
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    texts.add(argument.value)
    from counter.admin import FIELDS
    from counter.dossiers import INTAKE_TEXT, STEP_TEXT
    texts |= {label for label, *_ in [*FIELDS.values(), *INTAKE_TEXT.values(), *STEP_TEXT.values()]}
    texts.add(check.BAD_TEXT)
    assert sorted(texts - EN.keys()) == []
