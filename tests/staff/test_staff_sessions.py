"""Sessions that really end: a copied cookie is worth nothing after sign-out, and the session
id changes at sign-in and again at the second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import clock
from tests.support.staff import Staff, create_staff


def copy_cookie(source: Staff, target: Staff) -> None:
    """What an attacker does with a stolen cookie: the same value, another browser."""
    cookie = source.client.get_cookie("session")
    assert cookie is not None
    target.client.set_cookie("session", cookie.value)


def test_after_sign_out_a_copied_cookie_gets_the_sign_in_page_from_another_address(app, pd):
    thief = Staff(app, "thief@example.org")
    thief.client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    thief.client.environ_base["HTTP_USER_AGENT"] = "Another browser"
    copy_cookie(pd, thief)
    assert thief.get("/staff/").status_code == 200  # a live session: the copy works, as it would
    pd.submit("/staff/", {}, to="/staff/logout")
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    assert thief.get("/staff/export.csv").status_code == 302


def test_a_cookie_copied_before_sign_out_stays_dead_even_if_the_owner_signs_in_again(app, pd):
    thief = Staff(app, "thief@example.org")
    copy_cookie(pd, thief)
    pd.submit("/staff/", {}, to="/staff/logout")
    assert pd.sign_in().status_code == 302
    assert pd.get("/staff/").status_code == 200
    assert thief.get("/staff/").status_code == 302


def test_signing_in_issues_a_new_session_id(app):
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    staff.page("/staff/login")
    before = staff.client.get_cookie("session")
    staff.sign_in()
    after = staff.client.get_cookie("session")
    assert before is not None and after is not None
    assert before.value != after.value
    planted = Staff(app, "pat@pd.example.org")  # a cookie fixed before sign-in opens nothing
    planted.client.set_cookie("session", before.value)
    assert planted.get("/staff/").status_code == 302


def test_the_second_factor_issues_another_session_id(app, make_staff):
    create_staff(app, "ada@county.example.org", "public_defender", admin=True)
    admin = Staff(app, "ada@county.example.org")
    admin.sign_in()  # enrols
    admin.submit("/staff/", {}, to="/staff/logout")
    response = admin.submit(
        "/staff/login", {"email": admin.email, "password": "correct horse battery staple"}
    )
    assert response.headers["Location"].endswith("/staff/login/code")
    halfway = admin.client.get_cookie("session")
    assert halfway is not None
    assert admin.get("/staff/").status_code == 302  # a password alone opens nothing
    assert admin.enter_code().status_code == 302
    done = admin.client.get_cookie("session")
    assert done is not None and done.value != halfway.value
    assert admin.get("/staff/").status_code == 200
    replay = Staff(app, admin.email)
    replay.client.set_cookie("session", halfway.value)
    assert replay.get("/staff/").status_code == 302
    assert replay.get("/staff/login/code").status_code == 302  # its pending step ended too


def test_a_session_idle_past_the_timeout_ends(app, pd, monkeypatch):
    assert pd.get("/staff/").status_code == 200
    later = clock.now() + timedelta(minutes=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = pd.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("command", ["deactivate-staff", "reset-password"])
def test_a_command_that_should_sign_an_account_out_ends_every_copy(app, pd, command):
    copy = Staff(app, pd.email)
    copy_cookie(pd, copy)
    result = app.test_cli_runner().invoke(
        args=[command, pd.email], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert pd.get("/staff/").status_code == 302
    assert copy.get("/staff/").status_code == 302
