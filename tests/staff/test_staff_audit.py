"""The audit trail: who opened, changed or downloaded which inquiry, when and from where."""

from __future__ import annotations

import re

from tests.support.staff import create_inquiry

EVENT = re.compile(r'<tr class="audit-event audit-(\w+)">(.*?)</tr>', re.S)


def test_the_audit_trail_lists_views_updates_and_exports_newest_first(app, admin, da, da_inquiry):
    # Opening the record to submit its form is a view, then the change, then an export.
    da.submit(f"/staff/inquiries/{da_inquiry}", {"status": "resolved", "notes": ""})
    da.get("/staff/export.csv?status=resolved")
    events = [
        (action, cells)
        for action, cells in EVENT.findall(admin.page("/staff/audit"))
        if action in ("export", "update", "view")
    ]
    assert [action for action, _ in events] == ["export", "update", "view"]
    for _, cells in events:
        assert "dana@da.example.org" in cells
        assert da_inquiry in cells
        assert "127.0.0.1" in cells
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", cells)
    assert "status=resolved" in events[0][1]
    assert "status new -&gt; resolved" in events[1][1]


def test_a_large_export_folds_its_references_away(app, admin):
    for _ in range(5):
        create_inquiry(app)
    admin.get("/staff/export.csv")
    html = admin.page("/staff/audit")
    assert "<summary>5 inquiries</summary>" in html


def test_staff_who_are_not_admins_get_a_404_for_the_audit_trail(pd):
    response = pd.get("/staff/audit")
    assert response.status_code == 404
    assert response.data == pd.get("/staff/no-such-page").data
