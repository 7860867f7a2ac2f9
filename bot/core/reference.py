"""Check references of the form ``SAC-XXXX-XXXX``.

A reference is what a person reads back to us over the phone or types from a
letter, so it is built to survive that: Crockford base32 (no ``I``, ``L``,
``O`` or ``U`` to confuse), grouped 4-4, and the last of the 8 characters is a
Luhn mod 32 check character over the first 7. That lets us tell a typo (one
wrong character, or two neighbours swapped) apart from a reference that simply
does not exist.

Luhn mod 32 cannot see a swap of ``0`` and ``Z``, so generated references never
put those two side by side.
"""

import enum
import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32, in value order: a character's index is its value."""

PREFIX = "SAC"
PAYLOAD_LENGTH = 7
CODE_LENGTH = PAYLOAD_LENGTH + 1

_N = len(ALPHABET)
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
# Letters people write for the digits they look like (Crockford's decoding).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(payload: str) -> str:
    """Return the Luhn mod 32 check character for a 7-character payload.

    Standard Luhn mod N: double every other value starting from the rightmost,
    fold each product back into range (quotient plus remainder), and pick the
    character that brings the total to a multiple of N.
    """
    if len(payload) != PAYLOAD_LENGTH or not all(c in _VALUES for c in payload):
        raise ValueError(f"payload must be {PAYLOAD_LENGTH} characters of {ALPHABET}")
    total = 0
    factor = 2
    for char in reversed(payload):
        addend = factor * _VALUES[char]
        total += addend // _N + addend % _N
        factor = 3 - factor
    return ALPHABET[-total % _N]


def format_reference(code8: str) -> str:
    """Present 8 code characters the way people see them: ``SAC-XXXX-XXXX``."""
    return f"{PREFIX}-{code8[:4]}-{code8[4:]}"


def _has_blind_swap(code: str) -> bool:
    """True if the code has a ``0``/``Z`` pair, whose swap Luhn mod 32 misses."""
    return "0Z" in code or "Z0" in code


def generate() -> str:
    """Return a new random, formatted reference.

    Retries (rarely) until no ``0`` sits next to a ``Z``, so every adjacent
    swap in the result is detectable.
    """
    while True:
        payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
        code = payload + check_character(payload)
        if not _has_blind_swap(code):
            return format_reference(code)


class ReferenceStatus(enum.Enum):
    """What we can say about some text offered as a reference."""

    VALID = "valid"
    TYPO = "typo"  # right shape, but the check character does not match
    MALFORMED = "malformed"  # not a reference at all (e.g. a phone number)


@dataclass(frozen=True)
class ParsedReference:
    """Result of :func:`parse`; ``reference`` is canonical only when VALID."""

    status: ReferenceStatus
    reference: str | None


def _normalise(text: str) -> str:
    """Forgive how people write references: case, spacing, hyphens, prefix."""
    compact = "".join(c for c in text.upper() if not c.isspace() and c != "-")
    if len(compact) == len(PREFIX) + CODE_LENGTH and compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    return compact.translate(_LOOKALIKES)


def parse(text: str) -> ParsedReference:
    """Read a reference as typed or spoken; never raises for any ``str``."""
    code = _normalise(text)
    if len(code) != CODE_LENGTH or not all(c in _VALUES for c in code):
        return ParsedReference(ReferenceStatus.MALFORMED, None)
    if check_character(code[:PAYLOAD_LENGTH]) != code[PAYLOAD_LENGTH]:
        return ParsedReference(ReferenceStatus.TYPO, None)
    return ParsedReference(ReferenceStatus.VALID, format_reference(code))


def is_valid(text: str) -> bool:
    """True if ``text`` reads as a reference whose check character matches."""
    return parse(text).status is ReferenceStatus.VALID
