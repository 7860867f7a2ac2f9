"""Signing in through the county's identity provider (OpenID Connect, with ``authlib``).

The authorization code flow with PKCE (S256); the provider's endpoints and keys come from
discovery at ``OIDC_ISSUER``. ``authlib`` keeps ``state``, the nonce and the PKCE verifier in
the browser's (signed) session, refuses a callback whose ``state`` it did not issue, and checks
the ID token's signature against the provider's keys; its issuer, audience, expiry and nonce
are checked here as required claims. Anything that does not check out (a forged or replayed
callback, a token signed with another key, a provider that does not answer) is a page saying
sign-in could not be completed, never an error. Who the person is, and whether they may sign in, is
decided by ``bot.staff.identity`` from the token's claims.

One ``authlib`` client per app (apps built side by side, in the tests, share nothing).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, redirect, render_template, session, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from bot.staff import identity, sessions
from bot.staff.blueprint import bp
from bot.storage import staff_sessions
from bot.web.config import oidc_enabled

log = logging.getLogger(__name__)
EXTENSION = "record_check_oidc"
NEXT = "provider_next"
SCOPES = "openid email profile"


def init_app(app: Flask) -> None:
    if not oidc_enabled(app.config):
        return
    oauth = OAuth(app)
    issuer = app.config["OIDC_ISSUER"]
    app.extensions[EXTENSION] = oauth.register(
        "county",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": 10},
    )


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def _client() -> Any:
    return current_app.extensions[EXTENSION]


def _refused(reason: str, status: int = 403) -> tuple[str, int]:
    return render_template("staff/sign_in_refused.html", reason=reason), status


@bp.get("/login/oidc")
def provider_login() -> Response | tuple[str, int]:
    """Off to the county's sign-in page, with a fresh state, nonce and PKCE challenge."""
    if not enabled():
        abort(404)
    session[NEXT] = sessions.next_page()
    try:
        answer: Response = _client().authorize_redirect(
            url_for("staff.provider_callback", _external=True)
        )
    except (requests.RequestException, AuthlibBaseError, ValueError, RuntimeError) as error:
        log.warning("identity provider unreachable: %s", type(error).__name__)
        return _refused(identity.PROVIDER_DOWN, 503)
    return answer


def _verified_claims() -> tuple[dict[str, Any], str] | None:
    """The ID token's claims, checked, and the raw token; ``None`` when anything is wrong."""
    client = _client()
    issuer = current_app.config["OIDC_ISSUER"]
    try:
        if client.load_server_metadata().get("issuer", "").rstrip("/") != issuer:
            log.warning("identity provider: discovery names another issuer")
            return None
        token = client.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "values": [issuer, issuer + "/"]},
                "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]},
                "exp": {"essential": True},
                "sub": {"essential": True},
            }
        )
    except (requests.RequestException, AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        log.warning("identity provider sign-in failed: %s", type(error).__name__)
        return None
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        log.warning("identity provider sign-in failed: no ID token")
        return None
    return dict(claims), str(token["id_token"])


@bp.get("/login/oidc/callback")
def provider_callback() -> Response | tuple[str, int]:
    """Back from the provider: check everything, find or provision the account, sign in."""
    if not enabled():
        abort(404)
    next_page = session.pop(NEXT, None) or url_for("staff.inquiries")
    checked = _verified_claims()
    if checked is None:
        return _refused(identity.NOT_VERIFIED, 400)
    claims, id_token = checked
    decision = identity.decide(claims, identity.Settings.of(current_app.config))
    if decision.user is None:
        return _refused(decision.refusal or identity.NO_ACCOUNT)
    target = sessions.sign_in(decision.user, staff_sessions.PROVIDER, next_page, id_token=id_token)
    return redirect(target)


def end_session_url(id_token: str) -> str | None:
    """Where to send the browser so the provider ends its session too, if it offers that."""
    if not enabled():
        return None
    client = _client()
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        ending = client.create_logout_url(
            post_logout_redirect_uri=url_for("staff.login", _external=True),
            id_token_hint=id_token,
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, AuthlibBaseError, RuntimeError) as error:
        log.warning("identity provider: no sign-out (%s)", type(error).__name__)
        return None
    return str(ending["url"])
