"""Staff accounts: the rules for creating, changing, deactivating and signing in to them.

What makes an acceptable address or password is decided here; the accounts themselves, their
password hashes, second factors and sessions, are kept by ``bot.storage``. Commands run on the
server act as no one (the audit trail says "a command on the server"); admins on the accounts
page act as themselves.
"""

from __future__ import annotations

import secrets

from bot.core.eligibility import OFFICES
from bot.storage import staff as store
from bot.storage.staff import LastAdminError, PasswordLink, StaffUser

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
DEMO_ADMIN = "admin@example.org"
DEMO_OFFICE = "public_defender"


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.")


def valid_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an email address.")
    return email


def valid_office(office: str) -> str:
    if office not in OFFICES:
        raise AccountError(f"Unknown office {office!r}: use one of {', '.join(OFFICES)}.")
    return office


def _no_account(email: str) -> AccountError:
    return AccountError(f"There is no staff account for {email}.")


def create_staff(email: str, office: str, password: str, admin: bool = False) -> StaffUser:
    """A new, active account with a password (the ``create-staff`` command)."""
    email = valid_email(email)
    valid_office(office)
    check_new_password(password)
    created = store.create_staff(email, office, password, admin)
    if created is None:
        raise AccountError(f"{email} already has an account; use reset-password.")
    return created[0]


def create_by_admin(
    email: str, office: str, admin: bool, by: StaffUser, ip: str | None, with_link: bool
) -> tuple[StaffUser, PasswordLink | None]:
    """A new account made on the accounts page: no password yet, only (when passwords are
    on) a one-time link for its owner to choose one."""
    email = valid_email(email)
    valid_office(office)
    created = store.create_staff(email, office, None, admin, by, ip, with_link=with_link)
    if created is None:
        raise AccountError(f"{email} already has an account.")
    return created


def change_account(user_id: int, office: str, admin: bool, by: StaffUser, ip: str | None) -> bool:
    valid_office(office)
    try:
        return store.change_account(user_id, office, admin, by, ip)
    except LastAdminError as error:
        raise AccountError(str(error)) from error


def set_active(user_id: int, active: bool, by: StaffUser, ip: str | None) -> None:
    try:
        store.set_active(user_id, active, by, ip)
    except LastAdminError as error:
        raise AccountError(str(error)) from error


def deactivate_staff(email: str) -> None:
    """Stop an account signing in, and sign it out everywhere."""
    email = normalise_email(email)
    try:
        found = store.deactivate_staff(email)
    except LastAdminError as error:
        raise AccountError(str(error)) from error
    if not found:
        raise _no_account(email)


def reset_password(email: str, password: str) -> None:
    """Set a new password and sign the account out everywhere."""
    check_new_password(password)
    email = normalise_email(email)
    if not store.reset_password(email, password):
        raise _no_account(email)


def demo_admin() -> tuple[str, str]:
    """Create or reset the local demo admin with a fresh random password and no second factor
    (it enrols one at its first sign-in, as every admin does): (email, password)."""
    password = secrets.token_urlsafe(12)
    store.upsert_admin(DEMO_ADMIN, DEMO_OFFICE, password)
    return DEMO_ADMIN, password


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account these credentials open, else ``None``.

    The password is checked even for an unknown address (or one with no password), so timing
    does not tell which addresses have accounts.
    """
    user = store.staff_by_email(normalise_email(email))
    matches = store.password_matches(user, password[:MAX_PASSWORD_LENGTH])
    if user is None or not matches or not user.active:
        return None
    return user
