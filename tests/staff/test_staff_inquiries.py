"""The inquiry list: newest first, paginated, filtered, and searched by reference or phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core import reference
from tests.support.staff import create_inquiry, days_ago, references_in
from tests.support.texter import Texter

ROW = re.compile(r'<tr class="inquiry-row">.*?</tr>', re.S)


def listed(html: str) -> list[str]:
    """The references in the results table, in order."""
    return [re.search(r"SAC-[0-9A-Z-]{9}", row).group() for row in ROW.findall(html)]


def test_the_list_shows_reference_date_channel_outcome_office_and_status(admin, da_inquiry):
    html = admin.page("/staff/")
    (row,) = ROW.findall(html)
    assert da_inquiry in row
    assert "Text message" in row
    assert "Dismiss (clear the conviction)" in row
    assert "Sacramento County District Attorney" in row
    assert "New" in row
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row)


def test_inquiries_are_listed_newest_first(app, admin):
    old = create_inquiry(app, created_at=days_ago(3))
    new = create_inquiry(app, created_at=days_ago(1))
    middle = create_inquiry(app, created_at=days_ago(2))
    assert listed(admin.page("/staff/")) == [new, middle, old]


def test_the_list_is_paginated_fifty_to_a_page(app, admin):
    made = [create_inquiry(app, created_at=days_ago(n)) for n in range(51)]
    first = admin.page("/staff/")
    assert listed(first) == made[:50]
    assert "Page 1 of 2" in first
    assert 'href="/staff/?page=2"' in first
    second = admin.page("/staff/?page=2")
    assert listed(second) == made[50:]
    assert 'href="/staff/?page=1"' in second
    assert listed(admin.page("/staff/?page=99")) == made[50:]
    assert listed(admin.page("/staff/?page=nonsense")) == made[:50]


def test_pages_keep_the_filters(app, admin):
    for n in range(51):
        create_inquiry(app, outcome="reduce", created_at=days_ago(n))
    html = admin.page("/staff/?outcome=reduce")
    assert 'href="/staff/?page=2&amp;outcome=reduce"' in html


def test_a_valid_reference_finds_exactly_that_inquiry(app, admin):
    wanted = create_inquiry(app)
    create_inquiry(app)
    assert listed(admin.page(f"/staff/?q={wanted}")) == [wanted]


@pytest.mark.parametrize(
    "typed", ["{code}", "{code_lower}", "sac{code_lower}", "  SAC {first} {second} "]
)
def test_a_reference_typed_loosely_finds_the_inquiry(app, admin, typed):
    wanted = create_inquiry(app)
    create_inquiry(app)
    code = wanted[4:8] + wanted[9:13]  # by position: a code may itself contain "SAC-"
    query = typed.format(
        code=code, code_lower=code.lower(), first=code[:4].lower(), second=code[4:]
    )
    assert listed(admin.page(f"/staff/?q={query}")) == [wanted]


def test_a_reference_with_one_wrong_character_is_reported_as_a_typo(app, admin):
    wanted = create_inquiry(app)
    wrong = "0" if wanted[5] != "0" else "1"
    typo = wanted[:5] + wrong + wanted[6:]
    assert not reference.is_valid(typo)
    html = admin.page(f"/staff/?q={typo}")
    assert "check the reference: it has a typo" in html
    assert listed(html) == []
    assert "No inquiries match." not in html


def test_a_reference_with_two_neighbours_swapped_is_reported_as_a_typo(admin):
    html = admin.page("/staff/?q=SAC-7K3D-Q9X8")
    assert "check the reference: it has a typo" in html


@pytest.mark.parametrize(
    "typed",
    [
        "+19165550101",
        "(916) 555-0101",
        "916-555-0101",
        "916.555.0101",
        "9165550101",
        "1 916 555 0101",
    ],
)
def test_a_phone_number_in_any_format_finds_that_residents_inquiries(
    admin, da_inquiry, pd_inquiry, typed
):
    html = admin.page(f"/staff/?q={typed}")
    assert listed(html) == [da_inquiry]


def test_a_search_that_is_neither_reference_nor_phone_says_what_to_type(admin, da_inquiry):
    html = admin.page("/staff/?q=hello")
    assert "reference (it starts with SAC) or a phone number" in html
    assert listed(html) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=dismiss", ["dismissed"]),
        ("outcome=review", ["review"]),
        ("status=contacted", ["contacted"]),
        ("channel=sms", ["sms"]),
        ("office=district_attorney", ["da"]),
        ("office=district_attorney&outcome=review", []),
        ("outcome=bogus", ["review", "contacted", "sms", "da", "dismissed"]),
    ],
)
def test_filters_narrow_the_list(app, admin, query, expected):
    made = {
        "dismissed": create_inquiry(app, outcome="dismiss", created_at=days_ago(1)),
        "da": create_inquiry(
            app, office="district_attorney", outcome="reduce", created_at=days_ago(2)
        ),
        "sms": create_inquiry(app, channel="sms", outcome="not_eligible", created_at=days_ago(3)),
        "contacted": create_inquiry(
            app, status="contacted", outcome="reduce", created_at=days_ago(4)
        ),
        "review": create_inquiry(app, outcome="review", created_at=days_ago(5)),
    }
    html = admin.page(f"/staff/?{query}")
    assert sorted(listed(html)) == sorted(made[name] for name in expected)


def test_a_date_range_counts_whole_days_in_the_county(app, admin):
    # 2026-03-02 07:59 UTC is still March 1 in Sacramento; 08:00 UTC is March 2.
    late_on_first = create_inquiry(app, created_at=datetime(2026, 3, 2, 7, 59, tzinfo=UTC))
    on_second = create_inquiry(app, created_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    on_third = create_inquiry(app, created_at=datetime(2026, 3, 3, 20, 0, tzinfo=UTC))
    assert listed(admin.page("/staff/?from=2026-03-02&to=2026-03-02")) == [on_second]
    assert listed(admin.page("/staff/?to=2026-03-01")) == [late_on_first]
    assert listed(admin.page("/staff/?from=2026-03-02")) == [on_third, on_second]


def test_a_date_that_is_not_a_date_is_explained_and_ignored(app, admin):
    made = create_inquiry(app)
    html = admin.page("/staff/?from=yesterday")
    assert "Write dates as year-month-day" in html
    assert listed(html) == [made]


def test_checks_still_in_progress_are_not_listed(client, admin):
    Texter(client, phone="+19165550303").text("Hi")
    assert references_in(admin.page("/staff/")) == set()


def statements_to_render(app, staff, url: str) -> int:
    """How many SQL statements one page of the staff site takes."""
    from sqlalchemy import event

    from bot.storage.db import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert staff.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_list_takes_as_many_statements_for_fifty_rows_as_for_two(app, admin):
    for n in range(2):
        create_inquiry(app, created_at=days_ago(n))
    few = statements_to_render(app, admin, "/staff/")
    for n in range(2, 50):
        create_inquiry(app, created_at=days_ago(n))
    many = statements_to_render(app, admin, "/staff/")
    assert len(listed(admin.page("/staff/"))) == 50
    assert many == few, "no statement per row (N+1)"
