"""Signing in and out of the staff pages; failed sign-ins are limited (``bot.web.staff_limits``)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from bot.staff import accounts
from bot.staff.blueprint import bp
from bot.staff.forms import SignInForm
from bot.storage.staff import note_sign_in
from bot.web import staff_limits as limits

log = logging.getLogger(__name__)
SIGN_IN_FAILED = "That email address and password do not match an active account."


def _is_clean(target: str) -> bool:
    """Printable ASCII with no spaces: nothing that could end the ``Location`` header (CR, LF),
    nothing a browser would read as another host (a backslash), nothing a URL cannot hold."""
    return target.isascii() and target.isprintable() and " " not in target and "\\" not in target


def _next_page() -> str:
    """Where to go after signing in: back to the staff page asked for, never another site,
    and anything else (a line break, a character no URL holds) goes to the inquiry list."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if (
        not _is_clean(target)
        or parts.scheme
        or parts.netloc
        or not parts.path.startswith("/staff/")
    ):
        return url_for("staff.inquiries")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limits.sign_in_limited
def login() -> Response | str:
    """The sign-in form; one generic message for every kind of wrong credentials."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("staff.inquiries"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            login_user(user)
            session.permanent = True
            note_sign_in(user)
            log.info("staff sign-in", extra={"fields": {"staff_id": user.id}})
            return redirect(_next_page())
    if request.method == "POST":
        limits.mark_failed_sign_in()
        log.info("staff sign-in refused")  # no email address: logs name no one
        return render_template("staff/login.html", form=form, error=SIGN_IN_FAILED)
    return render_template("staff/login.html", form=form, error=None)


@bp.post("/logout")
def logout() -> Response:
    """Sign out: a POST whose CSRF token was checked app-wide, so no other site can do it."""
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("staff.login"))
