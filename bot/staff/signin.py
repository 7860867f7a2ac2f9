"""Signing in with a password and signing out; failed sign-ins are limited
(``bot.web.staff_limits``), the second factor is ``bot.staff.second_factor`` and the county's
identity provider ``bot.staff.provider``."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bot.staff import accounts, provider, sessions
from bot.staff.auth import signed_in_user
from bot.staff.blueprint import bp
from bot.staff.forms import SignInForm
from bot.web import staff_limits as limits

log = logging.getLogger(__name__)
SIGN_IN_FAILED = "That email address and password do not match an active account."


def _page(form: SignInForm, error: str | None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "staff/login.html",
        form=form,
        error=error,
        passwords=current_app.config["PASSWORD_LOGIN"],
        provider=provider.enabled(),
    )
    return page, status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    """The sign-in page: the county account, and (unless ``PASSWORD_LOGIN=0``) a password.

    One generic message for every kind of wrong credentials. Each try is counted before the
    password is checked; a try past the limits is refused (429) without being checked.
    """
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("staff.inquiries"))
    form = SignInForm()
    if request.method == "GET":
        return _page(form, None)
    if not current_app.config["PASSWORD_LOGIN"]:
        abort(404)
    if not form.validate_on_submit():
        return _page(form, SIGN_IN_FAILED)
    email = form.email.data or ""
    limits.take_password_try(email)
    user = accounts.authenticate(email, form.password.data or "")
    if user is None:
        log.info("staff sign-in refused")  # no email address: logs name no one
        return _page(form, SIGN_IN_FAILED)
    limits.password_was_right(email)
    return sessions.password_accepted(user, sessions.next_page())


@bp.post("/logout")
def logout() -> Response:
    """Sign out: a POST whose CSRF token was checked app-wide, so no other site can do it.

    The session ends on the server, so the cookie (or any copy of it) opens nothing more; a
    session from the county's provider ends there too when the provider offers it.
    """
    id_token = sessions.sign_out(signed_in_user())
    flash("You are signed out.", "info")
    if id_token is not None:
        ending = provider.end_session_url(id_token)
        if ending is not None:
            return redirect(ending)
    return redirect(url_for("staff.login"))
