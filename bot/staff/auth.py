"""Who is signed in: Flask-Login's manager, and the rule that only admins see the audit trail.

The session keeps the account id and its session version; an account deactivated or given a
new password since then no longer loads, so that browser is signed out on its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import LoginManager, current_user

from bot.storage.staff import StaffUser, staff_by_id

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

P = ParamSpec("P")
R = TypeVar("R")


@login_manager.user_loader
def load_user(session_id: str) -> StaffUser | None:
    """The account for a session, unless it was deactivated or its password reset since."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = staff_by_id(int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
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
