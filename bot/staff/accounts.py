"""Staff accounts: creating, deactivating, resetting passwords and checking a sign-in.

Passwords are stored only as werkzeug hashes. Resetting a password or deactivating an account
bumps its session version, which signs out every browser still holding an old session.
"""

from __future__ import annotations

import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from bot import clock
from bot.core.eligibility import OFFICES
from bot.staff.queries import staff_by_email
from bot.storage.db import db
from bot.storage.staff import StaffUser
from bot.storage.transactions import transaction

MIN_PASSWORD_LENGTH = 10
DEMO_ADMIN = "admin@example.org"


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")


def _valid_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an email address.")
    return email


def _existing(email: str) -> StaffUser:
    user = staff_by_email(normalise_email(email))
    if user is None:
        raise AccountError(f"There is no staff account for {normalise_email(email)}.")
    return user


def create_staff(email: str, office: str, password: str, admin: bool = False) -> StaffUser:
    """A new, active account for one office's staff member (or an admin)."""
    email = _valid_email(email)
    if office not in OFFICES:
        raise AccountError(f"Unknown office {office!r}: use one of {', '.join(OFFICES)}.")
    check_new_password(password)
    with transaction():
        if staff_by_email(email) is not None:
            raise AccountError(f"{email} already has an account; use reset-password.")
        user = StaffUser(
            email=email,
            password_hash=generate_password_hash(password),
            office=office,
            is_admin=admin,
            active=True,
            session_version=1,
            created_at=clock.now(),
        )
        db.session.add(user)
    return user


def deactivate_staff(email: str) -> None:
    """Stop an account signing in, and sign it out everywhere."""
    with transaction():
        user = _existing(email)
        user.active = False
        user.session_version += 1


def reset_password(email: str, password: str) -> None:
    """Set a new password and sign the account out everywhere."""
    check_new_password(password)
    with transaction():
        user = _existing(email)
        user.password_hash = generate_password_hash(password)
        user.session_version += 1


def demo_admin() -> tuple[str, str]:
    """Create or reset the local demo admin with a fresh random password: (email, password)."""
    password = secrets.token_urlsafe(12)
    with transaction():
        user = staff_by_email(DEMO_ADMIN)
        if user is None:
            user = StaffUser(email=DEMO_ADMIN, office="public_defender", created_at=clock.now())
            db.session.add(user)
            user.session_version = 1
        else:
            user.session_version += 1
        user.password_hash = generate_password_hash(password)
        user.is_admin = True
        user.active = True
    return DEMO_ADMIN, password


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account these credentials open, else ``None``.

    An unknown address still costs one hash check, so timing does not tell which
    addresses have accounts.
    """
    user = staff_by_email(normalise_email(email))
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def note_sign_in(user: StaffUser) -> None:
    with transaction():
        user.last_sign_in_at = clock.now()
