"""Fixtures: a real app on a real, migrated database for every test.

SQLite by default: the schema is migrated once into a template file that each test copies.
With TEST_DATABASE_URL (PostgreSQL), the run gets a schema of its own, migrated once, and every
test starts from empty tables; the schema is dropped at the end, since other runs share the server.

Helpers live in ``tests/support``; this file holds fixtures only.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from huey import Huey
from huey.storage import MemoryStorage

from bot.jobs.queue import huey
from tests.support.apps import (
    TEST_DATABASE_URL,
    empty_tables,
    make_app,
    migrate,
    postgres_schema,
    release,
)
from tests.support.staff import Staff, create_staff
from tests.support.texter import Texter
from tests.support.twilio_standin import TwilioStandIn


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or a PostgreSQL schema URL."""
    if not TEST_DATABASE_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate(f"sqlite:///{path}")
        yield str(path)
        return
    with postgres_schema("rc_test") as url:
        migrate(url)
        yield url


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty, migrated database for one test."""
    if not TEST_DATABASE_URL:
        path = tmp_path / "test.db"
        shutil.copy(database_template, path)
        yield f"sqlite:///{path}"
        return
    yield database_template
    empty_tables(database_template)


@pytest.fixture(autouse=True)
def jobs() -> Iterator[Huey]:
    """The job queue, in memory and empty for each test (run it with
    ``tests.support.texting.run_jobs``); no test writes the queue's file."""
    kept = huey.storage
    huey.storage = MemoryStorage(huey.name)
    yield huey
    huey.storage = kept


@pytest.fixture
def standin() -> Iterator[TwilioStandIn]:
    """Twilio's Messages API, stood in for by a local server that records every request."""
    server = TwilioStandIn()
    yield server
    server.stop()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    application = make_app(database_url)
    yield application
    release(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def texter(client: FlaskClient) -> Texter:
    return Texter(client)


# Staff members, signed in through the real form (the staff pages and bulk screening use them).


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., Staff]:
    """Create an account and sign it in: ``make_staff("a@pd.org", "public_defender")``."""

    def make(email: str, office: str, admin: bool = False) -> Staff:
        create_staff(app, email, office, admin)
        staff = Staff(app, email)
        response = staff.sign_in()
        assert response.status_code in (200, 302), response.status_code
        assert staff.get("/staff/").status_code == 200
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
