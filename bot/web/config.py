"""Configuration in one place: defaults first, then the environment (docs/contract.md).

Secrets come only from the environment. Settings that serving cannot do without are checked by
``check_required`` when the app starts serving, not when a command such as ``db upgrade`` runs.
``check_safe`` refuses, whatever the app is started for, what only a developer's machine may do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.core.eligibility.rules import Hours


class ConfigError(RuntimeError):
    """A setting needed to serve is missing; the message says which and how to set it."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from error


def _hours(env: Mapping[str, str]) -> str | None:
    """``OFFICE_HOURS`` as given, once it is known to read like ``Mon-Fri 08:00-17:00``."""
    raw = env.get("OFFICE_HOURS", "").strip()
    if not raw:
        return None
    try:
        Hours.parse(raw)
    except ValueError as error:
        raise ConfigError(f"OFFICE_HOURS: {error}.") from error
    return raw


def _database_url(env: Mapping[str, str], instance_path: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'record_check.db'}"
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: Path, env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every setting the app reads, with its default."""
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        # Keys the hash of a phone number (threads, opt-outs): apart from SECRET_KEY, so that
        # rotating that one keeps every opt-out. See README, "Rotating secrets".
        "PHONE_HASH_KEY": env.get("PHONE_HASH_KEY") or None,
        "RECORD_CHECK_ENV": env.get("RECORD_CHECK_ENV", "").strip().lower() or "production",
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance_path),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_SKIP_VALIDATION": _flag(env.get("TWILIO_SKIP_VALIDATION"), False),
        "TRUST_PROXY": _int(env, "TRUST_PROXY", 0),
        "RETENTION_DAYS": _int(env, "RETENTION_DAYS", 365),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "EMBED_ORIGINS": [o.strip() for o in env.get("EMBED_ORIGINS", "").split(",") if o.strip()],
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
        # Phone calls: the <Say> voices, and opening hours that override both offices'.
        "VOICE_EN": env.get("VOICE_EN", "").strip() or "Polly.Joanna-Neural",
        "VOICE_ES": env.get("VOICE_ES", "").strip() or "Polly.Lupe-Neural",
        "OFFICE_HOURS": _hours(env),
        "SENTRY_DSN": env.get("SENTRY_DSN") or None,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "JSON_SORT_KEYS": False,
    }


def engine_options(database_url: str) -> dict[str, Any]:
    """Check pooled connections before use on a server database; SQLite files need no ping."""
    return {} if database_url.startswith("sqlite") else {"pool_pre_ping": True}


def check_required(config: Mapping[str, Any]) -> None:
    """Refuse to serve without the secrets a public deployment needs."""
    missing = [name for name in ("SECRET_KEY",) if not config.get(name)]
    if not config.get("TWILIO_AUTH_TOKEN") and not config.get("TWILIO_SKIP_VALIDATION"):
        missing.append("TWILIO_AUTH_TOKEN")
    if not config.get("PHONE_HASH_KEY"):
        missing.append("PHONE_HASH_KEY")
    if missing:
        raise ConfigError(
            "Record Check cannot start serving: set "
            + " and ".join(missing)
            + " in the environment (see README, 'Configuration'). "
            "For local use, run 'make run', which creates a development secret."
        )


def check_safe(config: Mapping[str, Any], testing: bool) -> None:
    """Refuse to start with unsigned Twilio requests accepted, except on a developer's machine
    (``RECORD_CHECK_ENV=development``, which ``make run`` sets) or in the tests."""
    if not config.get("TWILIO_SKIP_VALIDATION") or testing:
        return
    if config.get("RECORD_CHECK_ENV") != "development":
        raise ConfigError(
            "Record Check refuses to start: TWILIO_SKIP_VALIDATION is on, so /sms would accept "
            "texts that Twilio did not sign, from anyone. Unset it (and set TWILIO_AUTH_TOKEN), "
            "or, on a developer's machine only, set RECORD_CHECK_ENV=development as 'make run' "
            "does."
        )
