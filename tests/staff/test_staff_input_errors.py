"""Staff input that used to raise (500): dates out of range, a ``next`` with a line break."""

from __future__ import annotations

import pytest

from tests.support.staff import PASSWORD, Staff, create_staff, csrf_token

PAGES = ["/staff/", "/staff/export.csv", "/staff/stats"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=9999-12-31", "from=0001-01-01"])
def test_a_date_out_of_range_is_a_400_that_says_so(admin, page, query):
    response = admin.get(f"{page}?{query}")
    assert response.status_code == 400
    assert "Dates must be between" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_dates_in_range_still_filter(admin, page):
    assert admin.get(f"{page}?from=2026-01-01&to=2026-12-31").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "/staff/%0d%0aX-Injected:1",
        "/staff/%0aX-Injected:1",
        "/staff/%09tab",
        "/staff/%7f",
        "/staff/%C3%A9",
    ],
)
def test_a_next_that_is_no_clean_staff_path_falls_back_to_the_inquiries(app, target):
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    form = {
        "email": staff.email,
        "password": PASSWORD,
        "csrf_token": csrf_token(staff.page("/staff/login")),
    }
    response = staff.client.post(f"/staff/login?next={target}", data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "X-Injected" not in response.headers


def test_a_clean_next_with_a_query_is_still_followed(app):
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    form = {
        "email": staff.email,
        "password": PASSWORD,
        "csrf_token": csrf_token(staff.page("/staff/login")),
    }
    response = staff.client.post("/staff/login?next=/staff/%3Foffice%3Dpublic_defender", data=form)
    assert response.headers["Location"] == "/staff/?office=public_defender"


def test_a_nul_character_in_the_sign_in_email_is_a_wrong_sign_in_not_an_error(app):
    """PostgreSQL refuses NUL in text: the form takes it out before anything is looked up."""
    create_staff(app, "pat@pd.example.org", "public_defender")
    staff = Staff(app, "pat@pd.example.org")
    response = staff.submit("/staff/login", {"email": "pat\x00@pd.example.org", "password": "x"})
    assert response.status_code < 500


def test_a_nul_character_in_notes_is_saved_without_it(app, da, da_inquiry):
    url = f"/staff/inquiries/{da_inquiry}"
    response = da.submit(url, {"status": "contacted", "notes": "Left a\x00 voicemail."})
    assert response.status_code == 303
    assert "Left a voicemail." in da.page(url)
