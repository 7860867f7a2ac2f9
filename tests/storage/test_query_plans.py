"""Every look-up a resident's message makes goes through an index, never a scan of a table."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from bot.storage.conversations import STATEMENTS
from bot.storage.db import db
from tests.support.apps import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="reads SQLite's query plans; PostgreSQL plans by table size"
)


@pytest.mark.parametrize(
    "name", sorted(name for name, found in STATEMENTS.items() if "sqlite" in found.dialects)
)
def test_the_hot_path_never_scans_a_table(app, name):
    with app.app_context():
        sql = STATEMENTS[name].sql(db.engine.dialect)
        params = {key: None for key in re.findall(r"(?<!:):([a-z_]+)", sql)}
        plan = [row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql), params)]
    assert not [step for step in plan if step.startswith("SCAN")], plan
