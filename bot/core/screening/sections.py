"""Read code sections the way courts write them: ``11359 HS``, ``HS 11360(a)``, ``66411357(A) HS``.

Court records put the code before or after the number, write subsections in any case and mark an
attempt by prefixing ``664`` (the attempt statute) to the section. Everything that compares
sections works on the parsed, upper-case form, so those spellings live in this one pattern.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CODE = r"[A-Z][A-Z&.]{0,5}"
_PATTERN = re.compile(
    rf"""
    (?:(?P<before>{_CODE})\s*)?                 # code first: HS 11360(A)
    (?P<attempt>664\s*[/-]?\s*(?=\d))?          # attempt: 66411357, 664/187, 664-187
    (?P<number>\d+(?:\.\d+)?[A-Z]{{0,2}})       # 11357, 191.5, 273AB, 288A
    (?P<subsection>(?:\s*\([0-9A-Z]{{1,4}}\))*) # (A)(1)
    (?:\s*(?P<after>{_CODE}))?                  # code last: 11359 HS
    """,
    re.VERBOSE,
)

#: Other spellings of the two codes the rules read; any other code is kept as written.
CODE_ALIASES = {"HSC": "HS", "H&S": "HS", "H&SC": "HS"}


class Section(NamedTuple):
    """A parsed code section: ``code`` (``HS``, ``PC``, ``VC``...), ``number`` (``11357``,
    ``273AB``), ``subsection`` (``(A)(1)`` or empty) and whether it is an attempt (``664``)."""

    code: str
    number: str
    subsection: str
    attempt: bool


def _code(match: re.Match[str]) -> str:
    before, after = match["before"], match["after"]
    if before and after and before != after:
        raise ValueError("names two codes")
    written = (before or after or "").replace(".", "")
    if not written:
        raise ValueError("names no code (HS, PC...)")
    return CODE_ALIASES.get(written, written)


def parse_section(text: str) -> Section:
    """Parse one code section; ``ValueError`` says what is wrong with an unreadable one."""
    match = _PATTERN.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError("is not a code section")
    subsection = re.sub(r"\s+", "", match["subsection"])
    return Section(_code(match), match["number"], subsection, match["attempt"] is not None)
