"""Code sections as courts write them: parsed once, compared by value."""

from __future__ import annotations

import pytest

from bot.core.screening.charges import classify
from bot.core.screening.sections import Section, parse_section


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("11359 HS", Section("HS", "11359", "", False)),
        ("11357(B) HS", Section("HS", "11357", "(B)", False)),
        ("HS 11360(a)", Section("HS", "11360", "(A)", False)),
        ("66411357(A) HS", Section("HS", "11357", "(A)", True)),
        ("664/187 PC", Section("PC", "187", "", True)),
        ("664-191.5 PC", Section("PC", "191.5", "", True)),
        ("187 PC", Section("PC", "187", "", False)),
        ("288(A)(1) PC", Section("PC", "288", "(A)(1)", False)),
        ("288 (a) (1) pc", Section("PC", "288", "(A)(1)", False)),
        ("273ab PC", Section("PC", "273AB", "", False)),
        ("H&S 11358", Section("HS", "11358", "", False)),
        ("11359 H.S.", Section("HS", "11359", "", False)),
        ("HSC 11360(A)(2)", Section("HS", "11360", "(A)(2)", False)),
        ("  11357.5(A) HS ", Section("HS", "11357.5", "(A)", False)),
        ("23152(A) VC", Section("VC", "23152", "(A)", False)),
        ("664 PC", Section("PC", "664", "", False)),
    ],
)
def test_sections_are_read_however_the_court_wrote_them(written, parsed):
    assert parse_section(written) == parsed


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("", "is not a code section"),
        ("SEE FILE", "is not a code section"),
        ("HS", "is not a code section"),
        ("11359", "names no code"),
        ("HS 11359 PC", "names two codes"),
        ("11359 HS FELONY", "is not a code section"),
    ],
)
def test_unreadable_sections_say_what_is_wrong(written, problem):
    with pytest.raises(ValueError, match=problem):
        parse_section(written)


@pytest.mark.parametrize(
    ("written", "offense"),
    [
        ("11357 HS", "possession"),
        ("11357(B) HS", "possession"),
        ("11357B HS", "possession"),
        ("11358 HS", "cultivation"),
        ("11359 HS", "possession_for_sale"),
        ("HS 11359(b)", "possession_for_sale"),
        ("66411359 HS", "possession_for_sale"),
        ("11360(A)(2) HS", "sale_transport"),
        ("HS 11360(a)", "sale_transport"),
        ("66411360(A) HS", "sale_transport"),
        ("11357.5 HS", None),
        ("11357.5(A) HS", None),
        ("113590 HS", None),
        ("11362.3 HS", None),
        ("11359 PC", None),
        ("11350(A) HS", None),
        ("23152(A) VC", None),
    ],
)
def test_only_hs_11357_to_11360_and_attempts_at_them_are_prop_64(written, offense):
    assert classify(written).offense == offense
