"""How many SMS segments a text costs, written from the spec and GSM 03.38, not from bot/.

GSM-7 (the basic set, with the extension characters costing two septets each) is 160 characters
in one segment and 153 per segment beyond; any other character makes the whole text UCS-2: 70 in
one segment and 67 per segment beyond (counted in UTF-16 code units, so an emoji costs two).
"""

from __future__ import annotations

import math
import string

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    + string.digits
    + ":;<=>?¡"
    + string.ascii_uppercase
    + "ÄÖÑÜ§¿"
    + string.ascii_lowercase
    + "äöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE_GSM7, MULTI_GSM7 = 160, 153
SINGLE_UCS2, MULTI_UCS2 = 70, 67


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic set or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def non_gsm7(text: str) -> list[str]:
    """The characters that force ``text`` into UCS-2, in order of appearance, once each."""
    return list(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC | GSM7_EXTENSION))


def length(text: str) -> int:
    """Length in the units the encoding counts: septets for GSM-7, UTF-16 units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """The number of segments ``text`` is sent as (an empty text is one empty segment)."""
    size = length(text)
    single, multi = (SINGLE_GSM7, MULTI_GSM7) if is_gsm7(text) else (SINGLE_UCS2, MULTI_UCS2)
    if size <= single:
        return 1
    return math.ceil(size / multi)
