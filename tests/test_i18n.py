"""Every Vietnamese string a person can see has an English translation."""

import ast
import re
from pathlib import Path

from motcua.messages_en import EN

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_CALLS = {"gettext", "gettext_noop", "DomainError", "NotFound", "PrinterError", "error_response",
                 "CardParseError", "CatalogueError"}


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
