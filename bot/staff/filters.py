"""What staff asked the inquiry list for: filters and a search box, read from the query string.

The search box takes either a reference or a phone number, typed however people type them. A
reference whose check character fails is a typo to report, never a silent "no results"; a
phone number becomes E.164, the form the SMS channel stores. A date that cannot be a filter
(outside ``EARLIEST`` to ``LATEST``) is a 400 with a message. What is read is plain data
(``bot.storage.filters``), which storage turns into a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import phonenumbers
from werkzeug.exceptions import BadRequest

from bot.core import reference
from bot.core.eligibility import OFFICES
from bot.staff import labels
from bot.storage.filters import Filters, Search, SearchKind

TYPO_MESSAGE = "Please check the reference: it has a typo (a wrong character, or two swapped)."
UNKNOWN_SEARCH_MESSAGE = "Search for a reference (it starts with SAC) or a phone number."
DATE_MESSAGE = "Write dates as year-month-day, like 2026-01-31."
#: The dates a filter may name; beyond them a day's bounds overflow what times can hold.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
RANGE_MESSAGE = f"Dates must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}."


def phone_e164(text: str) -> str | None:
    """A US phone number in any usual format, as E.164; ``None`` when it is not one."""
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def interpret(text: str) -> Search:
    """Decide what the search box holds: a reference, a typo of one, or a phone number."""
    text = text.strip()
    if not text:
        return Search(SearchKind.NONE)
    parsed = reference.parse(text)
    if parsed.status is reference.ReferenceStatus.VALID:
        return Search(SearchKind.REFERENCE, parsed.reference)
    if parsed.status is reference.ReferenceStatus.TYPO:
        return Search(SearchKind.TYPO)
    phone = phone_e164(text)
    if phone is not None:
        return Search(SearchKind.PHONE, phone)
    return Search(SearchKind.UNKNOWN)


def _choice(args: Mapping[str, str], name: str, allowed: Mapping[str, object]) -> str | None:
    value = args.get(name, "").strip()
    return value if value in allowed else None


def _date(args: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        if DATE_MESSAGE not in problems:
            problems.append(DATE_MESSAGE)
        return None
    if not EARLIEST <= day <= LATEST:
        raise BadRequest(RANGE_MESSAGE)
    return day


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Read the filters from a query string; a date out of range is a 400 (``BadRequest``)."""
    problems: list[str] = []
    q = args.get("q", "").strip()[:100]
    search = interpret(q)
    if search.kind is SearchKind.TYPO:
        problems.append(TYPO_MESSAGE)
    elif search.kind is SearchKind.UNKNOWN:
        problems.append(UNKNOWN_SEARCH_MESSAGE)
    return Filters(
        office=_choice(args, "office", OFFICES),
        outcome=_choice(args, "outcome", labels.OUTCOMES),
        status=_choice(args, "status", labels.STATUSES),
        channel=_choice(args, "channel", labels.CHANNELS),
        start=_date(args, "from", problems),
        end=_date(args, "to", problems),
        q=q,
        search=search,
        problems=tuple(problems),
    )


def page_number(args: Mapping[str, str]) -> int:
    try:
        return max(1, int(args.get("page", "1")))
    except ValueError:
        return 1
