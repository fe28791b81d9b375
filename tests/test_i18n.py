"""Every Vietnamese string a person can see has an English translation."""

import ast
import re
import unicodedata
from pathlib import Path

from motcua.messages_en import EN

ROOT = Path(__file__).resolve().parent.parent
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
SHAPES = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # â ê ô, ă, ơ ư


def vietnamese_letters() -> str:
    """Every precomposed letter Vietnamese writes beyond plain Latin: a vowel with its shape (ă â ê ô
    ơ ư) and at most one tone (à ạ ặ ữ…), and đ — built from Unicode, not typed."""
    letters = {"đ", "Đ"}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        base, *marks = unicodedata.normalize("NFD", char)
        shapes = [mark for mark in marks if mark in SHAPES]
        tones = [mark for mark in marks if mark in TONES]
        fits = all(base.lower() in SHAPES[mark] for mark in shapes)
        if base.lower() in "aeiouy" and marks and len(shapes) + len(tones) == len(marks) and fits \
                and len(shapes) <= 1 and len(tones) <= 1:
            letters.add(char)
    return "".join(sorted(letters))
# Vietnamese an English text keeps on purpose: what the person must type as it is (a CSV's “có”, a
# gender “Nam”/“Nữ”, a paper's kind “(bản chính)”).
TYPED_WORDS = ("bản chính", "bản sao", "xuất trình", "Nam", "Nữ", "có", "không")
MESSAGE_CALLS = {"gettext", "gettext_noop", "DomainError", "NotFound", "PrinterError", "error_response",
                 "CardParseError", "CatalogueError", "ConfigError", "StaffError", "InvalidInput"}


def template_strings():
    for path in (ROOT / "templates").rglob("*.html"):
        for text in re.findall(r"""_\(\s*(["'])(.+?)\1""", path.read_text()):
            yield path.name, text[1]


def python_strings():
    for folder in ("motcua", "domain", "kiosk", "counter", "hardware", "models", "central", "sync"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                first = node.args[0]
                if name in MESSAGE_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield path.name, first.value


def test_every_visible_string_has_english():
    missing = sorted({(where, text) for where, text in [*template_strings(), *python_strings()]
                      if text not in EN})
    assert missing == []


def test_translations_keep_their_placeholders():
    for vietnamese, english in EN.items():
        assert set(re.findall(r"{(\w+)", vietnamese)) == set(re.findall(r"{(\w+)", english)), vietnamese


def test_labels_chosen_at_run_time_have_english():
    from domain.dossiers import CHANNELS
    from domain.lifecycle import STATUS_LABELS
    from domain.receipts import KIND_LABELS
    from domain.tracking import HISTORY_LABELS
    from models import JOB_STATUSES, POINT_KINDS, ROLES

    labels = [*CHANNELS.values(), *STATUS_LABELS.values(), *KIND_LABELS.values(), *HISTORY_LABELS.values(),
              *JOB_STATUSES.values(), *POINT_KINDS.values(), *ROLES.values(),
              "Quá hạn", "Đến hạn hôm nay", "Đến hạn ngày làm việc tiếp theo"]
    assert [label for label in labels if label not in EN] == []


def test_english_texts_have_no_vietnamese_left():
    vietnamese = re.compile(f"[{vietnamese_letters()}]")
    left = {}
    for source, english in EN.items():
        for word in TYPED_WORDS:
            english = english.replace(f"“{word}”", "").replace(f"({word})", "")
        if vietnamese.search(english):
            left[source] = EN[source]
    assert left == {}, "English texts that still have Vietnamese letters (Tết → Tet, QĐ → QD…)"


def test_vietnamese_letters_are_the_67_of_the_alphabet():
    letters = vietnamese_letters()
    assert len(letters) == 2 * 67 and {"ặ", "Ữ", "đ", "ỳ", "Ơ"} <= set(letters)
    assert {"î", "ŏ", "ç"}.isdisjoint(letters)  # French, Latin: not Vietnamese


def test_the_demo_names_its_fields_queues_and_priorities_in_english():
    from motcua.demo import PRIORITIES, QUEUES
    from motcua.demo_procedures import PROCEDURES

    fields = {procedure["field"] for procedure in PROCEDURES} | {f for *_, fields in QUEUES for f in fields}
    assert sorted(field for field in fields if field not in EN) == []
    assert all(name_en for _, _, name_en, _ in QUEUES) and all(name_en for *_, name_en in PRIORITIES)
    assert dict((name, name_en) for _, name, name_en, _ in QUEUES)["Chứng thực"] == "Certification"
