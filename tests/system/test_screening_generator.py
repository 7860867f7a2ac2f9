"""The benchmark's synthetic files: readable, and varied enough to exercise every outcome."""

from __future__ import annotations

import io

from tests.support.paths import bench_module
from tests.support.screening_files import run_text


def _generated(rows: int, bad_rate: float) -> str:
    out = io.StringIO()
    bench_module("screening_generate").generate(out, rows, seed=7, bad_rate=bad_rate)
    return out.getvalue()


def test_a_generated_file_screens_cleanly_with_every_outcome():
    summary = run_text(_generated(3_000, bad_rate=0.0)).summary
    assert summary.bad_rows == 0
    assert min(summary.dismiss, summary.reduce, summary.review, summary.not_eligible) > 0
    assert 0 < summary.people_cleared < summary.people < summary.convictions


def test_a_generated_file_has_the_rows_asked_for_and_some_bad_ones_when_asked():
    text = _generated(2_000, bad_rate=0.05)
    assert text.count("\n") == 2_001
    assert 50 < run_text(text).summary.bad_rows < 150


def test_generation_is_repeatable_from_its_seed():
    assert _generated(500, 0.01) == _generated(500, 0.01)
