"""Residents' inquiries for the staff pages to show, one routed to each office.

The staff accounts (``make_staff``, ``pd``, ``da``, ``admin``) are in ``tests/conftest.py``,
since bulk screening uses them too; the helpers are in ``tests/support/staff.py``.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.staff import DA_ANSWERS, PD_ANSWERS, finish_check


@pytest.fixture
def da_inquiry(client: FlaskClient) -> str:
    """A Sacramento possession conviction, sentence completed: routed to the DA."""
    return finish_check(client, "+19165550101", DA_ANSWERS)


@pytest.fixture
def pd_inquiry(client: FlaskClient) -> str:
    """A conviction in another county: routed to the Public Defender."""
    return finish_check(client, "+19165550202", PD_ANSWERS)
