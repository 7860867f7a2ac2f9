"""Record Check: the Flask application factory; ``gunicorn app:app`` serves ``app``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import channels, screening_jobs, staff
from bot import commands as cli
from bot.staff.auth import login_manager
from bot.storage import audit
from bot.storage.db import configure_sqlite, db, migrate, ping_when_idle
from bot.web import (
    config,
    error_reports,
    errors,
    health,
    i18n,
    limits,
    logs,
    metrics,
    observe,
    openapi,
    security,
    surfaces,
)
from bot.web.extensions import csrf

ROOT = Path(__file__).resolve().parent
WEB_SURFACES = (health.SURFACE, openapi.SURFACE, metrics.SURFACE)
log = logging.getLogger("bot")


def _is_serving() -> bool:
    """True in a web server process, false for commands such as ``flask db upgrade``."""
    command = click.get_current_context(silent=True)
    if command is not None:
        return command.info_name == "run"
    return any(name in sys.modules for name in ("gunicorn", "uwsgi", "waitress"))


class RecordCheck(Flask):
    """Flask, told that every view and hook is synchronous.

    Flask asks of each view and hook, on every request, whether it is a coroutine (to run it
    on an event loop); none here is, and the webhook runs half a dozen of them per text.
    ``ensure_sync`` is Flask's documented place to change how functions are run.
    """

    def ensure_sync(self, func: Any) -> Any:
        return func


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, every surface (channels, staff pages, health, metrics)
    and the commands."""
    assert screening_jobs.views  # its pages hang on the staff blueprint
    app = RecordCheck(__name__, instance_relative_config=True)
    logs.configure(app)
    observe.init_app(app)  # first in, last out: the whole request is timed
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.check_safe(app.config, testing=app.testing)
    if _is_serving() and not (app.debug or app.testing):
        config.check_required(app.config)
    error_reports.init_app(app)
    if app.config["TWILIO_SKIP_VALIDATION"]:
        log.warning("TWILIO_SKIP_VALIDATION is on: /sms accepts unsigned requests (development)")
    if app.config["TRUST_PROXY"]:
        proxies = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **config.engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"], app.config["DATABASE_POOL_SIZE"]
        ),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    with app.app_context():
        configure_sqlite(db.engine)
        ping_when_idle(db.engine)
        audit.use_key(db.engine, app.config["AUDIT_KEY"])

    csrf.init_app(app)
    limits.init_app(app)
    surfaces.register(app, (*channels.SURFACES, *WEB_SURFACES, staff.SURFACE))
    i18n.init_app(app)
    login_manager.init_app(app)
    staff.provider.init_app(app)
    security.register(app)
    errors.register(app)
    cli.register(app)
    return app


def __getattr__(name: str) -> Flask:
    """``app``, built on first use (``gunicorn app:app``, ``flask --app app``), so that
    importing this module, as the tests do for ``create_app``, builds nothing."""
    if name != "app":
        raise AttributeError(name)
    built = create_app()
    globals()["app"] = built
    return built
