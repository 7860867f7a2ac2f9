"""A staff member in Chromium: sign in, look a reference up, open it, mark it contacted."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import expect

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
    expect(page.get_by_text("Saved. The status is now Contacted.")).to_be_visible()
    context.close()


def test_an_admin_sets_up_the_second_factor_and_adds_an_account_in_chromium(browser, live_app, app):
    create_staff(app, "ada@county.example.org", "public_defender", admin=True)
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_app.url + "/staff/login")
    page.get_by_label("Email address").fill("ada@county.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    qr = page.locator("img.qr-code")
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("image => image.naturalWidth > 0")  # the CSP lets it show
    key = page.locator("code.totp-key").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label("Email address").fill("sam@da.example.org")
    page.get_by_label("Office", exact=True).select_option("district_attorney")
    page.get_by_role("button", name="Add the account").click()
    link = page.locator("code.one-time-link").inner_text()
    assert "/staff/password/" in link

    owner = browser.new_context().new_page()
    owner.goto(live_app.url + urlsplit(link).path)
    owner.get_by_label("New password", exact=True).fill("a long new passphrase")
    owner.get_by_label("The same password again").fill("a long new passphrase")
    owner.get_by_role("button", name="Set the password").click()
    expect(owner.get_by_text("Your password is set")).to_be_visible()
    owner.get_by_label("Email address").fill("sam@da.example.org")
    owner.get_by_label("Password").fill("a long new passphrase")
    owner.get_by_role("button", name="Sign in").click()
    expect(owner.get_by_role("heading", name="Inquiries")).to_be_visible()
    owner.context.close()
    context.close()
