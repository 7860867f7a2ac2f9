"""Signing in and out of the staff pages, sessions, and the limit on guessing passwords."""

from __future__ import annotations

import pytest

from tests.support.apps import make_app
from tests.support.staff import PASSWORD, Staff, create_staff, csrf_token

STAFF_PAGES = ["/staff/", "/staff/stats", "/staff/audit", "/staff/export.csv"]


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/staff/inquiries/SAC-7K3D-9QX8"])
def test_every_staff_page_sends_a_stranger_to_the_sign_in_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_the_sign_in_form_has_email_password_and_csrf_token_fields(client):
    html = client.get("/staff/login").get_data(as_text=True)
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert csrf_token(html)
    assert '<label for="email">' in html
    assert '<label for="password">' in html
    assert '<button type="submit">' in html


def test_right_credentials_sign_in_and_land_on_the_inquiries(app):
    create_staff(app, "Pat@PD.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    response = staff.sign_in()
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Inquiries" in staff.page("/staff/")


def test_signing_in_returns_to_the_staff_page_asked_for_but_never_another_site(app):
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    token = csrf_token(staff.page("/staff/login"))
    form = {"email": staff.email, "password": PASSWORD, "csrf_token": token}
    response = staff.client.post("/staff/login?next=/staff/stats", data=form)
    assert response.headers["Location"] == "/staff/stats"
    staff.client.post("/staff/logout", data={"csrf_token": csrf_token(staff.page("/staff/"))})
    token = csrf_token(staff.page("/staff/login"))
    form["csrf_token"] = token
    response = staff.client.post("/staff/login?next=https://evil.example/staff/", data=form)
    assert response.headers["Location"] == "/staff/"


def test_wrong_password_unknown_email_and_deactivated_account_get_the_same_message(app):
    create_staff(app, "pat@pd.example.org", "public_defender")
    create_staff(app, "gone@pd.example.org", "public_defender")
    app.test_cli_runner().invoke(args=["deactivate-staff", "gone@pd.example.org"])
    pages = [
        Staff(app, "pat@pd.example.org").sign_in("wrong password!!"),
        Staff(app, "nobody@pd.example.org").sign_in(),
        Staff(app, "gone@pd.example.org").sign_in(),
    ]
    messages = set()
    for response in pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "do not match an active account" in html
        messages.add(html.split('role="alert"')[1].split("</div>")[0])
    assert len(messages) == 1


def test_a_post_without_a_csrf_token_is_refused(app, pd):
    create_staff(app, "sam@pd.example.org", "public_defender")
    response = Staff(app, "sam@pd.example.org").client.post(
        "/staff/login", data={"email": "sam@pd.example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert pd.client.post("/staff/logout").status_code == 400
    assert "Inquiries" in pd.page("/staff/")  # still signed in


def test_signing_out_ends_the_session(pd):
    response = pd.submit("/staff/", {}, to="/staff/logout")
    assert response.status_code == 302
    assert pd.get("/staff/").status_code == 302


def test_a_deactivated_account_is_signed_out_on_its_next_request(app, pd):
    result = app.test_cli_runner().invoke(args=["deactivate-staff", pd.email])
    assert result.exit_code == 0
    response = pd.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_password_reset_signs_out_every_session_and_the_new_password_works(app, pd):
    result = app.test_cli_runner().invoke(
        args=["reset-password", pd.email], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert pd.get("/staff/").status_code == 302
    assert pd.sign_in().status_code == 200  # the old password no longer works
    assert pd.sign_in("a brand new passphrase").status_code == 302


def test_the_session_cookie_is_http_only_lax_and_expires_after_idle_minutes(app, pd):
    cookie = pd.client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert cookie.expires is not None
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60


def test_outside_testing_the_session_cookie_is_secure(database_url):
    served = make_app(database_url, TESTING=False)
    assert served.config["SESSION_COOKIE_SECURE"] is True
    with served.test_request_context():
        response = served.test_client().get("/staff/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_the_sixth_wrong_password_in_a_minute_gets_a_429_page_that_says_how_long(database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    create_staff(limited, "pat@pd.example.org", "public_defender")
    staff = Staff(limited, "pat@pd.example.org")
    for _ in range(5):
        assert staff.sign_in("not the password").status_code == 200
    token = csrf_token(staff.page("/staff/login"))
    response = staff.client.post(
        "/staff/login",
        data={"email": staff.email, "password": "not the password", "csrf_token": token},
    )
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert f"Wait {wait} seconds" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert staff.sign_in().status_code == 429  # even the right password waits, from here


def test_wrong_passwords_from_one_address_are_limited_across_accounts(database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    guesses = [Staff(limited, f"guess{n}@pd.example.org") for n in range(21)]
    statuses = [staff.sign_in("not the password").status_code for staff in guesses]
    assert statuses == [200] * 20 + [429]


def test_a_failed_sign_in_does_not_say_how_many_tries_are_left(database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    response = Staff(limited, "guess@pd.example.org").sign_in("not the password")
    assert response.status_code == 200
    assert not [name for name, _ in response.headers if name.lower().startswith("x-ratelimit")]


def test_signing_in_successfully_does_not_count_against_the_limit(database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    create_staff(limited, "pat@pd.example.org", "public_defender")
    staff = Staff(limited, "pat@pd.example.org")
    for _ in range(12):
        assert staff.sign_in().status_code == 302
        staff.submit("/staff/", {}, to="/staff/logout")


def test_each_app_keeps_its_own_limit_setting(database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    make_app(database_url)  # built later, with limits off: must not switch the first one's off
    guesses = [Staff(limited, "pat@pd.example.org") for _ in range(11)]
    assert [staff.sign_in("nope").status_code for staff in guesses][-1] == 429
