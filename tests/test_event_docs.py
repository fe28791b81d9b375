"""docs/events.md lists exactly the event types and row schemas the code writes and accepts."""

from pathlib import Path

from domain.event_docs import BEGIN, END, render_catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "events.md"


def test_the_catalogue_in_the_docs_is_the_one_in_the_code(app):
    with app.app_context():
        generated = render_catalogue()
    text = DOC.read_text(encoding="utf-8")
    written = text[text.index(BEGIN):text.index(END) + len(END)]
    assert written == generated, "run: flask events catalogue --write docs/events.md"
