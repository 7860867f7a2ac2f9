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
from bot.core.quiet_hours import QuietHoursError
from bot.core.quiet_hours import parse as parse_quiet_hours


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


def _pool_size(env: Mapping[str, str]) -> int:
    size = _int(env, "DATABASE_POOL_SIZE", 2)
    if size < 1:
        raise ConfigError(f"DATABASE_POOL_SIZE must be at least 1, not {size}.")
    return size


def _rate(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a number of texts a second, not {raw!r}.") from error
    if not 0 < value <= 1000:
        raise ConfigError(f"{name} must be above 0 and at most 1000, not {raw!r}.")
    return value


def _quiet_hours(env: Mapping[str, str]) -> str:
    """``QUIET_HOURS`` as set (empty turns them off), checked now rather than when sending."""
    value = env.get("QUIET_HOURS", "21:00-08:00").strip()
    try:
        parse_quiet_hours(value)
    except QuietHoursError as error:
        raise ConfigError(str(error)) from error
    return value


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


def _staff_identity(env: Mapping[str, str], development: bool) -> dict[str, Any]:
    """Staff sign-in: the county's identity provider, passwords and their second factor."""
    return {
        # Keys the audit trail's HMAC chain; kept outside the database, like the other secrets.
        "AUDIT_KEY": env.get("AUDIT_KEY") or None,
        "AUDIT_RETENTION_DAYS": _int(env, "AUDIT_RETENTION_DAYS", 2555),
        # A second factor for every password account; admins need one whatever this says.
        "REQUIRE_MFA": _flag(env.get("REQUIRE_MFA"), not development),
        "PASSWORD_LOGIN": _flag(env.get("PASSWORD_LOGIN"), True),
        "OIDC_ISSUER": (env.get("OIDC_ISSUER") or "").strip().rstrip("/") or None,
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET") or None,
        "OIDC_TRUST_EMAIL": _flag(env.get("OIDC_TRUST_EMAIL"), False),
        "OIDC_AUTO_PROVISION": _flag(env.get("OIDC_AUTO_PROVISION"), False),
        "OIDC_GROUPS_CLAIM": (env.get("OIDC_GROUPS_CLAIM") or "").strip() or "groups",
        "OIDC_GROUP_PUBLIC_DEFENDER": env.get("OIDC_GROUP_PUBLIC_DEFENDER") or None,
        "OIDC_GROUP_DISTRICT_ATTORNEY": env.get("OIDC_GROUP_DISTRICT_ATTORNEY") or None,
        "OIDC_GROUP_ADMIN": env.get("OIDC_GROUP_ADMIN") or None,
    }


def from_environment(instance_path: Path, env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every setting the app reads, with its default."""
    environment = env.get("RECORD_CHECK_ENV", "").strip().lower() or "production"
    return {
        **_staff_identity(env, development=environment == "development"),
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        # Keys the hash of a phone number (threads, opt-outs): apart from SECRET_KEY, so that
        # rotating that one keeps every opt-out. See README, "Rotating secrets".
        "PHONE_HASH_KEY": env.get("PHONE_HASH_KEY") or None,
        "RECORD_CHECK_ENV": environment,
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance_path),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        # Texts the service starts (docs/contract.md, "Texts the service starts").
        "TWILIO_API_KEY": env.get("TWILIO_API_KEY") or None,
        "TWILIO_API_SECRET": env.get("TWILIO_API_SECRET") or None,
        "TWILIO_MESSAGING_SERVICE_SID": env.get("TWILIO_MESSAGING_SERVICE_SID") or None,
        "TWILIO_FROM_NUMBER": env.get("TWILIO_FROM_NUMBER") or None,
        "TWILIO_API_BASE_URL": env.get("TWILIO_API_BASE_URL") or None,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL") or None,
        "QUIET_HOURS": _quiet_hours(env),
        "TWILIO_SEND_RATE": _rate(env, "TWILIO_SEND_RATE", 1.0),
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
        "DATABASE_POOL_SIZE": _pool_size(env),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "JSON_SORT_KEYS": False,
    }


def engine_options(database_url: str, pool_size: int) -> dict[str, Any]:
    """The pool of a server database, sized for one gunicorn worker.

    A sync worker serves one request at a time, which uses at most two connections (the hot
    path's and the ORM session's): ``DATABASE_POOL_SIZE`` (2) kept open, a few more for a
    moment when a worker runs threads, so that workers x (size + overflow) stays well inside
    the server's ``max_connections``. Idle connections are pinged before use
    (``bot.storage.db.ping_when_idle``). SQLite files need no pool settings.
    """
    if database_url.startswith("sqlite"):
        return {}
    return {"pool_size": pool_size, "max_overflow": 3}


def check_required(config: Mapping[str, Any]) -> None:
    """Refuse to serve without the secrets a public deployment needs."""
    missing = [name for name in ("SECRET_KEY",) if not config.get(name)]
    if not config.get("TWILIO_AUTH_TOKEN") and not config.get("TWILIO_SKIP_VALIDATION"):
        missing.append("TWILIO_AUTH_TOKEN")
    for name in ("PHONE_HASH_KEY", "AUDIT_KEY"):
        if not config.get(name):
            missing.append(name)
    if missing:
        raise ConfigError(
            "Record Check cannot start serving: set "
            + " and ".join(missing)
            + " in the environment (see README, 'Configuration'). "
            "For local use, run 'make run', which creates a development secret."
        )


def oidc_enabled(config: Mapping[str, Any]) -> bool:
    """Sign-in through the county's identity provider is on when all three are set."""
    return all(config.get(name) for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"))


def check_safe(
    config: Mapping[str, Any], testing: bool, env: Mapping[str, str] = os.environ
) -> None:
    """Refuse to start with unsigned Twilio requests accepted, except on a developer's machine
    (``RECORD_CHECK_ENV=development``, which ``make run`` sets) or in the tests; and refuse,
    outside the tests, OpenID Connect over plain HTTP (``AUTHLIB_INSECURE_TRANSPORT``)."""
    if env.get("AUTHLIB_INSECURE_TRANSPORT") and not testing:
        raise ConfigError(
            "Record Check refuses to start: AUTHLIB_INSECURE_TRANSPORT is set, so sign-in "
            "through the identity provider would accept plain HTTP. Unset it; it is for the "
            "tests' local provider only."
        )
    partly = [
        name for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if config.get(name)
    ]
    if partly and not oidc_enabled(config):
        raise ConfigError(
            "Record Check refuses to start: set all of OIDC_ISSUER, OIDC_CLIENT_ID and "
            "OIDC_CLIENT_SECRET for sign-in through the identity provider, or none of them."
        )
    if not config.get("PASSWORD_LOGIN") and not oidc_enabled(config):
        raise ConfigError(
            "Record Check refuses to start: PASSWORD_LOGIN=0 with no identity provider "
            "(OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) would let no one sign in."
        )
    if not config.get("TWILIO_SKIP_VALIDATION") or testing:
        return
    if config.get("RECORD_CHECK_ENV") != "development":
        raise ConfigError(
            "Record Check refuses to start: TWILIO_SKIP_VALIDATION is on, so /sms would accept "
            "texts that Twilio did not sign, from anyone. Unset it (and set TWILIO_AUTH_TOKEN), "
            "or, on a developer's machine only, set RECORD_CHECK_ENV=development as 'make run' "
            "does."
        )
