"""Staff accounts: the rules for creating, deactivating, resetting and signing in to them.

What makes an acceptable address or password is decided here; the accounts themselves, their
password hashes and session versions, are kept by ``bot.storage.staff``.
"""

from __future__ import annotations

import secrets

from bot.core.eligibility import OFFICES
from bot.storage import staff as store
from bot.storage.staff import StaffUser

MIN_PASSWORD_LENGTH = 10
DEMO_ADMIN = "admin@example.org"
DEMO_OFFICE = "public_defender"


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


def _no_account(email: str) -> AccountError:
    return AccountError(f"There is no staff account for {email}.")


def create_staff(email: str, office: str, password: str, admin: bool = False) -> StaffUser:
    """A new, active account for one office's staff member (or an admin)."""
    email = _valid_email(email)
    if office not in OFFICES:
        raise AccountError(f"Unknown office {office!r}: use one of {', '.join(OFFICES)}.")
    check_new_password(password)
    user = store.create_staff(email, office, password, admin)
    if user is None:
        raise AccountError(f"{email} already has an account; use reset-password.")
    return user


def deactivate_staff(email: str) -> None:
    """Stop an account signing in, and sign it out everywhere."""
    email = normalise_email(email)
    if not store.deactivate_staff(email):
        raise _no_account(email)


def reset_password(email: str, password: str) -> None:
    """Set a new password and sign the account out everywhere."""
    check_new_password(password)
    email = normalise_email(email)
    if not store.reset_password(email, password):
        raise _no_account(email)


def demo_admin() -> tuple[str, str]:
    """Create or reset the local demo admin with a fresh random password: (email, password)."""
    password = secrets.token_urlsafe(12)
    store.upsert_admin(DEMO_ADMIN, DEMO_OFFICE, password)
    return DEMO_ADMIN, password


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account these credentials open, else ``None``.

    The password is checked even for an unknown address, so timing does not tell which
    addresses have accounts.
    """
    user = store.staff_by_email(normalise_email(email))
    matches = store.password_matches(user, password)
    if user is None or not matches or not user.active:
        return None
    return user
