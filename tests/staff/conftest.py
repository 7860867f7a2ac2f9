"""Residents' inquiries for the staff pages to show, one routed to each office.

The staff accounts (``make_staff``, ``pd``, ``da``, ``admin``) are in ``tests/conftest.py``,
since bulk screening uses them too; the helpers are in ``tests/support/staff.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from tests.support.provider import Provider, running_provider
from tests.support.staff import DA_ANSWERS, PD_ANSWERS, finish_check


@pytest.fixture
def da_inquiry(client: FlaskClient) -> str:
    """A Sacramento possession conviction, sentence completed: routed to the DA."""
    return finish_check(client, "+19165550101", DA_ANSWERS)


@pytest.fixture
def pd_inquiry(client: FlaskClient) -> str:
    """A conviction in another county: routed to the Public Defender."""
    return finish_check(client, "+19165550202", PD_ANSWERS)


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[Provider]:
    """One OpenID Connect provider on a local port for the whole run (each test uses its own
    subjects)."""
    with running_provider() as provider:
        yield provider


@pytest.fixture
def insecure_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local provider speaks plain HTTP: allowed in the tests alone."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
