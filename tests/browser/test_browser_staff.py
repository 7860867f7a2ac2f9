"""A staff member in Chromium: sign in, look a reference up, open it, mark it contacted."""

from __future__ import annotations

from tests.support.staff import DA_ANSWERS, PASSWORD, REFERENCE, create_staff
from tests.support.texter import Texter


def test_staff_sign_in_search_open_and_mark_contacted(browser, live_app, app):
    create_staff(app, "dana@da.example.org", "district_attorney")
    texter = Texter(app.test_client(), phone="+19165550177")
    texter.text("hi")
    result = ""
    for answer in DA_ANSWERS:
        result = texter.text(answer)
    reference = REFERENCE.search(result).group()

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_app.url + "/staff/login")
    page.get_by_label("Email address").fill("dana@da.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Reference or phone number").fill(reference.lower().replace("-", " "))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=reference).click()
    assert "weed possession" in page.content()
    page.get_by_label("Status").select_option("contacted")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved. The status is now Contacted.").is_visible()
    context.close()
