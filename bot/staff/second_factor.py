"""The second factor at sign-in: enrolment (a QR code and the key as text, then ten recovery
codes shown once) and the code asked at each sign-in with a password.

A code is accepted from the current 30-second step or one either side, and never from a step
at or before the last one accepted (storage checks that in the same statement that records
it). Wrong codes are limited per account (``bot.web.staff_limits``) and audited.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot import clock
from bot.staff import sessions, totp
from bot.staff.blueprint import bp
from bot.staff.forms import CodeForm, EnrolForm
from bot.storage import audit, staff_sessions
from bot.storage import staff as store
from bot.web import staff_limits as limits

WRONG_CODE = "That code is not right, or was used already. Try the next code the app shows."


def _start_again() -> Response:
    return redirect(url_for("staff.login"))


def _code_is_right(user: store.StaffUser, code: str) -> str | None:
    """How the code was right ("code" or "recovery code"), after spending it; else ``None``."""
    if user.totp_secret is None:
        return None
    step = totp.matching_step(user.totp_secret, code, clock.now())
    if step is not None:
        return "code" if store.accept_step(user.id, step) else None
    if totp.SIX_DIGITS.match(totp.clean(code)):
        return None
    return "recovery code" if store.use_recovery_code(user.id, totp.clean(code)) else None


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor() -> Response | tuple[str, int] | str:
    """The code from the authenticator app (or a recovery code), after a right password."""
    found = sessions.pending(staff_sessions.SECOND_FACTOR)
    if found is None:
        return _start_again()
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("staff/second_factor.html", form=form, error=None)
    limits.take_code_try(found.user.id)
    how = _code_is_right(found.user, form.code.data or "")
    if how is None:
        audit.record(found.user, "factor_failed", request.remote_addr)
        page = render_template("staff/second_factor.html", form=form, error=WRONG_CODE)
        return page, 200
    limits.code_was_right(found.user.id)
    if how == "recovery code":
        audit.record(found.user, "recovery_code_used", request.remote_addr)
    return redirect(sessions.finish_pending(found))


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol() -> Response | tuple[str, int] | str:
    """Set up the second factor: scan the QR code (or type the key), then type one code."""
    found = sessions.pending(staff_sessions.ENROL)
    if found is None:
        return _start_again()
    secret = found.view.pending_secret
    if secret is None:
        secret = totp.new_secret()
        staff_sessions.keep_pending_secret(found.token, secret)
    form = EnrolForm()
    error = None
    if form.validate_on_submit():
        limits.take_code_try(found.user.id)
        step = totp.matching_step(secret, form.code.data or "", clock.now())
        if step is not None:
            codes = totp.new_recovery_codes()
            store.enrol_second_factor(
                found.user.id, secret, step, [totp.clean(c) for c in codes], request.remote_addr
            )
            limits.code_was_right(found.user.id)
            next_page = sessions.finish_pending(found)
            return render_template("staff/recovery_codes.html", codes=codes, next_page=next_page)
        audit.record(found.user, "factor_failed", request.remote_addr, "while enrolling")
        error = (
            "That code is not right. Check the app shows Record Check, and type its newest code."
        )
    return render_template(
        "staff/enrol.html",
        form=form,
        error=error,
        qr=totp.qr_code(secret, found.user.email),
        key=totp.grouped(secret),
    )
