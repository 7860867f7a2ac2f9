"""A staff member in Chromium texts a resident: the segment count as they type, a ready text
sent, seen waiting, then queued at Twilio, then delivered after the stand-in's status callback."""

from __future__ import annotations

from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.support import texting
from tests.support.apps import AUTH_TOKEN, make_app, release
from tests.support.browser import Server
from tests.support.staff import DA_ANSWERS, PASSWORD, REFERENCE, create_staff
from tests.support.texter import Texter
from tests.support.texting import run_jobs
from tests.support.twilio_standin import report


def test_staff_send_a_ready_text_and_see_it_queued_then_delivered(
    browser, database_url, standin, jobs
):
    app = make_app(database_url, **texting.settings(standin))
    server = Server(make_server("127.0.0.1", 0, app, threaded=True))
    app.config["PUBLIC_BASE_URL"] = server.url  # where the stand-in's callbacks go
    try:
        create_staff(app, "dana@da.example.org", "district_attorney")
        texter = Texter(app.test_client(), phone="+19165550177")
        texter.text("hi")
        result = ""
        for answer in DA_ANSWERS:
            result = texter.text(answer)
        reference = REFERENCE.search(result).group()

        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/staff/login")
        page.get_by_label("Email address").fill("dana@da.example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{server.url}/staff/inquiries/{reference}")

        words = page.get_by_role("textbox", name="Your own words")
        words.fill("Please call us back today.")
        assert "1 segment." in page.locator(".segment-count").inner_text()
        words.fill("x" * 161)
        assert "too long" in page.locator(".segment-count").inner_text()
        expect(page.get_by_role("button", name="Send text")).to_be_disabled()

        page.get_by_label("We have your case and will call you").check()
        page.get_by_role("button", name="Send text").click()
        expect(page.get_by_text("The text is queued")).to_be_visible()
        assert (
            page.locator(".outbound-text .text-status")
            .inner_text()
            .startswith("Status: waiting to be sent")
        )

        with app.app_context():
            run_jobs(jobs)  # the worker sends it to the stand-in
        [sent] = standin.messages()
        assert reference in sent.form["Body"]
        page.reload()
        assert page.locator(".outbound-text .text-status").inner_text().startswith("Status: queued")

        callback = sent.form["StatusCallback"]
        assert report(callback, "SM1", "delivered", AUTH_TOKEN).status_code == 200
        page.reload()
        assert (
            page.locator(".outbound-text .text-status").inner_text().startswith("Status: delivered")
        )
        context.close()
    finally:
        server.stop()
        release(app)
