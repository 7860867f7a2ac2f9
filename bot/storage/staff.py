"""Staff accounts, their second factor and recovery codes: owner of ``staff_user`` and
``recovery_code``; and the audit trail's page (the trail itself is ``bot.storage.audit``).

Passwords are stored only as werkzeug hashes, recovery codes and one-time password links only
as SHA-256 hashes (they are long and random, so a fast hash is enough). An account signed in
through the county's identity provider is matched by issuer and subject (``oidc_issuer``,
``oidc_subject``) and may have no password at all. Every change to an account is audited in the
same transaction; those that should end its sessions (deactivation, a new password, a reset
second factor, "sign out everywhere") delete them in that transaction too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from bot import clock
from bot.storage import staff_sessions
from bot.storage.audit import AuditEvent, AuditRow, add_audit_event
from bot.storage.db import Base, db, rows_updated
from bot.storage.filters import PAGE_SIZE, Page, last_page_number
from bot.storage.models import utcnow
from bot.storage.transactions import transaction


class StaffUser(UserMixin, Base):
    """A member of an office's staff; admins see every office's inquiries and the audit trail."""

    __tablename__ = "staff_user"
    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_staff_user_oidc"),
        UniqueConstraint("password_link_hash", name="uq_staff_user_password_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # none: provider only
    office: Mapped[str] = mapped_column(String(32))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # none: not enrolled
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # no code at or before it
    password_link_hash: Mapped[str | None] = mapped_column(String(64))
    password_link_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The token of the session that loaded this account: what Flask-Login keeps. Not a column.
    __allow_unmapped__ = True
    session_token: str | None = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str | None:
        """What the browser's session remembers: the token of a server-side session."""
        return self.session_token


class RecoveryCode(Base):
    """One single-use code that stands in for the authenticator app, stored hashed."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def secret_hash(value: str) -> str:
    """The stored form of a recovery code or a one-time link token."""
    return hashlib.sha256(value.encode()).hexdigest()


def staff_by_email(email: str) -> StaffUser | None:
    """The account with this (already normalised) address, active or not."""
    return db.session.scalars(select(StaffUser).where(StaffUser.email == email)).first()


def staff_by_provider(issuer: str, subject: str) -> StaffUser | None:
    """The account linked to this provider's subject, active or not."""
    return db.session.scalars(
        select(StaffUser).where(StaffUser.oidc_issuer == issuer, StaffUser.oidc_subject == subject)
    ).first()


def staff_by_id(user_id: int) -> StaffUser | None:
    """The account a session names, active or not; the caller decides whether it still counts."""
    return db.session.get(StaffUser, user_id)


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def password_matches(user: StaffUser | None, password: str) -> bool:
    """Whether ``password`` is the account's.

    No account still costs one hash check, so timing does not tell which addresses have
    accounts.
    """
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    if user.password_hash is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


class LastAdminError(ValueError):
    """The change would leave no active admin to manage the accounts."""


@dataclass(frozen=True)
class PasswordLink:
    """A one-time link's token (shown once, stored hashed) and when it stops working."""

    token: str
    expires_at: datetime


def _new_link(user: StaffUser, lifetime_hours: int = 24) -> PasswordLink:
    token = secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(hours=lifetime_hours)
    user.password_link_hash = secret_hash(token)
    user.password_link_expires_at = expires_at
    return PasswordLink(token, expires_at)


def create_staff(
    email: str,
    office: str,
    password: str | None,
    admin: bool = False,
    actor: StaffUser | None = None,
    ip: str | None = None,
    with_link: bool = False,
) -> tuple[StaffUser, PasswordLink | None] | None:
    """A new, active account, audited; ``None`` when the address already has one.

    With ``with_link`` (and no password) it also gets a one-time link to set its first one.
    """
    with transaction():
        if staff_by_email(email) is not None:
            return None
        user = StaffUser(
            email=email,
            password_hash=generate_password_hash(password) if password is not None else None,
            office=office,
            is_admin=admin,
            active=True,
            created_at=clock.now(),
        )
        db.session.add(user)
        link = _new_link(user) if with_link else None
        db.session.flush()
        role = "admin" if admin else "staff"
        add_audit_event(actor, "account_create", ip, f"{role}, {office}", target_user_id=user.id)
    return user, link


def _locked_account(user_id: int) -> StaffUser | None:
    return db.session.scalars(
        select(StaffUser).where(StaffUser.id == user_id).with_for_update()
    ).first()


def _keeps_an_admin(user: StaffUser) -> None:
    """Refuse a change that takes away the last active admin (the admins are locked first, so
    two admins demoting each other at once cannot both succeed)."""
    admins = db.session.scalars(
        select(StaffUser.id).where(StaffUser.is_admin, StaffUser.active).with_for_update()
    ).all()
    if user.is_admin and user.active and set(admins) <= {user.id}:
        raise LastAdminError("This is the last active admin: make another admin first.")


def change_account(
    user_id: int, office: str, admin: bool, actor: StaffUser | None, ip: str | None
) -> bool:
    """Set an account's office and role; ``False`` when nothing changed."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        changes = []
        if user.office != office:
            changes.append(f"office {user.office} -> {office}")
        if user.is_admin != admin:
            if not admin:
                _keeps_an_admin(user)
            changes.append("made admin" if admin else "no longer admin")
        if not changes:
            return False
        user.office, user.is_admin = office, admin
        add_audit_event(actor, "account_change", ip, "; ".join(changes), target_user_id=user.id)
    return True


def set_active(user_id: int, active: bool, actor: StaffUser | None, ip: str | None) -> None:
    """Deactivate an account (which ends all its sessions) or let it sign in again."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        if user.active == active:
            return
        if not active:
            _keeps_an_admin(user)
            staff_sessions.end_all(user.id)
        user.active = active
        action = "account_reactivate" if active else "account_deactivate"
        add_audit_event(actor, action, ip, target_user_id=user.id)


def deactivate_staff(email: str) -> bool:
    """Stop an account signing in and sign it out everywhere (a command); ``False`` when
    there is none."""
    user = staff_by_email(email)
    if user is None:
        return False
    set_active(user.id, False, None, None)
    return True


def reset_password(email: str, password: str) -> bool:
    """Set a new password and sign the account out everywhere (a command); ``False`` when
    there is none."""
    with transaction():
        user = staff_by_email(email)
        if user is None:
            return False
        user.password_hash = generate_password_hash(password)
        user.password_link_hash = user.password_link_expires_at = None
        staff_sessions.end_all(user.id)
        add_audit_event(None, "password_set", None, "by command", target_user_id=user.id)
    return True


def new_password_link(user_id: int, actor: StaffUser | None, ip: str | None) -> PasswordLink:
    """A fresh one-time link for the account to set its password (an older one stops working)."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        link = _new_link(user)
        add_audit_event(actor, "password_link", ip, target_user_id=user.id)
    return link


def account_for_link(token: str) -> StaffUser | None:
    """The active account a one-time link is for, while it is valid."""
    user = db.session.scalars(
        select(StaffUser).where(StaffUser.password_link_hash == secret_hash(token))
    ).first()
    if user is None or not user.active or user.password_link_expires_at is None:
        return None
    if clock.as_utc(user.password_link_expires_at) < clock.now():
        return None
    return user


def set_password_by_link(token: str, password: str, ip: str | None) -> StaffUser | None:
    """Use a one-time link: the password is set, the link spent, every session ended."""
    with transaction():
        user = account_for_link(token)
        if user is None:
            return None
        spent = rows_updated(
            update(StaffUser)
            .where(StaffUser.id == user.id, StaffUser.password_link_hash == secret_hash(token))
            .values(
                password_hash=generate_password_hash(password),
                password_link_hash=None,
                password_link_expires_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        if not spent:
            return None
        staff_sessions.end_all(user.id)
        add_audit_event(user, "password_set", ip, "by one-time link", target_user_id=user.id)
    db.session.refresh(user)
    return user


def upsert_admin(email: str, office: str, password: str) -> None:
    """Create an active admin, or make the existing account one with this password and no
    second factor (it enrols again at its next sign-in); either way it is signed out
    everywhere, since its old password no longer opens it."""
    with transaction():
        user = staff_by_email(email)
        if user is None:
            user = StaffUser(email=email, office=office, created_at=clock.now())
            db.session.add(user)
            db.session.flush()
        else:
            staff_sessions.end_all(user.id)
            _forget_second_factor(user)
        user.password_hash = generate_password_hash(password)
        user.is_admin = True
        user.active = True
        add_audit_event(None, "password_set", None, "demo admin", target_user_id=user.id)


# The second factor.


def _forget_second_factor(user: StaffUser) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def enrol_second_factor(
    user_id: int, secret: str, step: int, recovery_codes: list[str], ip: str | None
) -> None:
    """Keep the new key (its first code at ``step`` already used) and ten recovery codes."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        _forget_second_factor(user)
        user.totp_secret, user.totp_last_step = secret, step
        db.session.add_all(
            RecoveryCode(user_id=user.id, code_hash=secret_hash(code)) for code in recovery_codes
        )
        add_audit_event(user, "factor_enrolled", ip, target_user_id=user.id)


def accept_step(user_id: int, step: int) -> bool:
    """Take the code of ``step`` as used, unless it or a later one was used already; one
    statement, so the same code posted twice at once is accepted once."""
    with transaction():
        return (
            rows_updated(
                update(StaffUser)
                .where(
                    StaffUser.id == user_id,
                    or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
                )
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
            > 0
        )


def use_recovery_code(user_id: int, code: str) -> bool:
    """Spend one recovery code; ``False`` when it is not one of the account's unused codes."""
    with transaction():
        used = rows_updated(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == secret_hash(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=clock.now())
            .execution_options(synchronize_session=False)
        )
    return used > 0


def recovery_codes_left(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def reset_second_factor(user_id: int, actor: StaffUser | None, ip: str | None) -> None:
    """Forget the key and the codes (the account enrols again at its next sign-in) and end
    every session."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        _forget_second_factor(user)
        staff_sessions.end_all(user.id)
        add_audit_event(actor, "factor_reset", ip, target_user_id=user.id)


def sign_out_everywhere(user_id: int, actor: StaffUser | None, ip: str | None) -> int:
    """End every session of the account; how many there were."""
    with transaction():
        ended = staff_sessions.end_all(user_id)
        add_audit_event(
            actor, "sign_out_everywhere", ip, f"{ended} sessions", target_user_id=user_id
        )
    return ended


# The county's identity provider.


def link_provider(user_id: int, issuer: str, subject: str) -> None:
    """Tie the account to the provider's subject: from now on it is matched by these alone."""
    with transaction():
        user = _locked_account(user_id)
        if user is None:
            raise LookupError(user_id)
        user.oidc_issuer, user.oidc_subject = issuer, subject
        add_audit_event(user, "provider_linked", None, target_user_id=user.id)


def provision(
    email: str, office: str | None, admin: bool, issuer: str, subject: str
) -> StaffUser | None:
    """Create or update, from the provider's groups, the account linked to this subject (or
    the one with this address, not yet linked to anyone); ``None`` when the address belongs to
    an account linked to someone else. A deactivated account stays deactivated."""
    with transaction():
        user = staff_by_provider(issuer, subject)
        if user is None:
            user = staff_by_email(email)
            if user is not None and user.oidc_subject is not None:
                return None
        if user is None:
            user = StaffUser(
                email=email,
                password_hash=None,
                office=office or "public_defender",
                is_admin=admin,
                active=True,
                created_at=clock.now(),
                oidc_issuer=issuer,
                oidc_subject=subject,
            )
            db.session.add(user)
            db.session.flush()
            add_audit_event(None, "account_create", None, "from the provider's groups",
                            target_user_id=user.id)  # fmt: skip
            return user
        changes = []
        new_office = office or user.office
        if (user.office, user.is_admin) != (new_office, admin):
            changes.append(
                f"office {user.office} -> {new_office}, admin {user.is_admin} -> {admin}"
            )
        if user.oidc_subject is None:
            changes.append("linked to the provider")
        user.office, user.is_admin = new_office, admin
        user.oidc_issuer, user.oidc_subject = issuer, subject
        if changes:
            add_audit_event(None, "account_change", None,
                            "from the provider's groups: " + "; ".join(changes),
                            target_user_id=user.id)  # fmt: skip
    return user


def note_sign_in(user: StaffUser, method: str, ip: str | None) -> None:
    with transaction():
        user.last_sign_in_at = clock.now()
        add_audit_event(user, "sign_in", ip, method)


# Lists for the admin pages and the audit trail.


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    office: str
    is_admin: bool
    active: bool
    password: bool
    provider: bool
    second_factor: bool
    last_sign_in_at: datetime | None
    sessions: int


def accounts() -> list[AccountRow]:
    """Every account, active first, by address."""
    sessions = dict(
        db.session.execute(
            select(staff_sessions.StaffSession.user_id, func.count())
            .where(staff_sessions.StaffSession.stage == staff_sessions.SIGNED_IN)
            .group_by(staff_sessions.StaffSession.user_id)
        ).all()
    )
    users = db.session.scalars(
        select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email)
    ).all()
    return [
        AccountRow(
            id=user.id,
            email=user.email,
            office=user.office,
            is_admin=user.is_admin,
            active=user.active,
            password=user.password_hash is not None,
            provider=user.oidc_subject is not None,
            second_factor=user.totp_secret is not None,
            last_sign_in_at=user.last_sign_in_at,
            sessions=sessions.get(user.id, 0),
        )
        for user in users
    ]


def record_view(user: StaffUser, inquiry_id: int, reference: str, ip: str | None) -> None:
    """Note that ``user`` opened an inquiry's record."""
    with transaction():
        add_audit_event(user, "view", ip, inquiry_id=inquiry_id, reference=reference)


def record_export(user: StaffUser, references: list[str], description: str, ip: str | None) -> None:
    """Note an export: the filters in words and every reference it holds."""
    with transaction():
        add_audit_event(user, "export", ip, inquiry_refs=references, detail=description)


def audit_page(number: int, size: int = PAGE_SIZE) -> Page:
    """A page of the audit trail, newest first; who acted and on which account, by address."""
    actor, target = aliased(StaffUser), aliased(StaffUser)
    total = db.session.scalar(select(func.count(AuditEvent.id))) or 0
    number = min(number, last_page_number(total, size))
    rows = db.session.execute(
        select(AuditEvent, actor.email, target.email)
        .outerjoin(actor, AuditEvent.user_id == actor.id)
        .outerjoin(target, AuditEvent.target_user_id == target.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    events = [
        AuditRow(
            created_at=event.created_at,
            email=email or "a command on the server",
            action=event.action,
            references=[event.reference] if event.reference else list(event.inquiry_refs or []),
            target=target_email,
            detail=event.detail,
            ip=event.ip,
        )
        for event, email, target_email in rows
    ]
    return Page(events, total, number, size)


__all__ = ["AuditEvent", "add_audit_event"]  # re-exported: the trail's writer, for its callers
