"""Signing in through the county's identity provider: a real OpenID Connect provider serving
on a local port (``tests/support/provider.py``), not a patched function."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.storage.db import db
from bot.storage.staff import AuditEvent, StaffUser
from tests.support.apps import make_app
from tests.support.provider import path_of, query_of
from tests.support.staff import PASSWORD, Staff, create_staff, references_in

GROUPS = {
    "OIDC_GROUP_PUBLIC_DEFENDER": "pd-staff",
    "OIDC_GROUP_DISTRICT_ATTORNEY": "9f1c2d3e-da",  # an id, as some providers send
    "OIDC_GROUP_ADMIN": "record-check-admins",
}


@pytest.fixture
def provider(identity_provider, insecure_transport):
    return identity_provider


@pytest.fixture
def sso(database_url, provider):
    """The app with the county's provider configured."""
    return make_app(database_url, **provider.settings())


@pytest.fixture
def provisioning(database_url, provider):
    return make_app(database_url, **provider.settings(OIDC_AUTO_PROVISION=True, **GROUPS))


def subject() -> str:
    return f"person-{uuid.uuid4().hex[:10]}"


def account(app, email: str) -> StaffUser | None:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).first()
        db.session.expunge_all()
        return user


def refusal(response) -> str:
    assert response.status_code in (400, 403), response.status_code
    return response.get_data(as_text=True)


def test_the_sign_in_page_offers_the_county_account(sso):
    html = sso.test_client().get("/staff/login").get_data(as_text=True)
    assert "Sign in with the county account" in html
    assert 'href="/staff/login/oidc' in html


def test_the_redirect_carries_pkce_state_and_nonce(sso, provider):
    url = provider.start(Staff(sso, "x@example.org"))
    query = query_of(url)
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert query["state"] and query["nonce"]
    assert query["client_id"] == "record-check-staff"
    assert set(query["scope"].split()) >= {"openid", "email"}


def test_a_verified_email_links_the_account_once_and_the_subject_matches_it_after(
    sso, provider, da_inquiry, pd_inquiry
):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="Pat@PD.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    response = provider.sign_in(staff, sub)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert references_in(staff.page("/staff/")) == {pd_inquiry}  # their office's only
    linked = account(sso, "pat@pd.example.org")
    assert (linked.oidc_issuer, linked.oidc_subject) == (provider.issuer, sub)
    # The provider's address changes: the subject still finds the account.
    provider.person(sub, email="patricia@pd.example.org", email_verified=True)
    again = Staff(sso, "pat@pd.example.org")
    assert provider.sign_in(again, sub).status_code == 302
    assert again.get("/staff/").status_code == 200


def test_another_subject_with_the_same_address_cannot_take_a_linked_account(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    first = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    assert provider.sign_in(Staff(sso, "a"), first).status_code == 302
    second = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    html = refusal(provider.sign_in(Staff(sso, "b"), second))
    assert "linked to a different county account" in html


def test_an_unverified_email_links_nothing_unless_the_provider_is_trusted(
    database_url, sso, provider
):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=False)
    staff = Staff(sso, "pat@pd.example.org")
    assert "did not confirm your email address" in refusal(provider.sign_in(staff, sub))
    assert staff.get("/staff/").status_code == 302
    assert account(sso, "pat@pd.example.org").oidc_subject is None
    trusting = make_app(database_url, **provider.settings(OIDC_TRUST_EMAIL=True))
    assert provider.sign_in(Staff(trusting, "pat"), sub).status_code == 302


def test_someone_with_no_account_is_refused_with_a_clear_page(sso, provider):
    sub = provider.person(subject(), email="stranger@example.org", email_verified=True)
    html = refusal(provider.sign_in(Staff(sso, "stranger@example.org"), sub))
    assert "not set up for the Record Check staff pages" in html
    assert account(sso, "stranger@example.org") is None


def test_a_deactivated_account_cannot_sign_in_either_way(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    assert provider.sign_in(staff, sub).status_code == 302
    sso.test_cli_runner().invoke(args=["deactivate-staff", "pat@pd.example.org"])
    assert staff.get("/staff/").status_code == 302  # the open session ended
    assert "deactivated" in refusal(provider.sign_in(Staff(sso, "pat"), sub))
    by_password = Staff(sso, "pat@pd.example.org").sign_in(PASSWORD)
    assert by_password.status_code == 200
    assert "do not match an active account" in by_password.get_data(as_text=True)


def test_groups_provision_the_account_and_set_its_office_at_every_sign_in(
    provisioning, provider, da_inquiry, pd_inquiry
):
    sub = provider.person(
        subject(), email="dana@da.example.org", email_verified=True, groups=["9f1c2d3e-da"]
    )
    staff = Staff(provisioning, "dana@da.example.org")
    assert provider.sign_in(staff, sub).status_code == 302
    assert references_in(staff.page("/staff/")) == {da_inquiry}
    made = account(provisioning, "dana@da.example.org")
    assert (made.office, made.is_admin, made.password_hash) == ("district_attorney", False, None)
    provider.person(
        sub,
        email="dana@da.example.org",
        email_verified=True,
        groups=["pd-staff", "record-check-admins"],
    )
    moved = Staff(provisioning, "dana@da.example.org")
    assert provider.sign_in(moved, sub).status_code == 302
    assert references_in(moved.page("/staff/")) == {da_inquiry, pd_inquiry}  # now an admin
    changed = account(provisioning, "dana@da.example.org")
    assert (changed.office, changed.is_admin) == ("public_defender", True)


@pytest.mark.parametrize(
    ("groups", "words"),
    [
        (["pd-staff", "9f1c2d3e-da"], "groups of both the Public Defender and the District"),
        (["someone-else"], "Ask county IT to add you to your office"),
        ([], "Ask county IT to add you to your office"),
    ],
)
def test_both_office_groups_or_none_is_refused(provisioning, provider, groups, words):
    sub = provider.person(subject(), email="x@example.org", email_verified=True, groups=groups)
    assert words in refusal(provider.sign_in(Staff(provisioning, "x@example.org"), sub))
    assert account(provisioning, "x@example.org") is None


def test_an_admin_group_alone_is_enough(provisioning, provider):
    sub = provider.person(
        subject(), email="it@county.example.org", email_verified=True, groups="record-check-admins"
    )
    staff = Staff(provisioning, "it@county.example.org")
    assert provider.sign_in(staff, sub).status_code == 302
    assert staff.get("/staff/accounts").status_code == 200  # no second factor asked: the provider's


def test_provisioning_never_reactivates_a_deactivated_account(provisioning, provider):
    sub = provider.person(
        subject(), email="pat@pd.example.org", email_verified=True, groups=["pd-staff"]
    )
    assert provider.sign_in(Staff(provisioning, "pat"), sub).status_code == 302
    provisioning.test_cli_runner().invoke(args=["deactivate-staff", "pat@pd.example.org"])
    assert "deactivated" in refusal(provider.sign_in(Staff(provisioning, "pat"), sub))
    assert account(provisioning, "pat@pd.example.org").active is False


def test_a_callback_with_a_state_the_app_did_not_issue_is_refused(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    callback = provider.approve(provider.start(staff), sub)
    forged = callback.replace("state=", "state=x")
    assert "could not be completed" in refusal(staff.get(forged.split("localhost", 1)[1]))
    other = Staff(sso, "someone-else")  # a callback opened in a browser that did not start it
    assert refusal(other.get(callback.split("localhost", 1)[1]))
    assert other.get("/staff/").status_code == 302


def test_a_callback_cannot_be_used_twice(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    callback = provider.approve(provider.start(staff), sub).split("localhost", 1)[1]
    assert staff.get(callback).status_code == 302
    staff.submit("/staff/", {}, to="/staff/logout")
    assert refusal(staff.get(callback))


def test_signing_out_ends_the_providers_session_too_and_the_cookie_is_dead(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    provider.sign_in(staff, sub)
    cookie = staff.client.get_cookie("session").value
    response = staff.submit("/staff/", {}, to="/staff/logout")
    assert response.status_code == 302
    ending = response.headers["Location"]
    assert ending.startswith(f"{provider.issuer}/oauth2/end_session")
    query = query_of(ending)
    assert query["id_token_hint"].count(".") == 2  # the ID token the provider issued
    assert query["post_logout_redirect_uri"] == "http://localhost/staff/login"
    copy = Staff(sso, "copy")
    copy.client.set_cookie("session", cookie)
    assert copy.get("/staff/").status_code == 302


def test_sign_ins_and_sign_outs_are_in_the_audit_trail(sso, provider):
    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    provider.sign_in(staff, sub)
    staff.submit("/staff/", {}, to="/staff/logout")
    with sso.app_context():
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("sign_in", "county account") in rows
    assert ("sign_out", "") in rows


def test_password_login_off_leaves_only_the_county_account(database_url, provider):
    app = make_app(database_url, **provider.settings(PASSWORD_LOGIN=False))
    create_staff(app, "pat@pd.example.org", "public_defender")
    client = app.test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    assert "Sign in with the county account" in html
    assert 'name="password"' not in html
    staff = Staff(app, "pat@pd.example.org")
    assert "csrf_token" not in staff.page("/staff/login")  # no password form to post
    app.config["WTF_CSRF_ENABLED"] = False  # so the post reaches the view: it is not there
    response = staff.client.post("/staff/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 404
    assert staff.get("/staff/").status_code == 302


def test_an_id_token_signed_with_another_key_is_refused(sso, provider, caplog):
    """The provider's keys are swapped for another provider's (a real one, with keys of its
    own): the token it signed no longer verifies, and nobody is signed in."""
    from oidc_provider_mock import run_server_in_thread

    create_staff(sso, "pat@pd.example.org", "public_defender")
    sub = provider.person(subject(), email="pat@pd.example.org", email_verified=True)
    staff = Staff(sso, "pat@pd.example.org")
    callback = provider.approve(provider.start(staff), sub)
    with run_server_in_thread(port=0) as other, sso.app_context():
        client = sso.extensions["record_check_oidc"]
        client.load_server_metadata()
        client.server_metadata["jwks_uri"] = f"http://localhost:{other.server_port}/jwks"
        response = staff.get(path_of(callback))
    assert "could not be completed" in refusal(response)
    failures = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert failures == ["identity provider sign-in failed: BadSignatureError"]
    assert staff.get("/staff/").status_code == 302
