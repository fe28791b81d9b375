"""motcua: the reception point's server (kiosk, counter, display), built by create_app."""

import logging
import os
import secrets
from pathlib import Path

from flask import Flask, redirect, render_template, request, session, url_for

from .config import Defaults
from .extensions import csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, FLASK_* variables, then `config`."""
    config = config or {}
    instance = config.get("INSTANCE_PATH") or os.environ.get("MOTCUA_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance or ROOT / "instance").resolve()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    _ensure_secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"] or (
        f"sqlite:///{Path(app.instance_path) / 'motcua.sqlite3'}"
    )
    from .web import NfcRequest

    app.request_class = NfcRequest
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    _init_extensions(app)
    _register_blueprints(app)
    from . import cli, errors, events_cli, security, templating

    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    events_cli.init_app(app)
    _wrap_views_in_transactions(app)
    if app.config["START_WORKERS"] and app.config["ROLE"] == "site":  # printers and counters are at sites
        _start_workers(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from .transactions import begin_request, configure_postgresql, configure_sqlite, teardown_request

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        dialect = db.engine.dialect.name
        if app.config["ROLE"] not in ("site", "central"):
            raise RuntimeError(f"ROLE must be 'site' or 'central', not {app.config['ROLE']!r}")
        if app.config["ROLE"] == "central" and dialect != "postgresql":
            raise RuntimeError("ROLE=central runs on PostgreSQL: set SQLALCHEMY_DATABASE_URI")
        if app.config["ROLE"] == "central" and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
            raise RuntimeError("ROLE=central counts rate limits for all its workers: set "
                               "RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379/0)")
        app.config["SERIAL_WRITES"] = dialect == "sqlite"
        if dialect == "sqlite":
            configure_sqlite(db.engine, str(Path(db.engine.url.database).with_suffix(".writer.lock")),
                             app.config)
        elif dialect == "postgresql":
            configure_postgresql(db.engine)

    @app.before_request
    def _transaction_kind():
        begin_request(request.method, app.view_functions.get(request.endpoint))

    app.teardown_request(teardown_request)


def _register_blueprints(app: Flask) -> None:
    from counter import (
        admin,
        auth,
        dossiers,
        forms,
        hours,
        printers,
        reports,
        search,
        staff_admin,
        supervisor,
    )
    from counter import feedback as counter_feedback
    from counter import scan as counter_scan
    from counter import views as counter_views
    from kiosk import display, rating, tracking
    from kiosk import feedback as kiosk_feedback
    from kiosk import scan as kiosk_scan
    from kiosk import views as kiosk_views
    from sync import api as sync_api

    for blueprint in (kiosk_views.bp, display.bp, tracking.bp, auth.bp, counter_views.bp,
                      dossiers.bp, forms.bp, printers.bp, admin.bp, counter_scan.bp, kiosk_scan.bp,
                      sync_api.bp, supervisor.bp, reports.bp, counter_feedback.bp, rating.bp,
                      kiosk_feedback.bp, search.bp, staff_admin.bp, hours.bp):
        app.register_blueprint(blueprint)
    if app.config["ROLE"] == "central":  # the province's screens
        from central import views as central_views

        app.register_blueprint(central_views.bp)

    @app.get("/")
    def index():
        return render_template("index.html")

    @app.get("/lang/<code>")
    def set_language(code: str):
        from .security import safe_next

        if code in ("vi", "en"):
            session["lang"] = code
        return redirect(safe_next(request.args.get("next"), url_for("index")))


def _wrap_views_in_transactions(app: Flask) -> None:
    """One commit per request, in one place (see motcua.db.transactional)."""
    from .transactions import transactional

    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = transactional(view)


def _start_workers(app: Flask) -> None:
    from sqlalchemy import text

    from .worker import SiteWorker
    from .worker_process import SiteWorkerProcess

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            result = db.session.execute(text("PRAGMA quick_check")).scalar()
            db.session.rollback()
            if result != "ok":
                app.logger.error("SQLite quick_check failed: %s", result)
    # its own process by default: rendering and printing then never compete with the requests
    worker = SiteWorkerProcess(app) if app.config["WORKER_PROCESS"] else SiteWorker(app)
    app.extensions["site_worker"] = worker
    worker.start()
