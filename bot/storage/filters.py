"""What a staff list is asked with and answers with: its filters, and one page of rows.

Plain data, with no request in it: the staff side reads these from a query string, storage turns
them into statements, and neither needs to know how the other does its part.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PAGE_SIZE = 50


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


@dataclass(frozen=True)
class Page:
    """One page of a list, with what pagination links need."""

    rows: Sequence[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def last_page_number(total: int, size: int) -> int:
    """The number of the last page, so that a page asked for past the end shows the last one."""
    return max(1, -(-total // size))
