"""Figures for staff: how many checks by outcome, office, channel and week, and bar charts.

Charts are drawn on the server as inline SVG (no script, no outside service) from the same
numbers the page's tables show, so the tables are the accessible version of each chart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import clock
from bot.core.eligibility import OFFICES
from bot.staff import labels
from bot.storage.filters import Filters
from bot.storage.inquiries import (
    Scope,
    counts_by,
    created_times,
    text_counts,
    undelivered_replies,
)

ROW_HEIGHT = 28
LABEL_WIDTH = 330
BAR_SPACE = 300
CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + 60


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: one bar per row of its table."""

    key: str
    heading: str
    title: str
    description: str
    rows: list[tuple[str, int]]
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    count_heading: str = "Checks"

    @property
    def height(self) -> int:
        return max(1, len(self.rows)) * ROW_HEIGHT

    @property
    def bars(self) -> list[Bar]:
        top = max((count for _, count in self.rows), default=0)
        return [
            Bar(label, count, index * ROW_HEIGHT, round(BAR_SPACE * count / top) if top else 0)
            for index, (label, count) in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class Figures:
    total: int
    charts: list[Chart]
    undelivered: int = 0
    texts: dict[str, int] | None = None  # texts staff and callers started: sent, failed


def iso_week(moment: datetime) -> str:
    """The ISO week of a moment in the county's time, like ``2026-W48``."""
    year, week, _ = clock.as_utc(moment).astimezone(clock.COUNTY_TIME).isocalendar()
    return f"{year}-W{week:02d}"


def _monday(moment: datetime) -> date:
    day = clock.as_utc(moment).astimezone(clock.COUNTY_TIME).date()
    return day - timedelta(days=day.weekday())


def by_week(times: Iterable[datetime]) -> list[tuple[str, int]]:
    """Counts per ISO week, oldest first, with empty weeks in between shown as zero."""
    moments = list(times)
    if not moments:
        return []
    counts = Counter(iso_week(moment) for moment in moments)
    monday, last = min(map(_monday, moments)), max(map(_monday, moments))
    weeks = []
    while monday <= last:
        year, week, _ = monday.isocalendar()
        label = f"{year}-W{week:02d}"
        weeks.append((label, counts.get(label, 0)))
        monday += timedelta(days=7)
    return weeks


def _rows(counts: Mapping[str, int], names: Mapping[str, str]) -> list[tuple[str, int]]:
    """Every known value, even at zero, in a fixed order: charts compare week to week."""
    return [(name, counts.get(value, 0)) for value, name in names.items()]


def _chart(key: str, what: str, rows: list[tuple[str, int]]) -> Chart:
    summary = ", ".join(f"{label}: {count}" for label, count in rows) or "none"
    title = f"Checks by {what}"
    return Chart(
        key, what[0].upper() + what[1:], title, f"Finished checks by {what}. {summary}.", rows
    )


def figures(viewer: Scope, filters: Filters) -> Figures:
    """The counts the viewer may see, with the same filters as the inquiry list."""
    outcomes = counts_by("outcome", viewer, filters)
    offices = counts_by("office", viewer, filters)
    channels = counts_by("channel", viewer, filters)
    office_names = {
        office_id: office.name
        for office_id, office in OFFICES.items()
        if viewer.is_admin or office_id == viewer.office
    }
    charts = [
        _chart("outcome", "outcome", _rows(outcomes, labels.OUTCOMES)),
        _chart("office", "office", _rows(offices, office_names)),
        _chart("channel", "channel", _rows(channels, labels.CHANNELS)),
        _chart("week", "ISO week", by_week(created_times(viewer, filters))),
    ]
    undelivered = undelivered_replies(viewer, filters)
    texts = text_counts(viewer, filters)
    return Figures(sum(outcomes.values()), charts, undelivered, texts)
