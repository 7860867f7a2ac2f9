"""TWILIO_SKIP_VALIDATION (unsigned /sms requests) only on a developer's machine or in tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.web.config import ConfigError
from tests.support.apps import make_app
from tests.support.paths import ROOT


def test_the_app_refuses_to_start_with_skip_validation_outside_development(
    database_url, monkeypatch
):
    monkeypatch.delenv("RECORD_CHECK_ENV", raising=False)
    with pytest.raises(ConfigError, match="TWILIO_SKIP_VALIDATION"):
        make_app(database_url, TESTING=False, TWILIO_SKIP_VALIDATION=True)
    monkeypatch.setenv("RECORD_CHECK_ENV", "production")
    with pytest.raises(ConfigError, match="RECORD_CHECK_ENV=development"):
        make_app(database_url, TESTING=False, TWILIO_SKIP_VALIDATION=True)


def test_skip_validation_is_allowed_in_development_and_in_tests(database_url, monkeypatch):
    monkeypatch.setenv("RECORD_CHECK_ENV", "development")
    make_app(database_url, TESTING=False, TWILIO_SKIP_VALIDATION=True)
    monkeypatch.delenv("RECORD_CHECK_ENV")
    make_app(database_url, TESTING=True, TWILIO_SKIP_VALIDATION=True)


def test_gunicorn_refuses_to_serve_unsigned_texts_in_production(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "SECRET_KEY": "s",
        "PHONE_HASH_KEY": "p",
        "AUDIT_KEY": "a",
        "TWILIO_SKIP_VALIDATION": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--bind", "127.0.0.1:0", "app:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TWILIO_SKIP_VALIDATION" in result.stderr


def test_make_run_says_it_is_development():
    planned = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    commands = planned.replace("\\\n", " ").splitlines()
    serve = next(line for line in commands if "gunicorn" in line and "app:app" in line)
    assert "TWILIO_SKIP_VALIDATION=1" in serve
    assert "RECORD_CHECK_ENV=development" in serve
