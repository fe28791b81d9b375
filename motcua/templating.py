"""Template globals: translation, Vietnamese date formats, the site."""

from flask import Flask, request

from domain.clock import fmt_date, fmt_datetime, fmt_time
from domain.procedure_facts import procedure_facts
from domain.receipts import KIND_LABELS
from models import JOB_STATUSES

from .i18n import current_language, device_name, gettext, in_vietnamese, label, lang_vi, named, named_text


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, current_language=current_language, job_labels=JOB_STATUSES,
                                 kind_labels=KIND_LABELS, procedure_facts=procedure_facts)
    app.jinja_env.filters.update(date=fmt_date, time=fmt_time, datetime=fmt_datetime)
    # data people typed, on English pages (motcua.i18n)
    app.jinja_env.filters.update(vi=in_vietnamese, named=named, named_text=named_text, label=label,
                                 device=device_name)
    app.jinja_env.globals.update(lang_vi=lang_vi)

    @app.context_processor
    def _request_values():
        return {"current_path": request.full_path.rstrip("?")}

    @app.after_request
    def _no_store_for_staff(response):
        if request.path.startswith(("/counter", "/admin", "/login")):
            response.headers["Cache-Control"] = "no-store"
        return response
