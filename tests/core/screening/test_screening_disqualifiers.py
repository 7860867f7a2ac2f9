"""Serious priors: the county's list of Penal Code sections, subsections and homicide attempts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.core.screening.charges import classify
from bot.core.screening.disqualifiers import TABLE_FILE, is_homicide
from tests.support.paths import ROOT

SHARED_LIST = ROOT.parent / "shared" / "data" / "disqualifying_sections.csv"


@pytest.mark.parametrize(
    ("written", "disqualifying"),
    [
        ("187 PC", True),
        ("187(A) PC", True),
        ("PC 187(a)", True),
        ("664187 PC", True),
        ("664/187(A) PC", True),
        ("664190 PC", True),
        ("664191.5(A) PC", True),
        ("288(A)(1) PC", True),
        ("288(a)(1) pc", True),
        ("664288(A) PC", False),
        ("664261(A)(2) PC", False),
        ("245(D)(3) PC", True),
        ("245(d)(3)(A) PC", True),
        ("245(A)(1) PC", False),
        ("245 PC", False),
        ("261(A)(2) PC", True),
        ("286(C)(2) PC", True),
        ("286(B)(1) PC", True),
        ("288A PC", True),
        ("273AB PC", True),
        ("311.2(B) PC", True),
        ("311.2(A) PC", False),
        ("11418(A)(1) PC", True),
        ("11418(B) PC", False),
        ("236.1(A) PC", False),
        ("236.1(B) PC", True),
        ("187 HS", False),
        ("211 PC", False),
        ("11359 HS", False),
    ],
)
def test_listed_penal_code_sections_disqualify_with_subsections_and_homicide_attempts(
    written, disqualifying
):
    assert classify(written).disqualifying is disqualifying


def _entries(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        lines = [line for line in stream if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_every_entry_of_the_list_disqualifies_as_a_court_would_write_it():
    for entry in _entries(TABLE_FILE):
        written = f"{entry['section']}{entry['subsection'].upper()} PC"
        assert classify(written).disqualifying, written


@pytest.mark.skipif(not SHARED_LIST.exists(), reason="no shared/ folder beside the repository")
def test_the_packaged_list_is_the_shared_one():
    assert TABLE_FILE.read_text(encoding="utf-8") == SHARED_LIST.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("number", "homicide"),
    [("187", True), ("190", True), ("191.5", True), ("192", False), ("186.22", False)],
)
def test_homicide_sections_are_187_to_191_5(number, homicide):
    assert is_homicide(number) is homicide
