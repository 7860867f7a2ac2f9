"""Who a sign-in through the county's identity provider is, and whether they may sign in.

Section by section as the contract says: an account is found by the provider's issuer and
subject (``iss``, ``sub``) alone once linked; the first sign-in links it by email address, only
when the provider says the address is verified (``email_verified``) or ``OIDC_TRUST_EMAIL=1``
says this provider's addresses can be trusted. With ``OIDC_AUTO_PROVISION=1`` the office and
admin role come from the groups claim at every sign-in, and accounts are created on the way;
someone in both office groups, or in neither and not an admin, is refused. A deactivated
account is refused, whatever the groups say.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.staff.accounts import normalise_email
from bot.storage import audit
from bot.storage import staff as store
from bot.storage.staff import StaffUser

log = logging.getLogger(__name__)

PROVIDER_DOWN = "The county sign-in service did not answer. Please try again in a few minutes."
NOT_VERIFIED = (
    "The county sign-in could not be completed (it may have taken too long, or been opened "
    "twice). Please start again."
)
NO_ACCOUNT = (
    "Your county account is not set up for the Record Check staff pages. Ask an admin of "
    "the staff pages to add you."
)
EMAIL_NOT_VERIFIED = (
    "The county sign-in service did not confirm your email address, so it cannot be linked "
    "to a staff account. Ask county IT or an admin of the staff pages."
)
LINKED_ELSEWHERE = (
    "The staff account with your email address is linked to a different county account. "
    "Ask an admin of the staff pages."
)
BOTH_OFFICES = (
    "Your county account is in the groups of both the Public Defender and the District "
    "Attorney, so the staff pages cannot tell which office's inquiries to show you. Ask "
    "county IT to keep you in one of them."
)
NO_OFFICE = (
    "Your county account is not in the Public Defender's or the District Attorney's group "
    "for these staff pages. Ask county IT to add you to your office's group."
)
DEACTIVATED = "This staff account is deactivated. Ask an admin of the staff pages."


@dataclass(frozen=True)
class Settings:
    trust_email: bool
    auto_provision: bool
    groups_claim: str
    public_defender: str | None
    district_attorney: str | None
    admin: str | None

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            trust_email=bool(config["OIDC_TRUST_EMAIL"]),
            auto_provision=bool(config["OIDC_AUTO_PROVISION"]),
            groups_claim=config["OIDC_GROUPS_CLAIM"],
            public_defender=config["OIDC_GROUP_PUBLIC_DEFENDER"],
            district_attorney=config["OIDC_GROUP_DISTRICT_ATTORNEY"],
            admin=config["OIDC_GROUP_ADMIN"],
        )


@dataclass(frozen=True)
class Decision:
    user: StaffUser | None
    refusal: str | None = None


def groups(claims: Mapping[str, Any], claim: str) -> set[str]:
    """The groups claim as the provider sends it: names or ids, compared exactly."""
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return set()


def office_and_role(member_of: set[str], settings: Settings) -> tuple[str | None, bool] | str:
    """The office and admin role the groups give, or why they give none."""
    in_pd = settings.public_defender is not None and settings.public_defender in member_of
    in_da = settings.district_attorney is not None and settings.district_attorney in member_of
    admin = settings.admin is not None and settings.admin in member_of
    if in_pd and in_da:
        return BOTH_OFFICES
    if not (in_pd or in_da or admin):
        return NO_OFFICE
    office = "public_defender" if in_pd else "district_attorney" if in_da else None
    return office, admin


def _email(claims: Mapping[str, Any], settings: Settings) -> str | None:
    """The address, if the provider vouches for it (or is trusted to)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if claims.get("email_verified") is True or settings.trust_email:
        return normalise_email(email)
    return None


def _refuse(reason: str, user: StaffUser | None = None) -> Decision:
    log.info("staff sign-in through the provider refused")
    if user is not None:
        audit.record(user, "sign_in_refused", None, "county account")
    return Decision(None, reason)


def _provisioned(
    claims: Mapping[str, Any], settings: Settings, linked: StaffUser | None, email: str | None
) -> Decision:
    """``OIDC_AUTO_PROVISION=1``: office and role from the groups, the account made if new."""
    issuer, subject = str(claims["iss"]).rstrip("/"), str(claims["sub"])
    given = office_and_role(groups(claims, settings.groups_claim), settings)
    if isinstance(given, str):
        return _refuse(given, linked)
    if linked is not None and not linked.active:
        return _refuse(DEACTIVATED, linked)
    address = linked.email if linked is not None else email
    if address is None:
        return _refuse(EMAIL_NOT_VERIFIED)
    office, admin = given
    user = store.provision(address, office, admin, issuer, subject)
    return Decision(user) if user is not None else _refuse(LINKED_ELSEWHERE)


def _linked_by_email(claims: Mapping[str, Any], email: str | None) -> Decision:
    """The first sign-in of an account an admin made: linked by its verified address."""
    if email is None:
        return _refuse(EMAIL_NOT_VERIFIED)
    user = store.staff_by_email(email)
    if user is None:
        return _refuse(NO_ACCOUNT)
    if user.oidc_subject is not None:
        return _refuse(LINKED_ELSEWHERE)
    if user.active:
        store.link_provider(user.id, str(claims["iss"]).rstrip("/"), str(claims["sub"]))
    return Decision(user)


def decide(claims: Mapping[str, Any], settings: Settings) -> Decision:
    """The active account this verified ID token signs in, or a clear refusal."""
    linked = store.staff_by_provider(str(claims["iss"]).rstrip("/"), str(claims["sub"]))
    email = _email(claims, settings)
    if settings.auto_provision:
        decision = _provisioned(claims, settings, linked, email)
    elif linked is not None:
        decision = Decision(linked)
    else:
        decision = _linked_by_email(claims, email)
    if decision.user is not None and not decision.user.active:
        return _refuse(DEACTIVATED, decision.user)
    return decision
