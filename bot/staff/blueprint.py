"""The staff blueprint, and who may reach it: every page but sign-in needs a signed-in account.

Sign-in is checked here once for the whole blueprint, so a new page cannot forget it; pages for
admins alone add ``auth.admin_only``. Errors on staff pages get staff wording.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from bot import clock
from bot.staff import labels, sessions
from bot.staff.auth import login_manager

bp = Blueprint("staff", __name__, url_prefix="/staff")
#: Sign-in's own steps, and the one-time password link, which their visitor opens unsigned.
OPEN_ENDPOINTS = frozenset(
    {
        "staff.login",
        "staff.second_factor",
        "staff.enrol",
        "staff.provider_login",
        "staff.provider_callback",
        "staff.set_password",
    }
)


@bp.before_request
def require_sign_in():
    """Send anyone not signed in (or since deactivated) to the sign-in page, and a password
    session that now needs a second factor it lacks (an account just made admin, or
    ``REQUIRE_MFA`` turned on) back through sign-in to enrol."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if sessions.lacks_second_factor(current_user._get_current_object()):
        sessions.sign_out(current_user._get_current_object())
        return login_manager.unauthorized()
    return None


@bp.context_processor
def staff_words() -> dict[str, object]:
    """Plain words for codes, in every staff template."""
    return {"labels": labels}


@bp.errorhandler(TooManyRequests)
def too_many_attempts(error: TooManyRequests):
    seconds = getattr(error, "retry_after", None) or 60
    if not isinstance(seconds, int):
        seconds = 60
    page = render_template("staff/too_many.html", seconds=seconds)
    return page, 429, {"Retry-After": str(seconds)}


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError):
    return render_template("staff/form_expired.html"), 400


@bp.app_template_filter("county_time")
def county_time(moment: datetime | None) -> str:
    """A stored time as staff read it: the county's local date and time."""
    if moment is None:
        return ""
    return clock.as_utc(moment).astimezone(clock.COUNTY_TIME).strftime("%Y-%m-%d %H:%M")
