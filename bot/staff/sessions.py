"""The steps of signing in, shared by passwords and the county's identity provider.

A right password starts a *pending* session (the second factor still to come, or to be enrolled)
that opens nothing but the code and enrolment pages; the code turns it into a signed-in session
with a new token. A sign-in through the provider, which does its own second factor, is signed
in at once. Each step issues a new session token and clears whatever the browser's session held
before, so a token seen before sign-in (or before the code) is worth nothing after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from bot.storage import audit, staff_sessions
from bot.storage.staff import StaffUser, note_sign_in, staff_by_id
from bot.storage.staff_sessions import SessionView

log = logging.getLogger(__name__)
PENDING = "pending_sign_in"


def _is_clean(target: str) -> bool:
    """Printable ASCII with no spaces: nothing that could end the ``Location`` header (CR, LF),
    nothing a browser would read as another host (a backslash), nothing a URL cannot hold."""
    return target.isascii() and target.isprintable() and " " not in target and "\\" not in target


def next_page() -> str:
    """Where to go after signing in: back to the staff page asked for, never another site,
    and anything else (a line break, a character no URL holds) goes to the inquiry list."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if (
        not _is_clean(target)
        or len(target) > 512
        or parts.scheme
        or parts.netloc
        or not parts.path.startswith("/staff/")
    ):
        return url_for("staff.inquiries")
    return target


def factor_required(user: StaffUser) -> bool:
    """Admins always need a second factor; everyone else when ``REQUIRE_MFA`` is on."""
    return user.is_admin or bool(current_app.config["REQUIRE_MFA"])


def lacks_second_factor(user: StaffUser) -> bool:
    """A password session of an account that needs a second factor it has not set up."""
    found = g.get("staff_session")
    return (
        found is not None
        and found.method == staff_sessions.PASSWORD
        and factor_required(user)
        and not user.has_second_factor
    )


def _fresh_browser_session() -> None:
    session.clear()
    session.permanent = True


def sign_in(
    user: StaffUser,
    method: str,
    next_page: str,
    replaces: str | None = None,
    id_token: str | None = None,
) -> str:
    """Open a signed-in session for the account: its token (the one ``replaces`` ends)."""
    token = staff_sessions.start(
        user.id, staff_sessions.SIGNED_IN, method, replaces=replaces, id_token=id_token
    )
    _fresh_browser_session()
    user.session_token = token
    login_user(user)
    how = "county account" if method == staff_sessions.PROVIDER else "password"
    if method == staff_sessions.PASSWORD and user.has_second_factor:
        how = "password and second factor"
    note_sign_in(user, how, request.remote_addr)
    log.info("staff sign-in", extra={"fields": {"staff_id": user.id}})
    return next_page


def password_accepted(user: StaffUser, next_page: str) -> Response:
    """After a right password: the code, enrolment, or (no factor needed) the page asked for."""
    if user.has_second_factor or factor_required(user):
        stage = staff_sessions.SECOND_FACTOR if user.has_second_factor else staff_sessions.ENROL
        token = staff_sessions.start(user.id, stage, staff_sessions.PASSWORD, next_page=next_page)
        _fresh_browser_session()
        session[PENDING] = token
        target = "staff.second_factor" if user.has_second_factor else "staff.enrol"
        return redirect(url_for(target))
    return redirect(sign_in(user, staff_sessions.PASSWORD, next_page))


@dataclass(frozen=True)
class Pending:
    token: str
    view: SessionView
    user: StaffUser


def pending(stage: str) -> Pending | None:
    """The browser's pending sign-in at ``stage``, if it has one still valid."""
    token = session.get(PENDING)
    if not isinstance(token, str):
        return None
    view = staff_sessions.find(token, current_app.permanent_session_lifetime)
    if view is None or view.stage != stage:
        return None
    user = staff_by_id(view.user_id)
    if user is None or not user.active:
        return None
    return Pending(token, view, user)


def finish_pending(found: Pending) -> str:
    """The second factor is done: the pending session becomes a signed-in one (a new token)."""
    return sign_in(
        found.user,
        staff_sessions.PASSWORD,
        found.view.next_page or url_for("staff.inquiries"),
        replaces=found.token,
    )


def sign_out(user: StaffUser | None) -> str | None:
    """End this browser's session on the server and in the cookie; the provider's id token
    when the session came from the provider (to end that one too)."""
    id_token = None
    token = user.session_token if user is not None else None
    if token is not None:
        found = staff_sessions.find(token, current_app.permanent_session_lifetime)
        if found is not None and found.method == staff_sessions.PROVIDER:
            id_token = found.id_token
        staff_sessions.end(token)
        audit.record(user, "sign_out", request.remote_addr)
    pending_token = session.get(PENDING)
    if isinstance(pending_token, str):
        staff_sessions.end(pending_token)
    logout_user()
    session.clear()
    return id_token
