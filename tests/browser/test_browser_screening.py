"""The bulk screening page in Debian's Chromium: upload, a page that follows the run by itself
(no JavaScript: the staff pages' policy forbids inline scripts), the chart and the download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.apps import make_app, release
from tests.support.browser import Server
from tests.support.screening_files import conviction, csv_text
from tests.support.staff import PASSWORD, create_staff

EMAIL = "dana@da.example.org"


@pytest.fixture
def screening_site(database_url: str, tmp_path: Path) -> Iterator[Server]:
    from werkzeug.serving import make_server

    app = make_app(database_url, SCREEN_UPLOAD_DIR=str(tmp_path / "uploads"))
    create_staff(app, EMAIL, "district_attorney")
    server = Server(make_server("127.0.0.1", 0, app, threaded=True))
    yield server
    server.stop()
    release(app)


def test_staff_upload_a_file_watch_it_finish_and_download_the_results(
    browser, screening_site, tmp_path, artifacts
):
    records = tmp_path / "records.csv"
    rows = [conviction("P1", "11357 HS", level="misdemeanor"), conviction("P2", "187 PC")]
    records.write_text(csv_text(rows), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(screening_site.url + "/staff/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Bulk screening").click()
    page.get_by_label("Court record file (CSV)").set_input_files(str(records))
    page.get_by_label("Screen as of").fill("2025-06-30")
    page.get_by_role("button", name="Screen the file").click()
    page.wait_for_selector("a.download-results", timeout=30_000)  # the page reloads itself

    assert page.locator(".screen-status").inner_text() == "Done"
    assert page.locator("figure.chart svg g.bar").count() == 8  # outcomes, code sections
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(artifacts / "staff-screening-done.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("a.download-results").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["records.csv", "2", "P1", "11357 HS", "2010-05-01", "dismiss", "possession"]
    ]
    page.reload()
    assert "erased from the server" in page.locator(".erased").inner_text()
    assert page.locator("a.download-results").count() == 0
    context.close()
