"""The CSV export: the filtered inquiries, streamed, audited and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from bot.staff.export import safe
from bot.storage.db import db
from bot.storage.staff import AuditEvent
from tests.support.staff import create_inquiry, days_ago


def export(staff, query: str = "") -> list[dict[str, str]]:
    response = staff.get(f"/staff/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def exports(app) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return list(found)


def test_the_export_has_one_row_per_inquiry_without_message_bodies(da, da_inquiry):
    (row,) = export(da)
    assert row["reference"] == da_inquiry
    assert row["outcome"] == "dismiss"
    assert row["office"] == "district_attorney"
    assert row["channel"] == "sms"
    assert row["offense"] == "possession"
    assert row["conviction_year"] == "2009"
    assert row["phone"] == "'+19165550101"  # defused: a leading + would start a formula
    assert "messages" not in row
    assert "weed possession" not in str(row)


def test_bodies_1_adds_the_messages(da, da_inquiry):
    (row,) = export(da, "?bodies=1")
    assert "resident: weed possession" in row["messages"]
    assert "bot: " in row["messages"]
    assert da_inquiry in row["messages"]


def test_the_export_follows_the_filters_and_holds_every_page(app, admin):
    reduced = [create_inquiry(app, outcome="reduce", created_at=days_ago(n)) for n in range(55)]
    create_inquiry(app, outcome="dismiss")
    rows = export(admin, "?outcome=reduce")
    assert [row["reference"] for row in rows] == reduced


def test_a_typo_in_the_search_exports_nothing(app, admin):
    create_inquiry(app)
    assert export(admin, "?q=SAC-7K3D-9QX9") == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1234", "'+1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain words", "plain words"),
        ("2009", "2009"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_defused(cell, expected):
    assert safe(cell) == expected


def test_notes_written_as_a_formula_are_defused_in_the_export(app, admin):
    create_inquiry(app, notes="=cmd|' /C calc'!A0")
    (row,) = export(admin)
    assert row["notes"] == "'=cmd|' /C calc'!A0"


def test_every_export_leaves_an_audit_event_naming_its_inquiries_and_filters(
    app, admin, da_inquiry, pd_inquiry
):
    export(admin)
    export(admin, "?office=district_attorney&bodies=1")
    export(admin, "?q=%2B19165550101")
    first, second, third = exports(app)
    assert sorted(first.inquiry_refs) == sorted([da_inquiry, pd_inquiry])
    assert first.detail == "no filters"
    assert second.inquiry_refs == [da_inquiry]
    assert second.detail == "office=district_attorney; with message bodies"
    assert third.inquiry_refs == [da_inquiry]
    assert "phone" in third.detail
    assert "5550101" not in third.detail  # the audit trail names no phone number
    assert {event.ip for event in (first, second, third)} == {"127.0.0.1"}


def test_an_empty_export_is_still_audited(app, pd):
    assert export(pd) == []
    (event,) = exports(app)
    assert event.inquiry_refs == []
