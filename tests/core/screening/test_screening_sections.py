"""Code sections as courts write them: parsed once, compared by value."""

from __future__ import annotations

import pytest

from bot.core.screening.charges import classify
from bot.core.screening.sections import Section, clean_section, parse_section


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


# Every code section in the public test suite of Code for America's gogen (the tool the 2019
# Sacramento clearance ran on), with gogen's answer: the Prop 64 section it names, or none.
GOGEN_CASES = [
    # Prop 64 sections, also with a leading "/".
    ("11358(c) HS", "cultivation"),
    ("/11357 HS", "possession"),
    # Attempts, joined to the section by ".", nothing, "-" or "/".
    ("664.11357(c) HS", "possession"),
    ("66411357(c) HS", "possession"),
    ("664-11357(c) HS", "possession"),
    ("664/11357(c) HS", "possession"),
    # Not Prop 64, though some look like it.
    ("12345(c) HS", None),
    ("322 PC", None),
    ("647(f) HS", None),
    ("4050.6 BP", None),
    ("14859 PC", None),
    ("647(f) PC", None),
    ("148.9 PC", None),
    ("4060    BP", None),
    ("--40508 VC--", None),
    ("1320(a) PC", None),
    ("186.22(A) PC", None),
    # Related charges: a description after "-", dashes around, stray spaces, attempts.
    ("32 PC-ACCESSORY", None),
    ("11366 HS-KEEP PLACE SELL CNTL SUB", None),
    ("11366.5 HS", None),
    ("--11366.5(A)HS--", None),
    ("11366.5  (B) HS", None),
    ("11366.5(C) HS-VIOL", None),
    ("664.32 PC", None),
    ("66432 PC", None),
    ("664-32 PC", None),
    ("664/32 PC", None),
    ("11366.5(D) HS W/PR", None),
    # gogen's 11357 subsection cases.
    ("11357(A) HS", "possession"),
    ("11357(C) HS", "possession"),
]


@pytest.mark.parametrize(("written", "offense"), GOGEN_CASES)
def test_every_gogen_matcher_case_is_read_and_gets_gogens_answer(written, offense):
    assert classify(written).offense == offense  # and no ValueError: none is a bad row


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("/11357 HS", Section("HS", "11357", "", False)),
        ("664.11357(c) HS", Section("HS", "11357", "(C)", True)),
        ("664-11357(C) HS", Section("HS", "11357", "(C)", True)),
        ("664.32 PC", Section("PC", "32", "", True)),
        ("664.1 PC", Section("PC", "664.1", "", False)),
        ("11360 HS-SELL/ETC MARIJ", Section("HS", "11360", "", False)),
        ("11357 HS - POSSESS", Section("HS", "11357", "", False)),
        ("--11359 HS--", Section("HS", "11359", "", False)),
        ("  -/ 11359 HS - - ", Section("HS", "11359", "", False)),
        ("--11366.5(A)HS--", Section("HS", "11366.5", "(A)", False)),
        ("11366.5  (B) HS", Section("HS", "11366.5", "(B)", False)),
        ("11366.5(D) HS W/PR", Section("HS", "11366.5", "(D)", False)),
    ],
)
def test_the_doj_spellings_are_read_as_the_section_they_name(written, parsed):
    assert parse_section(written) == parsed


@pytest.mark.parametrize(
    ("written", "offense"),
    [
        ("11357.5 HS", None),  # synthetic cannabinoids, whatever gogen's pattern does
        ("11357.5(A) HS-SELL SYNTHETIC CANNABINOID", None),
        ("/11357.5 HS", None),
        ("664-11357.5 HS", None),
    ],
)
def test_synthetic_cannabinoids_are_not_prop_64(written, offense):
    assert classify(written).offense == offense


@pytest.mark.parametrize(
    ("written", "cleaned"),
    [
        ("11360 HS-SELL/ETC MARIJ", "11360 HS"),
        ("--11359 HS--", "11359 HS"),
        ("664-11357(C) HS", "664-11357(C) HS"),
        ("/11357 HS", "11357 HS"),
        ("SEE COMMENT", "SEE COMMENT"),
    ],
)
def test_the_section_shown_in_results_is_the_text_without_its_description(written, cleaned):
    assert clean_section(written) == cleaned


@pytest.mark.parametrize("written", ["- SEE FILE", "11359-", "---", "11359 HS FELONY", "HS"])
def test_a_truly_unreadable_value_is_still_refused(written):
    with pytest.raises(ValueError):
        classify(written)
