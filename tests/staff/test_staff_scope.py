"""Each office sees only the inquiries routed to it; admins see every office's.

Another office's inquiry must look exactly like one that does not exist, on every page.
"""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support.staff import references_in

MISSING = "SAC-7K3D-9QX8"  # a valid reference that no inquiry has


def office_of(app, ref: str) -> str | None:
    with app.app_context():
        return db.session.scalars(select(Inquiry.office).where(Inquiry.reference == ref)).one()


def test_the_fixtures_route_one_inquiry_to_each_office(app, da_inquiry, pd_inquiry):
    assert office_of(app, da_inquiry) == "district_attorney"
    assert office_of(app, pd_inquiry) == "public_defender"


def test_public_defender_staff_list_only_their_offices_inquiries(pd, da_inquiry, pd_inquiry):
    assert references_in(pd.page("/staff/")) == {pd_inquiry}


def test_district_attorney_staff_list_only_their_offices_inquiries(da, da_inquiry, pd_inquiry):
    assert references_in(da.page("/staff/")) == {da_inquiry}


def test_an_admin_lists_both_offices_inquiries(admin, da_inquiry, pd_inquiry):
    assert references_in(admin.page("/staff/")) == {da_inquiry, pd_inquiry}


def test_another_offices_inquiry_is_a_404_exactly_like_a_missing_one(
    pd, da, da_inquiry, pd_inquiry
):
    for staff, theirs in ((pd, da_inquiry), (da, pd_inquiry)):
        other = staff.get(f"/staff/inquiries/{theirs}")
        missing = staff.get(f"/staff/inquiries/{MISSING}")
        assert other.status_code == missing.status_code == 404
        assert other.data == missing.data
        assert theirs not in other.get_data(as_text=True)


def test_another_offices_inquiry_cannot_be_changed(pd, da_inquiry, pd_inquiry):
    response = pd.submit(
        f"/staff/inquiries/{pd_inquiry}",
        {"status": "resolved", "notes": "x"},
        to=f"/staff/inquiries/{da_inquiry}",
    )
    assert response.status_code == 404


def test_an_admin_opens_both_offices_inquiries(admin, da_inquiry, pd_inquiry):
    assert da_inquiry in admin.page(f"/staff/inquiries/{da_inquiry}")
    assert pd_inquiry in admin.page(f"/staff/inquiries/{pd_inquiry}")


def test_searching_another_offices_reference_or_phone_finds_nothing(pd, da_inquiry, pd_inquiry):
    by_reference = pd.page(f"/staff/?q={da_inquiry}")
    by_phone = pd.page("/staff/?q=%2B19165550101")
    missing = pd.page(f"/staff/?q={MISSING}")
    for html in (by_reference, by_phone, missing):
        assert references_in(html) == set()
        assert "+19165550101" not in html
        assert "No inquiries match." in html
    # The same page as for a reference that does not exist (the sign-out form's CSRF token is
    # signed with the time, so it may differ by a second).
    assert without_csrf(by_reference) == without_csrf(missing)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def test_searching_other_offices_filter_as_staff_finds_nothing(pd, da_inquiry, pd_inquiry):
    assert references_in(pd.page("/staff/?office=district_attorney")) == set()


def export_references(staff, query: str = "") -> list[str]:
    response = staff.get(f"/staff/export.csv{query}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    return [row["reference"] for row in rows]


def test_exports_hold_only_the_offices_own_inquiries(pd, da, admin, da_inquiry, pd_inquiry):
    assert export_references(pd) == [pd_inquiry]
    assert export_references(da) == [da_inquiry]
    assert sorted(export_references(admin)) == sorted([da_inquiry, pd_inquiry])
    assert export_references(pd, f"?q={da_inquiry}") == []


def test_figures_count_only_the_offices_own_inquiries(pd, admin, da_inquiry, pd_inquiry):
    assert "1 finished check sent to the Sacramento County Public Defender" in pd.page(
        "/staff/stats"
    )
    assert "District Attorney" not in pd.page("/staff/stats")
    assert "2 finished checks." in admin.page("/staff/stats")


def test_only_admins_see_the_audit_trail(pd, da, admin, da_inquiry):
    admin.page(f"/staff/inquiries/{da_inquiry}")
    for staff in (pd, da):
        response = staff.get("/staff/audit")
        assert response.status_code == 404
        assert da_inquiry not in response.get_data(as_text=True)
        assert "Audit trail" not in staff.page("/staff/")
    assert da_inquiry in admin.page("/staff/audit")
