"""Staff members in a browser, and residents' inquiries for them to read.

Accounts are made with the real ``create-staff`` command (password on standard input); staff
sign in through the real form and post every form with the CSRF token read from the page, as a
browser does. Inquiries come from residents texting the real webhook, or, when a test needs
many, from ``create_inquiry``, which saves rows the way the store does.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.staff.staff_support import DA_ANSWERS, PD_ANSWERS, Staff, create_staff, finish_check


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., Staff]:
    """Create an account and sign it in: ``make_staff("a@pd.org", "public_defender")``."""

    def make(email: str, office: str, admin: bool = False) -> Staff:
        create_staff(app, email, office, admin)
        staff = Staff(app, email)
        assert staff.sign_in().status_code == 302
        return staff

    return make


@pytest.fixture
def pd(make_staff) -> Staff:
    return make_staff("pat@pd.example.org", "public_defender")


@pytest.fixture
def da(make_staff) -> Staff:
    return make_staff("dana@da.example.org", "district_attorney")


@pytest.fixture
def admin(make_staff) -> Staff:
    return make_staff("ada@county.example.org", "public_defender", admin=True)


@pytest.fixture
def da_inquiry(client: FlaskClient) -> str:
    """A Sacramento possession conviction, sentence completed: routed to the DA."""
    return finish_check(client, "+19165550101", DA_ANSWERS)


@pytest.fixture
def pd_inquiry(client: FlaskClient) -> str:
    """A conviction in another county: routed to the Public Defender."""
    return finish_check(client, "+19165550202", PD_ANSWERS)
