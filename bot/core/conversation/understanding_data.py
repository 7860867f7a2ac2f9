"""The vocabulary and question structure, read once from their TOML files."""

from __future__ import annotations

import tomllib
from pathlib import Path

HERE = Path(__file__).parent
VOCABULARY = tomllib.loads((HERE / "vocabulary.toml").read_text(encoding="utf-8"))
QUESTIONS = tomllib.loads((HERE / "questions.toml").read_text(encoding="utf-8"))
