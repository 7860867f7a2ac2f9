"""The dependency rule, read from the imports: channels -> service -> core, service -> storage.

The core is plain Python over plain data (no Flask, no SQLAlchemy, no clock), the service knows
no web framework and no channel, and storage serves the layers above without knowing them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

BOT = ROOT / "bot"

#: For each layer, the imports it must never make (a module or any module under it).
FORBIDDEN = {
    "core": ("flask", "werkzeug", "sqlalchemy", "bot.clock", "bot.storage", "bot.service",
             "bot.web", "bot.channels", "bot.staff", "bot.screening_jobs", "bot.outbound"),
    "service": ("flask", "werkzeug", "bot.web", "bot.channels", "bot.staff",
                "bot.screening_jobs"),
    "storage": ("flask", "bot.service", "bot.web", "bot.channels", "bot.staff",
                "bot.screening_jobs"),
    "channels": ("sqlalchemy", "bot.storage", "bot.staff"),
}  # fmt: skip


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def breaks(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == rule or name.startswith(rule + ".") for rule in forbidden)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_the_dependency_rule_allows(layer):
    broken = {
        f"{path.relative_to(BOT)} imports {name}"
        for path in (BOT / layer).rglob("*.py")
        for name in imports(path)
        if breaks(name, FORBIDDEN[layer])
    }
    assert not broken, sorted(broken)


def test_the_core_never_reads_the_clock():
    """The host hands the engine "this year" and the screening its "as of" date."""
    calls = {
        f"{path.relative_to(BOT)}: {text}"
        for path in (BOT / "core").rglob("*.py")
        for text in ("datetime.now(", "date.today(", "time.time(")
        if text in path.read_text(encoding="utf-8")
    }
    assert not calls, sorted(calls)


def test_the_rule_is_checked_against_real_imports():
    """The check would notice: the SMS channel does import the service and the web layer."""
    found = imports(BOT / "channels" / "sms.py")
    assert "bot.service" in found
    assert breaks("bot.storage.db", FORBIDDEN["channels"])
