"""Figures: counts by outcome, office, channel and ISO week, as tables and inline SVG charts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.staff.stats import by_week, iso_week
from tests.support.staff import create_inquiry


def table(html: str, title: str) -> dict[str, int]:
    """The numbers in the table captioned ``title``."""
    body = html.split(f"<caption>{title}</caption>")[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="number">(\d+)</td>', body)
    return {label: int(count) for label, count in rows}


def test_counts_by_outcome_office_channel_and_week_are_right(app, admin):
    monday = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # ISO week 2026-W10
    next_week = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 2026-W11
    in_two_weeks = datetime(2026, 3, 17, 18, 0, tzinfo=UTC)  # 2026-W12
    create_inquiry(app, outcome="dismiss", office="district_attorney", created_at=monday)
    create_inquiry(
        app, outcome="dismiss", office="district_attorney", channel="voice", created_at=monday
    )
    create_inquiry(
        app, outcome="reduce", office="district_attorney", channel="sms", created_at=monday
    )
    create_inquiry(app, outcome="review", channel="sms", created_at=in_two_weeks)
    html = admin.page("/staff/stats")
    assert "4 finished checks." in html
    assert table(html, "Checks by outcome") == {
        "Dismiss (clear the conviction)": 2,
        "Reduce the felony to a misdemeanor": 1,
        "Needs a lawyer&#39;s review": 1,
        "Not eligible under Prop 64": 0,
    }
    assert table(html, "Checks by office") == {
        "Sacramento County Public Defender": 1,
        "Sacramento County District Attorney": 3,
    }
    assert table(html, "Checks by channel") == {"Text message": 2, "Phone call": 1, "Web chat": 1}
    assert table(html, "Checks by ISO week") == {"2026-W10": 3, "2026-W11": 0, "2026-W12": 1}
    assert next_week  # an empty week between two busy ones is shown as zero


def test_a_staff_member_counts_only_their_office(app, make_staff):
    create_inquiry(app, outcome="dismiss", office="district_attorney")
    create_inquiry(app, outcome="review", office="public_defender")
    create_inquiry(app, outcome="review", office="public_defender")
    da = make_staff("dana@da.example.org", "district_attorney")
    html = da.page("/staff/stats")
    assert table(html, "Checks by office") == {"Sacramento County District Attorney": 1}
    assert table(html, "Checks by outcome")["Needs a lawyer&#39;s review"] == 0


def test_the_dates_narrow_the_figures(app, admin):
    create_inquiry(app, created_at=datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    create_inquiry(app, created_at=datetime(2026, 4, 2, 18, 0, tzinfo=UTC))
    html = admin.page("/staff/stats?from=2026-04-01")
    assert "1 finished check, created from 2026-04-01" in html


def test_each_chart_is_inline_svg_with_a_title_a_description_and_no_script(app, admin):
    create_inquiry(app, outcome="dismiss")
    html = admin.page("/staff/stats")
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 4
    for chart in charts:
        assert 'role="img"' in chart
        assert re.search(r'aria-labelledby="chart-\w+-title chart-\w+-desc"', chart)
        assert "<title id=" in chart
        assert "<desc id=" in chart
        assert "<rect" in chart
    assert "<script" not in html
    assert "Dismiss (clear the conviction): 1" in charts[0]


def test_iso_weeks_are_the_countys_weeks():
    # Monday 2026-03-02 03:00 UTC is still Sunday evening in Sacramento: week 9.
    assert iso_week(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)) == "2026-W09"
    assert iso_week(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == "2026-W10"
    assert iso_week(datetime(2027, 1, 1, 20, 0, tzinfo=UTC)) == "2026-W53"


def test_weeks_run_without_gaps_from_the_first_to_the_last():
    times = [datetime(2026, 12, 22, 20, tzinfo=UTC), datetime(2027, 1, 5, 20, tzinfo=UTC)]
    assert by_week(times) == [("2026-W52", 1), ("2026-W53", 0), ("2027-W01", 1)]
    assert by_week([]) == []
