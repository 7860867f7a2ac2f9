"""Where things are in the repository, so a test reads the same files wherever it lives."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
#: The residents' texts of the understanding corpus (read by bench/understanding.py too).
DATA = TESTS / "data"
#: The readable conversations replayed over every channel.
TRANSCRIPTS = TESTS / "transcripts"
BENCH = ROOT / "bench"


def bench_module(name: str) -> ModuleType:
    """A script of ``bench/``, imported as it imports its neighbours (``bench/`` on the path)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)
