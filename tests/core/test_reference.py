"""Tests for check references (``SAC-XXXX-XXXX``, Luhn mod 32 check character)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.reference import (
    ALPHABET,
    ParsedReference,
    ReferenceStatus,
    check_character,
    format_reference,
    generate,
    is_valid,
    parse,
)

REFERENCE_PATTERN = re.compile(r"^SAC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
VALID_VECTORS = ["SAC-7K3D-9QX8", "SAC-0000-001Y", "SAC-ZZZZ-ZZZ7"]
TYPO_VECTORS = ["SAC-7K3D-9QX9", "SAC-7K3D-Q9X8"]
# A valid reference containing the digit 1, for the I/L look-alike tests.
VALID_WITH_ONES = "SAC-7K1D-9Q15"


def code_of(reference: str) -> str:
    """The 8 code characters (a code may itself hold "SAC", so nothing is replaced)."""
    return reference[4:8] + reference[9:13]


def test_the_alphabet_is_crockford_base32():
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(ALPHABET)) == 32


@pytest.mark.parametrize("reference", [*VALID_VECTORS, VALID_WITH_ONES])
def test_the_spec_vectors_are_valid(reference):
    assert parse(reference) == ParsedReference(ReferenceStatus.VALID, reference)
    assert is_valid(reference)
    code = code_of(reference)
    assert check_character(code[:7]) == code[7]


@pytest.mark.parametrize("reference", TYPO_VECTORS)
def test_the_spec_typo_vectors_are_reported_as_typos(reference):
    assert parse(reference) == ParsedReference(ReferenceStatus.TYPO, None)
    assert not is_valid(reference)


def test_format_reference_groups_the_code_four_and_four():
    assert format_reference("7K3D9QX8") == "SAC-7K3D-9QX8"


def test_check_character_rejects_a_payload_of_the_wrong_shape():
    with pytest.raises(ValueError):
        check_character("7K3D9Q")
    with pytest.raises(ValueError):
        check_character("7K3D9QU")


def test_generated_references_are_unique_valid_well_formed_and_swap_safe():
    references = [generate() for _ in range(10_000)]
    assert len(set(references)) == len(references)
    for reference in references:
        assert REFERENCE_PATTERN.match(reference), reference
        code = code_of(reference)
        assert "0Z" not in code and "Z0" not in code, reference
        assert parse(reference) == ParsedReference(ReferenceStatus.VALID, reference)


def single_substitutions(code: str):
    for i, original in enumerate(code):
        for replacement in ALPHABET:
            if replacement != original:
                yield code[:i] + replacement + code[i + 1 :]


def adjacent_transpositions(code: str):
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def test_a_single_wrong_character_is_reported_as_a_typo():
    for _ in range(300):
        code = code_of(generate())
        for mistyped in single_substitutions(code):
            assert parse(mistyped).status is ReferenceStatus.TYPO, (code, mistyped)


def test_two_swapped_neighbours_are_reported_as_a_typo():
    for _ in range(300):
        code = code_of(generate())
        for swapped in adjacent_transpositions(code):
            assert parse(swapped).status is ReferenceStatus.TYPO, (code, swapped)


def test_swapping_zero_and_z_is_the_blind_spot_generation_avoids():
    # Why generate() keeps 0 and Z apart: Luhn mod 32 cannot see this swap.
    payload = "7K3D90Z"
    code = payload + check_character(payload)
    swapped = code[:5] + "Z0" + code[7:]
    assert parse(code).status is ReferenceStatus.VALID
    assert parse(swapped).status is ReferenceStatus.VALID


@pytest.mark.parametrize(
    "typed",
    ["sac 7k3d 9qx8", "SAC7K3D9QX8", "sac-7k3d-9qx8", "7K3D9QX8", "7k3d-9qx8"],
)
def test_case_spaces_hyphens_and_the_prefix_are_ignored(typed):
    assert parse(typed) == ParsedReference(ReferenceStatus.VALID, "SAC-7K3D-9QX8")


def test_other_whitespace_is_ignored_too():
    assert parse("\tSAC-7K3D\n9QX8 ").reference == "SAC-7K3D-9QX8"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SAC-OOOO-OO1Y", "SAC-0000-001Y"),
        ("sac-oooo-ooiy", "SAC-0000-001Y"),
        ("SAC-7KID-9QI5", VALID_WITH_ONES),
        ("SAC-7KLD-9QL5", VALID_WITH_ONES),
        ("sac 7kid 9ql5", VALID_WITH_ONES),
    ],
)
def test_o_is_read_as_zero_and_i_and_l_as_one(typed, expected):
    assert parse(typed) == ParsedReference(ReferenceStatus.VALID, expected)


@pytest.mark.parametrize(
    "text",
    ["", "916-874-5578", "hello", "SAC-7K3D-9QX", "SAC-7K3D-9QXU", "   ", "SAC"],
)
def test_text_that_is_not_a_reference_is_malformed(text):
    assert parse(text) == ParsedReference(ReferenceStatus.MALFORMED, None)
    assert not is_valid(text)


@given(st.text())
def test_parse_never_raises_and_only_valid_results_carry_a_reference(text):
    result = parse(text)
    assert isinstance(result.status, ReferenceStatus)
    assert (result.reference is not None) == (result.status is ReferenceStatus.VALID)
    if result.status is ReferenceStatus.VALID:
        assert parse(result.reference) == result


@given(st.text(alphabet=ALPHABET + "OILoil -sacSAC", max_size=14))
def test_a_valid_result_round_trips_through_parse_to_itself(text):
    result = parse(text)
    if result.status is ReferenceStatus.VALID:
        assert REFERENCE_PATTERN.match(result.reference)
        assert parse(result.reference) == result


@given(st.text(alphabet=ALPHABET, min_size=7, max_size=7))
def test_any_payload_with_its_check_character_is_valid(payload):
    reference = format_reference(payload + check_character(payload))
    assert parse(reference) == ParsedReference(ReferenceStatus.VALID, reference)


def test_a_code_that_itself_contains_sac_parses_to_itself():
    payload = "XSAC7J9"
    reference = f"SAC-{payload[:4]}-{payload[4:]}{check_character(payload)}"
    assert parse(reference) == ParsedReference(ReferenceStatus.VALID, reference)
    assert parse(reference.replace("-", "")).reference == reference
