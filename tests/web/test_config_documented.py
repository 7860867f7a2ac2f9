"""Every setting the app reads from the environment is in both configuration tables."""

from __future__ import annotations

import re

import pytest

from bot.web.config import from_environment
from tests.support.paths import ROOT


class Recording(dict):
    """An environment that notes every name the settings ask it for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, name, default=None):
        self.asked.add(name)
        return super().get(name, default)


def section(path: str, title: str) -> str:
    text = (ROOT / path).read_text()
    found = re.search(rf"^## {title}\n(.*?)(?=^## )", text, re.S | re.M)
    assert found, f"{path} has no section {title}"
    return found.group(1)


def settings_read(tmp_path) -> set[str]:
    env = Recording()
    from_environment(tmp_path, env=env)
    return env.asked


@pytest.mark.parametrize("document", ["README.md", "docs/contract.md"])
def test_every_setting_is_in_the_configuration_table(tmp_path, document):
    table = section(document, "Configuration")
    missing = {name for name in settings_read(tmp_path) if f"`{name}`" not in table}
    assert missing == set()


def test_the_readme_says_how_to_treat_the_phone_hash_key_and_the_proxy_count():
    rotating = section("README.md", "Deploying")
    assert "PHONE_HASH_KEY" in rotating.split("**Rotating secrets.**")[1]
    assert "X-Forwarded-For" in rotating
