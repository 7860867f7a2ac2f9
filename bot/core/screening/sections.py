"""Read code sections the way courts and the DOJ write them: ``11359 HS``, ``HS 11360(a)``,
``66411357(A) HS``, ``/11357 HS``, ``664.11357(c) HS``, ``11360 HS-SELL/ETC MARIJ``.

Court records put the code before or after the number, write subsections in any case and mark an
attempt by prefixing ``664`` (the attempt statute) to the section, joined by nothing, ``.``,
``-`` or ``/``. The DOJ's research file adds stray leading ``/``, ``-`` and spaces, and a
description after a ``-``. Everything that compares sections works on the parsed, upper-case
form, so those spellings live here, in ``clean_section`` and one pattern.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CODE = r"[A-Z][A-Z&.]{0,5}"
_PATTERN = re.compile(
    rf"""
    (?:(?P<before>{_CODE})\s*)?                 # code first: HS 11360(A)
    (?P<attempt>664\s*(?:[/-]\s*(?=\d)|\.(?=\d{{2}})|(?=\d)))?  # 66411357, 664/187, 664.11357
    (?P<number>\d+(?:\.\d+)?[A-Z]{{0,2}})       # 11357, 191.5, 273AB, 288A
    (?P<subsection>(?:\s*\([0-9A-Z]{{1,4}}\))*) # (A)(1)
    (?:\s*(?P<after>{_CODE}))?                  # code last: 11359 HS
    (?:\s+W/.*)?                                # a qualifier: 11366.5(D) HS W/PR (with prior)
    """,
    re.VERBOSE,
)
#: Where a description starts: a ``-`` before a letter (``HS-SELL``, ``HS - POSSESS``), or
#: before nothing but dashes and spaces (``11359 HS--``). A ``-`` before a digit is kept: in
#: ``664-11357`` it joins an attempt to its section.
_DESCRIPTION = re.compile(r"-(?:\s*[A-Z]|[-\s]*$)")

#: Other spellings of the two codes the rules read; any other code is kept as written.
CODE_ALIASES = {"HS": "HS", "HSC": "HS", "H&S": "HS", "H&SC": "HS"}


class Section(NamedTuple):
    """A parsed code section: ``code`` (``HS``, ``PC``, ``VC``...), ``number`` (``11357``,
    ``273AB``), ``subsection`` (``(A)(1)`` or empty) and whether it is an attempt (``664``)."""

    code: str
    number: str
    subsection: str
    attempt: bool


def clean_section(text: str) -> str:
    """The section as written, without leading ``-``, ``/`` and spaces or a description after it.

    ``--11359 HS--`` is ``11359 HS``; ``11360 HS-SELL/ETC MARIJ`` is ``11360 HS``; ``664-11357(C)
    HS`` is kept whole (an attempt).
    """
    text = text.lstrip(" \t-/")
    cut = _DESCRIPTION.search(text.upper())
    if cut is not None:
        text = text[: cut.start()]
    return text.strip()


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
    match = _PATTERN.fullmatch(clean_section(text).upper())
    if match is None:
        raise ValueError("is not a code section")
    subsection = re.sub(r"\s+", "", match["subsection"])
    return Section(_code(match), match["number"], subsection, match["attempt"] is not None)
