"""Who is signed in: Flask-Login's manager over server-side sessions, and admins-only pages.

The browser's session cookie holds only the token of a row in ``staff_session``; the account
is loaded through that row on every request. Signing out deletes the row, so a copy of the
cookie opens nothing afterwards from anywhere; deactivation, a new password, a reset second
factor and "sign out everywhere" delete all of an account's rows. Flask-Login's "strong"
session protection is not used: it does nothing for permanent sessions, and the server-side
row already does what it was meant to.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Response, abort, current_app, g
from flask_login import LoginManager, current_user

from bot.storage import staff_sessions
from bot.storage.staff import StaffUser, staff_by_id


class StaffLogins(LoginManager):
    """Flask-Login, without its remember-me cookie.

    Staff are never remembered (``login_user`` is never asked to): a session ends when its
    server-side row does. Flask-Login still reads the session after every request, texts
    included, to refresh or clear that cookie; reading it marks every answer ``Vary: Cookie``.
    """

    def _update_remember_cookie(self, response: Response) -> Response:
        return response


login_manager = StaffLogins()
login_manager.login_view = "staff.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = None

P = ParamSpec("P")
R = TypeVar("R")


@login_manager.user_loader
def load_user(token: str) -> StaffUser | None:
    """The account of a signed-in session that has not ended, idled out or been deactivated."""
    found = staff_sessions.find(token, current_app.permanent_session_lifetime)
    if found is None or found.stage != staff_sessions.SIGNED_IN:
        return None
    user = staff_by_id(found.user_id)
    if user is None or not user.active:
        return None
    user.session_token = token
    g.staff_session = found
    return user


def signed_in_user() -> StaffUser:
    """The signed-in account (the staff blueprint lets no one else reach its pages)."""
    return current_user._get_current_object()


def admin_only(view: Callable[P, R]) -> Callable[P, R]:
    """Admins only; anyone else gets the same 404 as a page that does not exist."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not signed_in_user().is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapper
