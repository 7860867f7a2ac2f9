"""The second factor: enrolment with a QR code and the key as text, a six-digit code at every
sign-in with one step of drift either way and no step reused, ten single-use recovery codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from bot import clock
from bot.storage.db import db
from bot.storage.staff import AuditEvent, RecoveryCode, StaffUser
from bot.web.config import from_environment
from tests.support.apps import make_app
from tests.support.staff import PASSWORD, Staff, create_staff

STAFF_PAGES = ["/staff/", "/staff/stats", "/staff/export.csv", "/staff/inquiries/SAC-7K3D-9QX8"]


@pytest.fixture
def strict(database_url):
    """An app as deployed: a second factor for every password account."""
    return make_app(database_url, REQUIRE_MFA=True)


def password_only(app, email: str = "pat@pd.example.org") -> Staff:
    create_staff(app, email, "public_defender")
    staff = Staff(app, email)
    response = staff.submit("/staff/login", {"email": email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/staff/login/enrol")
    return staff


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_require_mfa_is_on_everywhere_but_development(tmp_path):
    assert from_environment(tmp_path, env={})["REQUIRE_MFA"] is True
    assert (
        from_environment(tmp_path, env={"RECORD_CHECK_ENV": "development"})["REQUIRE_MFA"] is False
    )
    both = {"RECORD_CHECK_ENV": "development", "REQUIRE_MFA": "1"}
    assert from_environment(tmp_path, env=both)["REQUIRE_MFA"] is True


def test_a_password_account_without_a_second_factor_reaches_no_staff_page_until_it_enrols(strict):
    staff = password_only(strict)
    for url in STAFF_PAGES:
        response = staff.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login"), url
    html = staff.page("/staff/login/enrol")
    assert '<img class="qr-code" src="data:image/svg+xml' in html
    key = re.search(r'<code class="totp-key">([A-Z2-7 ]+)</code>', html)
    assert key and len(key.group(1).replace(" ", "")) == 32
    assert staff.enrol().status_code == 200
    assert len(set(staff.recovery_codes)) == 10
    assert "Inquiries" in staff.page("/staff/")


def test_the_qr_code_carries_the_same_key_as_the_text(strict):
    import segno

    staff = password_only(strict)
    html = staff.page("/staff/login/enrol")
    key = re.search(r'<code class="totp-key">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    uri = pyotp.TOTP(key).provisioning_uri(name=staff.email, issuer_name="Record Check staff")
    expected = segno.make(uri, error="m").svg_data_uri(scale=5)
    assert expected in html.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')


def test_a_wrong_code_does_not_enrol_and_is_audited(strict):
    staff = password_only(strict)
    response = staff.submit("/staff/login/enrol", {"code": "000000"})
    assert "That code is not right" in response.get_data(as_text=True)
    assert staff.get("/staff/").status_code == 302
    assert "factor_failed" in actions(strict)


def test_admins_always_need_a_second_factor(app):
    assert app.config["REQUIRE_MFA"] is False
    create_staff(app, "ada@county.example.org", "public_defender", admin=True)
    admin = Staff(app, "ada@county.example.org")
    response = admin.submit("/staff/login", {"email": admin.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/staff/login/enrol")
    assert admin.get("/staff/audit").status_code == 302


def test_without_require_mfa_staff_sign_in_with_a_password_alone(app):
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    response = staff.submit("/staff/login", {"email": staff.email, "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def signed_out_and_back_at_the_code(staff: Staff) -> None:
    staff.submit("/staff/", {}, to="/staff/logout")
    response = staff.submit("/staff/login", {"email": staff.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/staff/login/code")


def code_at(staff: Staff, offset: int) -> str:
    totp = pyotp.TOTP(staff.secret)
    return totp.generate_otp(totp.timecode(clock.now()) + offset)


def test_codes_one_step_either_side_work_two_steps_do_not(strict, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    staff = password_only(strict)
    staff.enrol()
    later = start + timedelta(seconds=90)  # three steps on
    monkeypatch.setattr(clock, "now", lambda: later)
    signed_out_and_back_at_the_code(staff)
    assert staff.enter_code(code_at(staff, 2)).status_code == 200
    assert staff.enter_code(code_at(staff, -2)).status_code == 200
    assert staff.enter_code(code_at(staff, -1)).status_code == 302
    signed_out_and_back_at_the_code(staff)
    assert staff.enter_code(code_at(staff, 1)).status_code == 302
    signed_out_and_back_at_the_code(staff)
    assert staff.enter_code(code_at(staff, 0)).status_code == 200  # before the last one used


def test_a_code_is_never_accepted_twice_nor_one_from_an_earlier_step(strict):
    staff = password_only(strict)
    staff.enrol()
    used = staff.last_step
    totp = pyotp.TOTP(staff.secret)
    signed_out_and_back_at_the_code(staff)
    same = staff.enter_code(totp.generate_otp(used))
    assert "That code is not right, or was used already" in same.get_data(as_text=True)
    earlier = staff.enter_code(totp.generate_otp(used - 1))
    assert earlier.status_code == 200
    assert staff.get("/staff/").status_code == 302
    assert actions(strict).count("factor_failed") == 2


def test_recovery_codes_work_once_each_and_are_stored_hashed(strict):
    staff = password_only(strict)
    staff.enrol()
    code = staff.recovery_codes[0]
    with strict.app_context():
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in value or code in value for value in stored)
    signed_out_and_back_at_the_code(staff)
    assert staff.enter_code(code.lower()).status_code == 302  # typed any old way
    assert "recovery_code_used" in actions(strict)
    signed_out_and_back_at_the_code(staff)
    assert staff.enter_code(code).status_code == 200  # spent
    assert staff.get("/staff/").status_code == 302


def test_wrong_codes_are_limited_per_account(database_url):
    limited = make_app(database_url, REQUIRE_MFA=True, RATELIMIT_ENABLED=True)
    staff = password_only(limited)
    staff.enrol()
    signed_out_and_back_at_the_code(staff)
    statuses = [staff.enter_code("123456").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert staff.enter_code().status_code == 429  # even the right code waits now


def test_an_account_not_enrolled_is_shown_the_enrolment_again_not_the_code_page(strict):
    staff = password_only(strict)
    assert staff.get("/staff/login/code").status_code == 302
    with strict.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert user.totp_secret is None


def test_a_password_session_made_admin_must_enrol_before_its_next_page(app, admin, pd):
    number = None
    with app.app_context():
        number = db.session.scalars(select(StaffUser.id).where(StaffUser.email == pd.email)).one()
    admin.submit(
        f"/staff/accounts/{number}",
        {"office": "public_defender", "admin": "y"},
        to=f"/staff/accounts/{number}/change",
    )
    response = pd.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    again = pd.submit("/staff/login", {"email": pd.email, "password": PASSWORD})
    assert again.headers["Location"].endswith("/staff/login/enrol")
