"""What staff asked the inquiry list for: filters and a search box, read from the query string.

The search box takes either a reference or a phone number, typed however people type them. A
reference whose check character fails is a typo to report, never a silent "no results"; a
phone number becomes E.164, the form the SMS channel stores.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from bot.core import reference
from bot.core.eligibility import OFFICES
from bot.staff import labels

TYPO_MESSAGE = "Please check the reference: it has a typo (a wrong character, or two swapped)."
UNKNOWN_SEARCH_MESSAGE = "Search for a reference (it starts with SAC) or a phone number."
DATE_MESSAGE = "Write dates as year-month-day, like 2026-01-31."


class SearchKind(enum.Enum):
    NONE = "none"
    REFERENCE = "reference"
    PHONE = "phone"
    TYPO = "typo"
    UNKNOWN = "unknown"


SEARCH_WORDS = {
    SearchKind.PHONE: "search by phone number",
    SearchKind.TYPO: "search by a reference with a typo",
    SearchKind.UNKNOWN: "search that was neither a reference nor a phone number",
}


@dataclass(frozen=True)
class Search:
    kind: SearchKind
    value: str | None = None


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
        return date.fromisoformat(raw)
    except ValueError:
        if DATE_MESSAGE not in problems:
            problems.append(DATE_MESSAGE)
        return None


@dataclass(frozen=True)
class Filters:
    """The inquiry list's filters; unknown values are ignored rather than refused."""

    office: str | None = None
    outcome: str | None = None
    status: str | None = None
    channel: str | None = None
    start: date | None = None
    end: date | None = None
    q: str = ""
    search: Search = field(default_factory=lambda: Search(SearchKind.NONE))
    problems: tuple[str, ...] = ()

    @property
    def finds_nothing(self) -> bool:
        """A typo or an unreadable search shows a message and no inquiries."""
        return self.search.kind in (SearchKind.TYPO, SearchKind.UNKNOWN)

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments, to keep them across pages and the export."""
        values = {
            "q": self.q,
            "office": self.office,
            "outcome": self.outcome,
            "status": self.status,
            "channel": self.channel,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }
        return {name: value for name, value in values.items() if value}

    def describe(self) -> str:
        """The filters in words for the audit trail, naming no phone number."""
        parts = [f"{name}={value}" for name, value in self.args().items() if name != "q"]
        if self.search.kind is SearchKind.REFERENCE:
            parts.append(f"reference={self.search.value}")
        elif self.search.kind is not SearchKind.NONE:
            parts.append(SEARCH_WORDS[self.search.kind])
        return "; ".join(parts) or "no filters"


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Read the filters from a query string."""
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
