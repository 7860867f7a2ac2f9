"""The county page and the widget in Debian's Chromium, as residents use them."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.browser import EMBED_PAGE

# Answers for a Sacramento possession conviction from 2009 at 25 that is finished: 5 questions.
CHOICES = [("Yes", None), ("Having it", None), (None, "2009"), ("21 or older", None), ("No", None)]


def tab_to(page, predicate, limit: int = 40) -> None:
    """Press Tab until the focused element satisfies ``predicate`` (a JS function body)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
            return
    raise AssertionError(f"could not reach {predicate} with the keyboard")


def reference_on(page) -> str:
    return page.locator(".rc-reference").inner_text().strip()


def api_result(page, base: str, chat_id: str) -> dict:
    return page.request.get(f"{base}/api/chat/{chat_id}").json()["result"]


def test_a_whole_check_by_keyboard_alone(page, live_app):
    page.goto(live_app.url + "/")
    tab_to(page, "e.textContent.trim() === 'Start the check'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rc-question")
    for label, typed in CHOICES:
        question = page.locator("#rc-question").inner_text()
        if typed:
            tab_to(page, "e.id === 'rc-text'")
            page.keyboard.type(typed)
        else:
            tab_to(
                page, f"e.classList.contains('rc-choice') && e.textContent === {json.dumps(label)}"
            )
        page.keyboard.press("Enter")
        page.wait_for_function(
            "q => !document.querySelector('#rc-question') "
            "|| document.querySelector('#rc-question').textContent !== q",
            arg=question,
        )
    page.wait_for_selector(".rc-result")
    assert page.evaluate("document.activeElement.id") == "rc-result-title"
    assert "dismissed" in page.locator(".rc-outcome").inner_text()
    assert page.locator("a.rc-tel").get_attribute("href") == "tel:+19168746218"
    chat_id = page.evaluate("sessionStorage.getItem('record-check-chat')")
    result = api_result(page, live_app.url, chat_id)
    assert result["reference"] == reference_on(page)
    assert (result["outcome"], result["office"]["id"]) == ("dismiss", "district_attorney")


def test_a_whole_check_without_javascript(browser, live_app):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_app.url + "/")
    page.get_by_role("button", name="Start the check").click()
    for label, typed in CHOICES:
        if typed:
            page.get_by_label("Or type your answer").fill(typed)
            page.get_by_role("button", name="Send").click()
        else:
            page.locator(".rc-choice", has_text=label).first.click()
    assert "dismissed" in page.locator(".rc-outcome").inner_text()
    reference = reference_on(page)
    facts = {
        "county": "sacramento",
        "offense": "possession",
        "conviction_year": 2009,
        "age_at_offense": "21_plus",
        "sentence_status": "completed",
    }
    expected = page.request.post(live_app.url + "/api/eligibility", data=facts).json()
    assert expected["outcome"] == "dismiss"
    assert expected["office"]["phone"] in page.locator("a.rc-tel").inner_text()
    assert reference.startswith("SAC-")
    context.close()


def test_going_back_changes_the_answer_shown(page, live_app):
    page.goto(live_app.url + "/")
    page.get_by_role("button", name="Start the check").click()
    page.locator(".rc-choice", has_text="No").first.click()
    page.wait_for_selector("text=Your answers (1)")
    page.get_by_role("button", name="Go back").click()
    page.wait_for_selector(".rc-answers", state="detached")
    assert "Sacramento County" in page.locator("#rc-question").inner_text()


def test_the_widget_works_embedded_in_a_page_of_another_origin(page, live_app, embed_site):
    (EMBED_PAGE / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>County page</title>"
        "<style>button { background: rgb(255, 0, 0); }</style></head><body>"
        "<h1>Sacramento County</h1><button id='host-button'>Host button</button>"
        f"<script src='{live_app.url}/widget.js' defer></script></body></html>",
        encoding="utf-8",
    )
    page.goto(embed_site.url + "/index.html")
    launcher = page.get_by_role("button", name="Check an old marijuana conviction")
    launcher.click()
    page.get_by_role("button", name="Start the check").click()
    page.locator(".rc-choice", has_text="Yes").first.click()
    page.wait_for_selector("text=What was the weed conviction for?")
    page.locator(".rc-choice", has_text="Something else").click()
    page.wait_for_selector(".rc-result")
    assert page.locator(".rc-reference").inner_text().startswith("SAC-")
    # The widget's styles stay inside it, and the page's stay outside it.
    host_colour = page.evaluate(
        "getComputedStyle(document.getElementById('host-button')).backgroundColor"
    )
    assert host_colour == "rgb(255, 0, 0)"
    choice_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.record-check-widget').shadowRoot"
        ".querySelector('.rc-button')).backgroundColor"
    )
    assert choice_colour != "rgb(255, 0, 0)"


def test_the_api_refuses_cross_origin_calls_from_sites_not_listed(page, live_app):
    response = page.request.post(
        live_app.url + "/api/chat", headers={"Origin": "https://evil.example"}, data={}
    )
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("width", [375, 1280])
def test_accessibility_and_screenshots_of_every_state(browser, live_app, artifacts, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    axe = Axe()

    def scan(state: str) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=str(artifacts / f"chat-{state}-{width}.png"), full_page=True)

    page.goto(live_app.url + "/")
    scan("start")
    page.get_by_role("button", name="Start the check").click()
    page.wait_for_selector("#rc-question")
    scan("question")
    page.locator(".rc-choice", has_text="Yes").first.click()
    page.locator(".rc-choice", has_text="Something else").click()
    page.wait_for_selector(".rc-result")
    scan("result")
    page.goto(live_app.url + "/privacy")
    scan("privacy")
    context.close()


def test_the_page_works_at_320_pixels_without_sideways_scrolling(browser, live_app):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_app.url + "/")
    page.get_by_role("button", name="Start the check").click()
    page.wait_for_selector("#rc-question")
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    context.close()
