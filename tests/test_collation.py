"""Vietnamese alphabetical order: in Python, and in ORDER BY on SQLite (and PostgreSQL at central)."""

import pytest
from sqlalchemy import select

from domain.collation import vi, vi_compare, vi_key, vi_sorted
from models import Procedure
from motcua.extensions import db

ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")  # the 29 letters, in order


def test_the_alphabet_in_its_own_order_letters_not_accents():
    shuffled = list(reversed(ALPHABET))
    assert vi_sorted(shuffled) == ALPHABET
    assert vi_sorted([letter.upper() for letter in shuffled]) == [letter.upper() for letter in ALPHABET]


def test_a_letter_with_a_hat_comes_after_every_word_of_the_plain_letter():
    # "ăn" is under Ă, after every "a…" word, "az" included (a byte or accent-blind order mixes them)
    assert vi_sorted(["ăn", "ân", "az", "an", "bé"]) == ["an", "az", "ăn", "ân", "bé"]
    assert vi_sorted(["ưa", "uz", "ơn", "oz", "ôm"]) == ["oz", "ôm", "ơn", "uz", "ưa"]


def test_dang_ky_after_dan_and_before_ghi_not_after_x():
    names = ["Xác nhận tình trạng hôn nhân", "Đăng ký khai sinh", "Ghi chú ly hôn", "Dân tộc",
             "Chứng thực bản sao", "Đăng ký kết hôn"]
    assert vi_sorted(names) == ["Chứng thực bản sao", "Dân tộc", "Đăng ký kết hôn", "Đăng ký khai sinh",
                                "Ghi chú ly hôn", "Xác nhận tình trạng hôn nhân"]


def test_tones_count_only_between_words_that_are_otherwise_the_same():
    assert vi_compare("da", "dà") < 0 and vi_compare("dà", "dá") < 0
    assert vi_sorted(["dân", "dá", "da", "dà"]) == ["da", "dà", "dá", "dân"]
    assert vi_sorted(["Mạnh", "Mai", "Mái"]) == ["Mai", "Mái", "Mạnh"]  # the tone never beats the letters


def test_nfd_input_sorts_as_its_nfc_form():
    import unicodedata

    assert vi_key(unicodedata.normalize("NFD", "Đăng ký")) == vi_key("Đăng ký")


def test_a_key_of_several_texts_and_empty_values():
    rows = [("Hộ tịch", "Đăng ký khai tử"), ("Chứng thực", "Sao y"), ("Hộ tịch", "Cấp bản sao")]
    assert vi_sorted(rows, key=lambda r: r) == [rows[1], rows[2], rows[0]]
    assert vi_sorted([None, "b", ""], key=lambda v: v) == [None, "", "b"]


@pytest.fixture
def procedures(app):
    with app.app_context():
        site_id = db.session.scalar(select(Procedure.site_id).limit(1))
        yield site_id


def test_order_by_collates_in_sqlite(app, procedures):
    with app.app_context():
        names = list(db.session.scalars(select(Procedure.name).order_by(vi(Procedure.name))))
        assert names == vi_sorted(names)
        assert any(name.startswith("Đ") for name in names)
        # the statement cache keeps the column: two different columns are two statements
        fields = list(db.session.scalars(select(Procedure.field).order_by(vi(Procedure.field))))
        assert fields == vi_sorted(fields)


def test_order_by_collates_in_postgresql_as_in_python():
    """Central sorts in PostgreSQL with its ICU collation "vi-x-icu": the same order as vi_sorted."""
    import psycopg
    from sqlalchemy import column, create_engine, values
    from sqlalchemy.types import String

    from tests.support.central_app import SERVER

    names = ["Xác nhận", "Đăng ký", "Dân", "ăn", "az", "Ghi", "dá", "da", "dà", "ưa", "uz"]
    rows = values(column("name", String), name="t").data([(name,) for name in names])
    engine = create_engine(f"postgresql+psycopg://{SERVER}/postgres")
    try:
        with engine.connect() as connection:
            found = list(connection.scalars(select(rows.c.name).order_by(vi(rows.c.name))))
    except Exception as exc:  # noqa: BLE001 - no server: the SQLite test still runs
        if isinstance(getattr(exc, "orig", None), psycopg.OperationalError):
            pytest.skip(f"no PostgreSQL at {SERVER}")
        raise
    finally:
        engine.dispose()
    assert found == vi_sorted(names)
