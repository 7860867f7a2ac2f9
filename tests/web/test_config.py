"""Settings as an operator meets them: defaults, the environment, what serving needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.web.config import ConfigError, check_required, check_safe, from_environment
from tests.support.paths import ROOT


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


def test_calls_have_default_voices_and_office_hours_are_checked_when_read(tmp_path):
    defaults = from_environment(tmp_path, {})
    assert (defaults["VOICE_EN"], defaults["VOICE_ES"]) == (
        "Polly.Joanna-Neural",
        "Polly.Lupe-Neural",
    )
    assert defaults["OFFICE_HOURS"] is None
    always = from_environment(tmp_path, {"OFFICE_HOURS": "Mon-Sun 00:00-24:00"})
    assert always["OFFICE_HOURS"] == "Mon-Sun 00:00-24:00"
    with pytest.raises(ConfigError, match="OFFICE_HOURS"):
        from_environment(tmp_path, {"OFFICE_HOURS": "weekdays 9 to 5"})


def test_serving_needs_the_secret_key_and_the_twilio_token():
    with pytest.raises(ConfigError, match="SECRET_KEY and TWILIO_AUTH_TOKEN"):
        check_required({"SECRET_KEY": None, "TWILIO_AUTH_TOKEN": None})
    keys = {"PHONE_HASH_KEY": "p", "AUDIT_KEY": "a"}
    check_required({"SECRET_KEY": "s", "TWILIO_AUTH_TOKEN": "t", **keys})
    check_required({"SECRET_KEY": "s", "TWILIO_SKIP_VALIDATION": True, **keys})


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


def test_openid_connect_over_plain_http_is_refused_outside_the_tests(tmp_path):
    settings = from_environment(tmp_path, env={})
    with pytest.raises(ConfigError, match="AUTHLIB_INSECURE_TRANSPORT"):
        check_safe(settings, testing=False, env={"AUTHLIB_INSECURE_TRANSPORT": "1"})
    check_safe(settings, testing=True, env={"AUTHLIB_INSECURE_TRANSPORT": "1"})
    check_safe(settings, testing=False, env={})


def test_half_an_identity_provider_or_no_way_in_at_all_is_refused(tmp_path):
    half = from_environment(tmp_path, env={"OIDC_ISSUER": "https://login.example"})
    with pytest.raises(ConfigError, match="all of OIDC_ISSUER, OIDC_CLIENT_ID"):
        check_safe(half, testing=False, env={})
    nobody = from_environment(tmp_path, env={"PASSWORD_LOGIN": "0"})
    with pytest.raises(ConfigError, match="PASSWORD_LOGIN=0"):
        check_safe(nobody, testing=False, env={})
    provider = {
        "PASSWORD_LOGIN": "0",
        "OIDC_ISSUER": "https://login.example/",
        "OIDC_CLIENT_ID": "id",
        "OIDC_CLIENT_SECRET": "secret",
    }
    settings = from_environment(tmp_path, env=provider)
    check_safe(settings, testing=False, env={})
    assert settings["OIDC_ISSUER"] == "https://login.example"


def test_a_server_database_pool_is_sized_for_one_worker(tmp_path):
    """Two connections kept per worker unless ``DATABASE_POOL_SIZE`` says otherwise, a few
    more for a moment; SQLite files get no pool settings."""
    from bot.web.config import engine_options

    assert from_environment(tmp_path, env={})["DATABASE_POOL_SIZE"] == 2
    size = from_environment(tmp_path, env={"DATABASE_POOL_SIZE": "4"})["DATABASE_POOL_SIZE"]
    assert engine_options("postgresql+psycopg://db/x", size) == {"pool_size": 4, "max_overflow": 3}
    assert engine_options("sqlite:///x.db", size) == {}
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        from_environment(tmp_path, env={"DATABASE_POOL_SIZE": "0"})
