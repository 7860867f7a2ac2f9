"""``GET /healthz``: the database answers and is migrated to the code's revision."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.db import db
from bot.web.errors import json_error
from bot.web.surfaces import Surface

bp = Blueprint("health", __name__)
SURFACE = Surface(blueprint=bp, prefixes=("/healthz",), errors=json_error, csrf=False)
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@cache
def code_revision() -> str | None:
    """The newest migration in the code, read once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@bp.get("/healthz")
def healthz():
    """200 when the database answers at the code's revision, else 503 saying why."""
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return jsonify({"status": "unavailable", "revision": None}), 503
    finally:
        db.session.rollback()  # end the read transaction either way
    if revision != code_revision():
        body = {"status": "migrations_pending", "revision": revision, "expected": code_revision()}
        return jsonify(body), 503
    return jsonify({"status": "ok", "revision": revision})
