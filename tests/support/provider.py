"""A real OpenID Connect provider for the tests: ``oidc-provider-mock`` serving over HTTP on a
local port, in a thread. The app discovers it, is redirected to it, exchanges the code at its
token endpoint and checks the ID token against its published keys, as with the county's.

A person signs in at the provider by posting its authorization form with their subject; the
claims the provider then vouches for (email, ``email_verified``, groups) are set beforehand
through its ``PUT /users/<sub>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import requests
from oidc_provider_mock import run_server_in_thread
from werkzeug.test import TestResponse

from tests.support.staff import Staff

CLIENT_ID = "record-check-staff"
CLIENT_SECRET = "client-secret-for-tests"


class Provider:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://localhost:{port}"

    def settings(self, **extra: object) -> dict[str, object]:
        """The app's settings for this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **extra,
        }

    def person(self, sub: str, **claims: object) -> str:
        """Who the provider will say ``sub`` is."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text
        return sub

    def start(self, staff: Staff, next_page: str | None = None) -> str:
        """Click "Sign in with the county account": the provider's authorization URL."""
        url = "/staff/login/oidc" + (f"?next={next_page}" if next_page else "")
        response = staff.get(url)
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
        assert location.startswith(self.issuer), location
        return location

    def approve(self, authorization_url: str, sub: str) -> str:
        """The person signs in at the provider: the callback URL it sends the browser to."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def sign_in(self, staff: Staff, sub: str, next_page: str | None = None) -> TestResponse:
        """The whole round trip; the app's answer to the callback."""
        callback = self.approve(self.start(staff, next_page), sub)
        return staff.get(path_of(callback))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@contextmanager
def running_provider() -> Iterator[Provider]:
    with run_server_in_thread(port=0) as server:
        yield Provider(server.server_port)
