"""Request boundary helpers: NFC text, fragment-or-page, human activity."""

import unicodedata
from functools import cached_property

from flask import Request, Response, current_app, render_template, request
from werkzeug.datastructures import ImmutableMultiDict

from .transactions import writer_held


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


class NfcRequest(Request):
    """Every form and query value arrives NFC-normalised (Unikey may type NFD)."""

    @cached_property
    def form(self):
        return _normalised(super().form)

    @cached_property
    def args(self):
        return _normalised(super().args)


def _normalised(values):
    return ImmutableMultiDict([(nfc(k), nfc(v)) for k, v in values.items(multi=True)])


def wants_fragment() -> bool:
    """True for an htmx swap; not for boosted links or history restores (they need pages)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str, **context):
    """Render the fragment for htmx swaps and the full page otherwise (one URL serves both).

    In a write request the page is rendered after the commit, when the server sends it, so the
    writer queue is never held while a template renders (motcua.transactions).
    """
    template = fragment if wants_fragment() else page
    if writer_held():
        response = LaterPage(template, context)
    else:
        response = current_app.make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


class LaterPage(Response):
    """A page rendered once the request's transaction has committed (see transactions._run)."""

    def __init__(self, template: str, context: dict):
        super().__init__(mimetype="text/html")
        self.template, self.context = template, context

    def finish(self) -> None:
        self.set_data(render_template(self.template, **self.context))


def passive(view):
    """Mark a polling view: it must not count as staff activity for the idle timeout."""
    view.passive = True
    return view
