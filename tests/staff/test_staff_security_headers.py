"""Security headers: strict on the staff pages (personal data), sensible everywhere else."""

from __future__ import annotations

import pytest

from tests.support.apps import make_app


@pytest.mark.parametrize("url", ["/staff/", "/staff/stats", "/staff/audit", "/staff/nope"])
def test_staff_pages_forbid_framing_caching_and_inline_scripts(admin, url):
    headers = admin.get(url).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_sign_in_page_and_the_export_get_the_staff_headers(client, admin):
    for response in (client.get("/staff/login"), admin.get("/staff/export.csv")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"


def test_other_pages_get_the_app_wide_headers(client):
    headers = client.get("/healthz").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_hsts_is_sent_outside_debug_and_testing_only(client, database_url):
    assert "Strict-Transport-Security" not in client.get("/staff/login").headers
    served = make_app(database_url, TESTING=False)
    response = served.test_client().get("/staff/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
