"""Settings, commands and migrations as an operator meets them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from bot.storage.db import db
from bot.web.config import ConfigError, check_required, from_environment
from tests.conftest import TEST_DATABASE_URL, make_app

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_use_sqlite_under_instance_and_keep_rate_limits_on(tmp_path):
    settings = from_environment(tmp_path, env={})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'record_check.db'}"
    assert settings["RETENTION_DAYS"] == 365
    assert settings["RATELIMIT_ENABLED"] is True
    assert settings["TWILIO_SKIP_VALIDATION"] is False


def test_environment_overrides_defaults(tmp_path):
    env = {
        "DATABASE_URL": "postgres://u@db/x",
        "RETENTION_DAYS": "30",
        "RATELIMIT_ENABLED": "0",
        "TRUST_PROXY": "1",
        "EMBED_ORIGINS": "https://saccounty.gov, https://www.saccounty.gov",
    }
    settings = from_environment(tmp_path, env=env)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"
    assert settings["RETENTION_DAYS"] == 30
    assert settings["RATELIMIT_ENABLED"] is False
    assert settings["TRUST_PROXY"] == 1
    assert settings["EMBED_ORIGINS"] == ["https://saccounty.gov", "https://www.saccounty.gov"]


def test_a_number_setting_that_is_not_a_number_is_explained(tmp_path):
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        from_environment(tmp_path, env={"RETENTION_DAYS": "a year"})


def test_serving_needs_the_secret_key_and_the_twilio_token():
    with pytest.raises(ConfigError, match="SECRET_KEY and TWILIO_AUTH_TOKEN"):
        check_required({"SECRET_KEY": None, "TWILIO_AUTH_TOKEN": None})
    check_required({"SECRET_KEY": "s", "TWILIO_AUTH_TOKEN": "t"})
    check_required({"SECRET_KEY": "s", "TWILIO_SKIP_VALIDATION": True})


def _clean_env(**extra: str) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    return {**env, **extra}


def test_gunicorn_refuses_to_start_without_required_settings(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--bind", "127.0.0.1:0", "app:app"],
        cwd=ROOT,
        env=_clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY and TWILIO_AUTH_TOKEN" in result.stderr


def test_db_upgrade_needs_no_secrets(tmp_path):
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=_clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh.db").exists()


def test_chat_command_runs_the_sms_conversation_in_the_terminal():
    app = make_app("sqlite://")
    result = app.test_cli_runner().invoke(args=["chat"], input="hi\nyes\nweed possession\n")
    assert result.exit_code == 0
    assert "Was your weed case in Sacramento County?" in result.output
    assert "What was the weed conviction for?" in result.output
    assert "What year were you convicted?" in result.output


@pytest.fixture
def empty_database(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    import uuid

    from sqlalchemy import create_engine, text

    from tests.conftest import postgres_schema_url

    schema = f"rc_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_schema_url(TEST_DATABASE_URL, schema)
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_migrations_upgrade_from_empty_downgrade_and_upgrade_again(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        assert {"conversation", "inquiry", "message"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"conversation", "inquiry", "message"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_the_models_and_the_migrations_agree(empty_database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []


def test_a_database_holding_conversations_migrates_up_down_and_up(empty_database):
    """A deployment upgrades a database full of texts and replies, not an empty one."""
    from sqlalchemy import text

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0005")  # the head that first landed
        rows = [
            "INSERT INTO conversation (id, token, channel, phone, phone_hash, language, state,"
            " opted_out, created_at, updated_at) VALUES (1, 't', 'sms', '+19165550123', 'h', 'en',"
            " '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            "INSERT INTO inquiry (id, conversation_id, channel, language, answers, status, notes,"
            " created_at, updated_at) VALUES (1, 1, 'sms', 'en', '{}', 'new', '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            "INSERT INTO message (id, conversation_id, inquiry_id, direction, body, twilio_sid,"
            " created_at) VALUES (1, 1, 1, 'in', 'hi', 'SM1', CURRENT_TIMESTAMP)",
            "INSERT INTO message (id, conversation_id, inquiry_id, direction, body, reply_to_id,"
            " created_at) VALUES (2, 1, 1, 'out', 'Welcome', 1, CURRENT_TIMESTAMP)",
        ]
        with db.engine.begin() as connection:
            for row in rows:
                connection.execute(text(row))
        upgrade()
        downgrade(revision="0005")
        upgrade()
        with db.engine.connect() as connection:
            replies = connection.execute(
                text(
                    "SELECT reply.body FROM message AS inbound JOIN message AS reply"
                    " ON reply.reply_to_id = inbound.id WHERE inbound.twilio_sid = 'SM1'"
                )
            ).all()
        db.engine.dispose()
    assert replies == [("Welcome",)]
