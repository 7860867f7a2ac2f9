"""Sign-in limits that hold across workers, are checked and counted in one step, and cannot be
turned against staff: one address guessing slows that address, never the account's owner."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.storage.db import db
from bot.storage.sign_in_limits import SignInLimit
from bot.web import staff_limits
from tests.support.apps import make_app
from tests.support.staff import PASSWORD, Staff, create_staff, csrf_token

EMAIL = "pat@pd.example.org"
ATTACKER = "198.51.100.7"
OWNER = "192.0.2.44"


@pytest.fixture
def limited(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    create_staff(app, EMAIL, "public_defender")
    return app


def browser(app, address: str, email: str = EMAIL) -> Staff:
    staff = Staff(app, email)
    staff.client.environ_base["REMOTE_ADDR"] = address
    return staff


def guess(staff: Staff, password: str = "not the password") -> int:
    return staff.sign_in(password).status_code


def test_100_parallel_wrong_passwords_check_at_most_5_and_the_owner_signs_in_at_once(limited):
    attackers = [browser(limited, ATTACKER) for _ in range(100)]
    forms = [
        {
            "email": EMAIL,
            "password": "not the password",
            "csrf_token": csrf_token(a.page("/staff/login")),
        }
        for a in attackers
    ]
    start = threading.Barrier(len(attackers))
    statuses: list[int] = []

    def attack(staff: Staff, form: dict[str, str]) -> None:
        start.wait()
        statuses.append(staff.client.post("/staff/login", data=form).status_code)

    threads = [
        threading.Thread(target=attack, args=pair) for pair in zip(attackers, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 100
    checked = statuses.count(200)  # a password was checked and found wrong
    assert 1 <= checked <= 5, statuses
    assert statuses.count(429) == 100 - checked
    owner = browser(limited, OWNER)
    assert owner.sign_in().status_code == 302
    assert "Inquiries" in owner.page("/staff/")


def test_counts_are_shared_by_every_worker(database_url, limited):
    other_worker = make_app(database_url, RATELIMIT_ENABLED=True)  # nothing in memory shared
    statuses = [guess(browser(app, ATTACKER)) for app in [limited, other_worker] * 3]
    assert statuses == [200] * 5 + [429]


def test_past_the_limit_each_try_waits_longer_not_for_ever(limited, monkeypatch):
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now)
    attacker = browser(limited, ATTACKER)
    assert [guess(attacker) for _ in range(6)] == [200] * 5 + [429]
    waits = []
    for _ in range(3):
        refused = attacker.sign_in("not the password")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        now += timedelta(seconds=wait)
        assert guess(attacker) == 200  # one more try after the wait
    assert waits[0] >= 12 and waits[1] >= 2 * waits[0] - 1 and waits[2] >= 2 * waits[1] - 1
    assert guess(attacker) == 429


def test_an_address_guessing_all_hour_never_locks_the_owner_out(limited, monkeypatch):
    now = clock.now()
    hour_later = now + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: now)
    attacker = browser(limited, ATTACKER)
    checked = 0
    for _ in range(400):  # as fast as the waits allow, for an hour
        response = attacker.sign_in("not the password")
        if response.status_code == 200:
            checked += 1
            continue
        now += timedelta(seconds=int(response.headers["Retry-After"]))
        if now > hour_later:
            break
    assert 10 <= checked <= 15  # 5 at once, then ever longer waits: far from the hourly 100
    assert browser(limited, OWNER).sign_in().status_code == 302


def test_many_addresses_reach_the_hourly_account_limit_then_tries_wait(limited):
    """A hundred addresses guessing once each (counted as the sign-in view counts them, without
    the hundred password checks that would make this test slow)."""
    for n in range(100):
        address = {"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"}
        with limited.test_request_context("/staff/login", environ_base=address):
            staff_limits.take_password_try(EMAIL)
    refused = browser(limited, OWNER).sign_in(PASSWORD)
    assert refused.status_code == 429  # the 101st try this hour waits: not a lockout
    assert 36 <= int(refused.headers["Retry-After"]) <= 37


def test_ipv6_addresses_count_by_their_64_network(limited):
    statuses = [guess(browser(limited, f"2001:db8:1:2::{n:x}")) for n in range(1, 7)]
    assert statuses == [200] * 5 + [429]
    assert guess(browser(limited, "2001:db8:1:3::1"), PASSWORD) == 302


def test_a_right_password_does_not_count_and_ends_its_addresses_count(limited):
    owner = browser(limited, OWNER)
    for _ in range(4):
        assert guess(owner) == 200
    assert guess(owner, PASSWORD) == 302
    owner.submit("/staff/", {}, to="/staff/logout")
    assert [guess(owner) for _ in range(6)] == [200] * 5 + [429]


def test_the_counts_hold_no_address_or_email(limited):
    guess(browser(limited, ATTACKER))
    with limited.app_context():
        keys = list(db.session.scalars(select(SignInLimit.key)))
    assert len(keys) == 3
    assert not [key for key in keys if EMAIL in key or ATTACKER in key or "pat" in key]
