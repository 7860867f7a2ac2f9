"""The county page as a browser receives it: its security policy."""

from __future__ import annotations

from tests.support.apps import make_app


def test_the_county_page_has_a_policy_with_no_inline_scripts_and_only_listed_framers(database_url):
    app = make_app(database_url, EMBED_ORIGINS=["https://www.saccounty.gov"])
    response = app.test_client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'self' https://www.saccounty.gov" in policy
    assert "<script>" not in response.get_data(as_text=True)


def test_the_embedded_widget_tells_residents_the_public_defenders_number_when_it_fails(client):
    script = client.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["Access-Control-Allow-Origin"] == "*"
    assert 'var HELP_PHONE = "916-874-5578"' in script.get_data(as_text=True)
    assert "{{" not in script.get_data(as_text=True)
