"""``/staff/accounts``: admins create, change, deactivate, reset and sign out accounts, every
change audited, never leaving the service without an active admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.storage.db import db
from bot.storage.staff import AuditEvent, StaffUser
from tests.support.apps import make_app
from tests.support.staff import Staff, create_staff, csrf_token

LINK = re.compile(r'<code class="one-time-link">http://localhost(/staff/password/[\w-]+)</code>')
NEW_PASSWORD = "a long new passphrase"


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalars(select(StaffUser.id).where(StaffUser.email == email)).one()


def account(app, email: str) -> StaffUser:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        db.session.expunge_all()
        return user


def audited(app) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(AuditEvent.action, AuditEvent.user_id, AuditEvent.target_user_id).order_by(
                    AuditEvent.id
                )
            )
        ]


def add(admin: Staff, email: str, office: str = "district_attorney", make_admin: bool = False):
    data = {"email": email, "office": office}
    if make_admin:
        data["admin"] = "y"
    return admin.submit("/staff/accounts", data)


def act(admin: Staff, app, email: str, action: str):
    number = user_id(app, email)
    return admin.submit(f"/staff/accounts/{number}", {}, to=f"/staff/accounts/{number}/{action}")


def test_only_admins_reach_the_accounts_pages(pd, admin):
    assert pd.get("/staff/accounts").status_code == 404
    assert pd.get("/staff/accounts/1").status_code == 404
    assert "Staff accounts" in admin.page("/staff/accounts")
    assert pd.email in admin.page("/staff/accounts")


def test_a_new_account_gets_a_one_time_link_shown_once(app, admin):
    response = add(admin, "Sam@DA.example.org")
    html = response.get_data(as_text=True)
    link = LINK.search(html)
    assert link, html
    assert "shown only now" in html
    assert link.group(1) not in admin.page("/staff/accounts")
    assert link.group(1) not in admin.page(f"/staff/accounts/{user_id(app, 'sam@da.example.org')}")
    owner = Staff(app, "sam@da.example.org")
    assert owner.sign_in(NEW_PASSWORD).status_code == 200  # no password yet
    done = owner.submit(link.group(1), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert owner.sign_in(NEW_PASSWORD).status_code == 302
    assert account(app, "sam@da.example.org").office == "district_attorney"
    again = Staff(app, "thief@example.org").get(link.group(1))
    assert again.status_code == 404
    assert "no longer works" in again.get_data(as_text=True)


def test_the_link_expires_after_24_hours(app, admin, monkeypatch):
    link = LINK.search(add(admin, "sam@da.example.org").get_data(as_text=True)).group(1)
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert Staff(app, "sam@da.example.org").get(link).status_code == 404


def test_the_link_refuses_a_short_or_mismatched_password(app, admin):
    link = LINK.search(add(admin, "sam@da.example.org").get_data(as_text=True)).group(1)
    owner = Staff(app, "sam@da.example.org")
    short = owner.submit(link, {"password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert "at least 10 characters" in short.get_data(as_text=True)
    differ = owner.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert "The two passwords differ" in differ.get_data(as_text=True)
    assert (
        owner.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    )


def test_an_address_with_an_account_cannot_be_added_again(admin, pd):
    response = add(admin, pd.email.upper())
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)


def test_changing_office_and_role_takes_effect_and_is_audited(app, admin, pd, da_inquiry):
    number = user_id(app, pd.email)
    response = admin.submit(
        f"/staff/accounts/{number}",
        {"office": "district_attorney"},
        to=f"/staff/accounts/{number}/change",
    )
    assert response.status_code == 303
    assert da_inquiry in pd.page("/staff/")  # at once, in the session already open
    admin.submit(
        f"/staff/accounts/{number}",
        {"office": "district_attorney", "admin": "y"},
        to=f"/staff/accounts/{number}/change",
    )
    changed = account(app, pd.email)
    assert (changed.office, changed.is_admin) == ("district_attorney", True)
    with app.app_context():
        details = list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "account_change", AuditEvent.target_user_id == number)
                .order_by(AuditEvent.id)
            )
        )
    assert details == ["office public_defender -> district_attorney", "made admin"]
    assert ("account_change", user_id(app, admin.email), number) in audited(app)


def test_deactivating_ends_every_session_and_sign_in(app, admin, pd):
    copy = Staff(app, pd.email)
    copy.client.set_cookie("session", pd.client.get_cookie("session").value)
    assert act(admin, app, pd.email, "deactivate").status_code == 303
    assert pd.get("/staff/").status_code == 302
    assert copy.get("/staff/").status_code == 302
    assert pd.sign_in().status_code == 200
    assert act(admin, app, pd.email, "reactivate").status_code == 303
    assert pd.sign_in().status_code == 302
    actions = [action for action, _, _ in audited(app)]
    assert "account_deactivate" in actions and "account_reactivate" in actions


def test_sign_out_everywhere_ends_every_session_of_the_account(app, admin, pd):
    second_browser = Staff(app, pd.email)
    second_browser.sign_in()
    assert act(admin, app, pd.email, "sign-out").status_code == 303
    assert pd.get("/staff/").status_code == 302
    assert second_browser.get("/staff/").status_code == 302
    assert admin.get("/staff/").status_code == 200  # the admin's own session is another's
    assert ("sign_out_everywhere", user_id(app, admin.email), user_id(app, pd.email)) in audited(
        app
    )


def test_resetting_the_second_factor_makes_the_account_enrol_again(app, admin, make_staff):
    other = make_staff("eve@county.example.org", "public_defender", admin=True)
    assert other.secret is not None
    assert act(admin, app, other.email, "reset-factor").status_code == 303
    assert other.get("/staff/").status_code == 302
    response = other.submit(
        "/staff/login", {"email": other.email, "password": "correct horse battery staple"}
    )
    assert response.headers["Location"].endswith("/staff/login/enrol")
    assert account(app, other.email).totp_secret is None


def test_a_new_password_link_replaces_the_old_one(app, admin, pd):
    first = LINK.search(act(admin, app, pd.email, "password-link").get_data(as_text=True))
    second = LINK.search(act(admin, app, pd.email, "password-link").get_data(as_text=True))
    assert first and second and first.group(1) != second.group(1)
    owner = Staff(app, pd.email)
    assert owner.get(first.group(1)).status_code == 404
    response = owner.submit(second.group(1), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert pd.get("/staff/").status_code == 302  # a new password ends the old sessions


def test_the_last_active_admin_cannot_be_removed(app, admin):
    me = user_id(app, admin.email)
    demote = admin.submit(
        f"/staff/accounts/{me}", {"office": "public_defender"}, to=f"/staff/accounts/{me}/change"
    )
    assert demote.status_code == 303
    assert "last active admin" in admin.page(f"/staff/accounts/{me}")
    deactivate = act(admin, app, admin.email, "deactivate")
    assert deactivate.status_code == 303
    assert "last active admin" in admin.page(f"/staff/accounts/{me}")
    assert account(app, admin.email).is_admin and account(app, admin.email).active
    result = app.test_cli_runner().invoke(args=["deactivate-staff", admin.email])
    assert result.exit_code == 1
    assert "last active admin" in result.output


def test_with_a_second_admin_one_may_step_down(app, admin, make_staff):
    make_staff("eve@county.example.org", "public_defender", admin=True)
    me = user_id(app, admin.email)
    admin.submit(
        f"/staff/accounts/{me}", {"office": "public_defender"}, to=f"/staff/accounts/{me}/change"
    )
    assert account(app, admin.email).is_admin is False


def test_every_account_form_needs_its_csrf_token(app, admin, pd):
    number = user_id(app, pd.email)
    for action in ("deactivate", "sign-out", "reset-factor", "password-link", "change"):
        response = admin.client.post(f"/staff/accounts/{number}/{action}", data={})
        assert response.status_code == 400, action
    assert (
        admin.client.post(
            "/staff/accounts", data={"email": "x@y.org", "office": "public_defender"}
        ).status_code
        == 400
    )
    assert account(app, pd.email).active


def test_with_password_login_off_new_accounts_get_no_link(database_url):
    app = make_app(
        database_url,
        PASSWORD_LOGIN=False,
        OIDC_ISSUER="https://login.county.example",
        OIDC_CLIENT_ID="id",
        OIDC_CLIENT_SECRET="secret",
    )
    create_staff(app, "ada@county.example.org", "public_defender", admin=True)
    # No password sign-in here: sign the admin in the way the provider route would.
    from bot.storage import staff_sessions

    with app.app_context():
        token = staff_sessions.start(
            user_id(app, "ada@county.example.org"), "signed_in", "provider"
        )
    admin = Staff(app, "ada@county.example.org")
    with admin.client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    html = admin.page("/staff/accounts")
    response = admin.client.post(
        "/staff/accounts",
        data={
            "email": "sam@da.example.org",
            "office": "district_attorney",
            "csrf_token": csrf_token(html),
        },
    )
    page = response.get_data(as_text=True)
    assert "They sign in with the county account" in page
    assert "/staff/password/" not in page


@pytest.mark.parametrize("email", ["not an address", "", "a@b"])
def test_a_bad_address_is_refused_with_a_message(admin, email):
    response = add(admin, email)
    assert response.status_code == 400
