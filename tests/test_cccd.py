"""Reading the CCCD QR payload a keyboard-wedge scanner types: good scans, bad scans, many scans."""

import random
import unicodedata
from datetime import date, timedelta

import pytest

from domain.cccd import CardParseError, CitizenCard, looks_like_card_payload, mask_id, parse_card

TODAY = date(2025, 11, 1)
CARD_ID = "001090123456"
ADDRESS = "Số 1, Phường X, Quận Y, Hà Nội"
GOOD = f"{CARD_ID}|012345678|Nguyễn Văn A|01011990|Nam|{ADDRESS}|15042021"


def parse(text: str) -> CitizenCard:
    return parse_card(text, today=TODAY)


def test_seven_fields():
    assert parse(GOOD) == CitizenCard(
        id_number=CARD_ID,
        old_id_number="012345678",
        full_name="Nguyễn Văn A",
        date_of_birth=date(1990, 1, 1),
        gender="male",
        gender_label="Nam",
        address=ADDRESS,
        issue_date=date(2021, 4, 15),
        extra=(),
    )


def test_six_fields_have_no_issue_date():
    card = parse(f"{CARD_ID}|012345678|Trần Thị Bình|29022000|Nữ|{ADDRESS}")
    assert card.issue_date is None
    assert (card.date_of_birth, card.gender, card.gender_label) == (date(2000, 2, 29), "female", "Nữ")


def test_empty_old_id_and_empty_trailing_issue_date():
    card = parse(f"{CARD_ID}||Lê Văn Cường|05061985|nam|{ADDRESS}|")
    assert (card.old_id_number, card.issue_date, card.gender_label) == (None, None, "Nam")


def test_twelve_digit_old_id():
    assert parse(GOOD.replace("|012345678|", "|031234567890|")).old_id_number == "031234567890"


def test_extra_fields_are_kept_apart():
    card = parse(GOOD + "|X1|  |Y 2")
    assert card.issue_date == date(2021, 4, 15)
    assert card.extra == ("X1", "", "Y 2")


def test_nfd_scan_reads_as_nfc():
    decomposed = unicodedata.normalize("NFD", GOOD)
    assert decomposed != GOOD
    card = parse(decomposed)
    assert card == parse(GOOD)
    assert all(unicodedata.is_normalized("NFC", text) for text in (card.full_name, card.address))
    assert parse(unicodedata.normalize("NFD", GOOD.replace("|Nam|", "|NỮ|"))).gender == "female"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", " \t\r\n", "\n\n"])
def test_scanner_line_endings_and_spaces(ending):
    assert parse("  " + GOOD + ending) == parse(GOOD)


def test_name_spaces_collapse_but_address_stays_raw():
    card = parse(GOOD.replace("Nguyễn Văn A", " Nguyễn   Văn\u00a0 A ").replace(ADDRESS, "Số 1,,  Hà Nội "))
    assert card.full_name == "Nguyễn Văn A"
    assert card.address == "Số 1,,  Hà Nội"


def test_default_today_is_the_business_date():
    assert parse_card(GOOD).date_of_birth == date(1990, 1, 1)


NOT_A_CARD = "Mã QR không phải của thẻ Căn cước công dân."
BAD_ID = "Số định danh cá nhân phải có đúng 12 chữ số."


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("", "payload", NOT_A_CARD),
        ("   \r\n", "payload", NOT_A_CARD),
        ("Nguyễn Văn A", "payload", NOT_A_CARD),
        ("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html", "payload", NOT_A_CARD),
        ("HTTP://X/T/000.00.12.H56-261122-0007?K=AB12", "payload", NOT_A_CARD),
        (CARD_ID, "payload", NOT_A_CARD),
        # A US-layout scanner typing "\" or "¦" for "|": not guessed at, reported as not a card.
        (GOOD.replace("|", "\\"), "payload", NOT_A_CARD),
        (
            f"{CARD_ID}|012345678|Nguyễn Văn A|01011990",
            "field_count",
            "Mã QR chỉ có 4 trường thông tin, thẻ Căn cước công dân có ít nhất 6. Vui lòng quét lại.",
        ),
        (GOOD.replace(CARD_ID, "00109012345"), "id_number", BAD_ID),
        (GOOD.replace(CARD_ID, "0010901234567"), "id_number", BAD_ID),
        (GOOD.replace(CARD_ID, "00109O123456"), "id_number", BAD_ID),
        (GOOD.replace(CARD_ID, "００１０９０１２３４５６"), "id_number", BAD_ID),
        ("|" + GOOD, "id_number", BAD_ID),
        (GOOD.replace("012345678", "12345"), "old_id_number", "Số CMND cũ phải có 9 hoặc 12 chữ số."),
        (GOOD.replace("Nguyễn Văn A", "  "), "full_name", "Mã QR không có họ và tên."),
        (GOOD.replace("01011990", "31022000"), "date_of_birth", "Ngày sinh “31022000” không hợp lệ."),
        (GOOD.replace("01011990", "29022001"), "date_of_birth", "Ngày sinh “29022001” không hợp lệ."),
        (GOOD.replace("01011990", "02112025"), "date_of_birth", "Ngày sinh “02112025” không hợp lệ."),
        (GOOD.replace("01011990", "31121899"), "date_of_birth", "Ngày sinh “31121899” không hợp lệ."),
        (GOOD.replace("01011990", "1990-01-01"), "date_of_birth", "Ngày sinh trên mã QR không hợp lệ."),
        (GOOD.replace("01011990", "Nam"), "date_of_birth", "Ngày sinh trên mã QR không hợp lệ."),
        (GOOD.replace("|Nam|", "|X|"), "gender", "Giới tính phải là “Nam” hoặc “Nữ”."),
        (GOOD.replace("|Nam|", "|Male|"), "gender", "Giới tính phải là “Nam” hoặc “Nữ”."),
        (GOOD.replace("15042021", "32042021"), "issue_date", "Ngày cấp “32042021” không hợp lệ."),
        (GOOD.replace("15042021", "15042026"), "issue_date", "Ngày cấp “15042026” không hợp lệ."),
        (GOOD.replace("15042021", "15041980"), "issue_date", "Ngày cấp “15041980” không hợp lệ."),
        (GOOD.replace("15042021", "2021"), "issue_date", "Ngày cấp trên mã QR không hợp lệ."),
    ],
)
def test_bad_scans_say_what_is_wrong(text, field, message):
    with pytest.raises(CardParseError) as caught:
        parse(text)
    assert caught.value.field == field
    assert str(caught.value) == message
    assert caught.value.message.format(**caught.value.params) == message
    assert CARD_ID not in repr(caught.value) and caught.value.__cause__ is None


def test_id_number_never_reaches_a_message_or_repr():
    # Twelve-digit ID in the date-of-birth slot: a value is echoed only when it has a date's shape.
    with pytest.raises(CardParseError) as caught:
        parse(f"{CARD_ID}||Nguyễn Văn A|{CARD_ID}|Nam|{ADDRESS}")
    assert CARD_ID not in str(caught.value) and CARD_ID not in repr(caught.value.params)
    assert CARD_ID not in repr(parse(GOOD))
    assert mask_id(CARD_ID) == "********3456" and "3456" in repr(parse(GOOD))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD, True),
        (f"{CARD_ID}||Nguyễn Văn A|01011990|Nam|{ADDRESS}\r\n", True),
        ("", False),
        (None, False),
        ("001090123456", False),
        ("Nguyễn Văn A", False),
        ("HTTP://X/T/000.00.12.H56-261122-0007?K=AB12", False),
        (f"{CARD_ID}|012345678|Nguyễn Văn A|01011990", False),
        (GOOD.replace(CARD_ID, "00109012345"), False),
        (GOOD.replace(CARD_ID, "0010901234567"), False),
    ],
)
def test_looks_like_card_payload(text, expected):
    assert looks_like_card_payload(text) is expected


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thuỳ", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hương", "Khánh", "Lộc", "Nguyệt", "Phượng", "Sơn", "Yến", "Đạt"]
PLACES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Thừa Thiên Huế", "Cần Thơ", "Quảng Ngãi", "Bắc Ninh"]


def random_card(rng: random.Random) -> CitizenCard:
    born = date(1900, 1, 1) + timedelta(days=rng.randrange((TODAY - date(1900, 1, 1)).days + 1))
    issued = rng.choice([None, born + timedelta(days=rng.randrange((TODAY - born).days + 1))])
    gender, label = rng.choice([("male", "Nam"), ("female", "Nữ")])
    name = " ".join([rng.choice(SURNAMES), *rng.sample(MIDDLE, rng.randint(0, 2)), rng.choice(GIVEN)])
    return CitizenCard(
        id_number=f"{rng.randrange(10**12):012d}",
        old_id_number=rng.choice([None, f"{rng.randrange(10**9):09d}", f"{rng.randrange(10**12):012d}"]),
        full_name=name,
        date_of_birth=born,
        gender=gender,
        gender_label=label,
        address=f"Thôn {rng.randint(1, 20)}, Xã Hòa {rng.choice(GIVEN)}, Huyện Ý Yên, {rng.choice(PLACES)}",
        issue_date=issued,
        extra=tuple(f"mở rộng {i}" for i in range(rng.choice([0, 0, 0, 1, 3]))),
    )


def payload(card: CitizenCard, rng: random.Random) -> str:
    fields = [
        card.id_number,
        card.old_id_number or "",
        card.full_name,
        card.date_of_birth.strftime("%d%m%Y"),
        rng.choice([card.gender_label, card.gender_label.upper(), card.gender_label.lower()]),
        card.address,
    ]
    if card.issue_date or card.extra:
        fields.append(card.issue_date.strftime("%d%m%Y") if card.issue_date else "")
    text = "|".join([*fields, *card.extra]) + rng.choice(["", "\n", "\r\n"])
    return unicodedata.normalize(rng.choice(["NFC", "NFD"]), text)


def test_generated_scans_round_trip():
    rng = random.Random(20251101)
    for _ in range(400):
        card = random_card(rng)
        text = payload(card, rng)
        assert looks_like_card_payload(text), text
        assert parse(text) == card, text
