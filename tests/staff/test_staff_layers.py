"""The staff side reaches the database only through storage, and storage never through it.

Each table's statements then have one owner, and the office scope one place to live, so no
staff page can query around it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.staff import labels
from bot.storage import inquiries
from tests.support.paths import ROOT

STAFF = sorted((ROOT / "bot" / "staff").glob("*.py"))
STORAGE = [ROOT / "bot" / "storage" / name for name in ("inquiries.py", "staff.py", "filters.py")]
NOT_FOR_STAFF = ("sqlalchemy", "bot.storage.db", "bot.storage.models")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


@pytest.mark.parametrize("path", STAFF, ids=lambda path: path.name)
def test_staff_modules_leave_the_database_to_storage(path):
    assert not [name for name in imported(path) if _within(name, NOT_FOR_STAFF)]


@pytest.mark.parametrize("path", STORAGE, ids=lambda path: path.name)
def test_storage_does_not_depend_on_the_staff_pages(path):
    assert not [name for name in imported(path) if _within(name, ("bot.staff",))]


def test_every_status_storage_accepts_has_words_for_staff():
    assert tuple(labels.STATUSES) == inquiries.STATUSES
