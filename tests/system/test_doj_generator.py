"""Synthetic DOJ files (bench/doj_generate.py) against the generator's own answers, and against
the same convictions written as our CSV: the two formats decide every conviction alike."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from bot.core.screening.formats import DOJ
from tests.support.paths import bench_module
from tests.support.screening_files import run_inputs


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("doj")
    names = bench_module("doj_generate").generate(
        folder / "doj.csv",
        6_000,
        seed=19,
        parts=3,
        twin=folder / "twin.csv",
        expected_out=folder / "expected.csv",
    )
    return folder, names


def _rows(path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_every_conviction_gets_the_outcome_the_generator_worked_out(generated):
    folder, names = generated
    files = [(name, (folder / name).read_text(encoding="utf-8")) for name in names]
    screened = run_inputs(files, as_of=date(2025, 6, 30), file_format=DOJ)
    expected = {
        (row["file"], int(row["line"])): (row["outcome"], row["reason"])
        for row in _rows(folder / "expected.csv")
    }
    got = {(r.file, r.line): (r.outcome, r.reason) for r in screened.results}
    assert screened.bad == []
    assert got == expected
    assert len(names) == 3 and {file for file, _ in got} == set(names)
    summary = screened.summary
    assert min(summary.dismiss, summary.reduce, summary.review, summary.not_eligible) > 0


def test_the_same_records_as_our_csv_give_the_same_outcome_for_every_conviction(generated):
    folder, names = generated
    doj = run_inputs(
        [(name, (folder / name).read_text(encoding="utf-8")) for name in names],
        file_format=DOJ,
    )
    twin_rows = _rows(folder / "twin.csv")
    twin = run_inputs([("twin.csv", (folder / "twin.csv").read_text(encoding="utf-8"))])
    by_doj_row = {(r.file, r.line): (r.outcome, r.reason) for r in doj.results}
    by_twin = {}
    for result in twin.results:
        row = twin_rows[result.line - 2]
        by_twin[row["doj_file"], int(row["doj_line"])] = (result.outcome, result.reason)
    assert by_twin == by_doj_row
    assert doj.summary.by_section == twin.summary.by_section
