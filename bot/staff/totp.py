"""Time-based one-time codes (RFC 6238 through ``pyotp``: 30 seconds, six digits) and recovery
codes: which step a code belongs to, never whether it was used (storage keeps that)."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "Record Check staff"
DRIFT = 1  # a code from the step before or after is accepted too
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read off paper without doubt
SIX_DIGITS = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def grouped(secret: str) -> str:
    """The key as people type it into an app: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code(secret: str, email: str) -> str:
    """The key as a QR code an authenticator app scans: an SVG ``data:`` URI for an ``img``."""
    return str(segno.make(provisioning_uri(secret, email), error="m").svg_data_uri(scale=5))


def clean(code: str) -> str:
    """What was typed, without spaces and hyphens, in capitals."""
    return re.sub(r"[\s-]", "", code).upper()


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (current, or one either side) whose code this is, else ``None``."""
    code = clean(code)
    if not SIX_DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of ten characters (about 49 bits each), shown as ``XXXXX-XXXXX``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
