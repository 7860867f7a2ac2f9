"""``/staff/accounts``: admins list, create and change accounts without a shell.

Create (a one-time link to choose the first password is shown once, to the admin who created
the account), change office or role, deactivate or reactivate, reset the second factor, sign
an account out everywhere, and give a new one-time password link. Every change is audited (in
storage, in the change's own transaction); every form carries a CSRF token; no change may leave
the service without an active admin. Also the one-time link's own page, ``/staff/password/...``,
which is open to whoever holds the link.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.staff import accounts
from bot.staff.auth import admin_only, signed_in_user
from bot.staff.blueprint import bp
from bot.staff.forms import AccountForm, ActionForm, NewAccountForm, NewPasswordForm
from bot.storage import staff as store
from bot.storage.staff import PasswordLink


def _link_url(link: PasswordLink) -> str:
    return url_for("staff.set_password", token=link.token, _external=True)


def _list(form: NewAccountForm, error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "staff/accounts.html",
        accounts=store.accounts(),
        form=form,
        error=error,
        passwords=current_app.config["PASSWORD_LOGIN"],
    )
    return page, status


@bp.route("/accounts", methods=["GET", "POST"])
@admin_only
def account_list() -> tuple[str, int] | str:
    """Every account, and a form to add one."""
    form = NewAccountForm()
    if request.method == "GET":
        return _list(form)
    if not form.validate_on_submit():
        return _list(form, "Give an email address and an office.", 400)
    try:
        user, link = accounts.create_by_admin(
            form.email.data or "",
            form.office.data or "",
            bool(form.admin.data),
            signed_in_user(),
            request.remote_addr,
            with_link=bool(current_app.config["PASSWORD_LOGIN"]),
        )
    except accounts.AccountError as error:
        return _list(form, str(error), 400)
    return render_template(
        "staff/account_created.html",
        account=user,
        link=_link_url(link) if link else None,
        expires_at=link.expires_at if link else None,
    )


def _account(user_id: int) -> store.StaffUser:
    user = store.staff_by_id(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/accounts/<int:user_id>")
@admin_only
def account(user_id: int) -> str:
    """One account: its office and role to change, and what else an admin may do to it."""
    user = _account(user_id)
    form = AccountForm(data={"office": user.office, "admin": user.is_admin})
    return render_template(
        "staff/account.html",
        account=user,
        form=form,
        action=ActionForm(),
        codes_left=store.recovery_codes_left(user.id),
        passwords=current_app.config["PASSWORD_LOGIN"],
    )


def _back(user_id: int, message: str, category: str = "success") -> Response:
    flash(message, category)
    return redirect(url_for("staff.account", user_id=user_id), 303)


@bp.post("/accounts/<int:user_id>/change")
@admin_only
def account_change(user_id: int) -> Response:
    user = _account(user_id)
    form = AccountForm()
    if not form.validate_on_submit():
        return _back(user.id, "Choose an office.", "error")
    try:
        changed = accounts.change_account(
            user.id, form.office.data or "", bool(form.admin.data), signed_in_user(),
            request.remote_addr,
        )  # fmt: skip
    except accounts.AccountError as error:
        return _back(user.id, str(error), "error")
    return _back(user.id, "Saved." if changed else "Nothing to change.")


def _action(user_id: int) -> store.StaffUser:
    user = _account(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return user


@bp.post("/accounts/<int:user_id>/deactivate")
@admin_only
def account_deactivate(user_id: int) -> Response:
    user = _action(user_id)
    try:
        accounts.set_active(user.id, False, signed_in_user(), request.remote_addr)
    except accounts.AccountError as error:
        return _back(user.id, str(error), "error")
    return _back(user.id, "Deactivated: it cannot sign in, and every session of it has ended.")


@bp.post("/accounts/<int:user_id>/reactivate")
@admin_only
def account_reactivate(user_id: int) -> Response:
    user = _action(user_id)
    accounts.set_active(user.id, True, signed_in_user(), request.remote_addr)
    return _back(user.id, "Reactivated: it can sign in again.")


@bp.post("/accounts/<int:user_id>/reset-factor")
@admin_only
def account_reset_factor(user_id: int) -> Response:
    user = _action(user_id)
    store.reset_second_factor(user.id, signed_in_user(), request.remote_addr)
    return _back(
        user.id,
        "Second factor reset: the account sets up a new one at its next sign-in, and every "
        "session of it has ended.",
    )


@bp.post("/accounts/<int:user_id>/sign-out")
@admin_only
def account_sign_out(user_id: int) -> Response:
    user = _action(user_id)
    ended = store.sign_out_everywhere(user.id, signed_in_user(), request.remote_addr)
    if user.id == signed_in_user().id:
        flash("You signed yourself out everywhere.", "info")
        return redirect(url_for("staff.login"))
    return _back(user.id, f"Signed out everywhere ({ended} sessions ended).")


@bp.post("/accounts/<int:user_id>/password-link")
@admin_only
def account_password_link(user_id: int) -> Response | str:
    user = _action(user_id)
    if not current_app.config["PASSWORD_LOGIN"]:
        abort(404)
    link = store.new_password_link(user.id, signed_in_user(), request.remote_addr)
    return render_template(
        "staff/account_created.html",
        account=user,
        link=_link_url(link),
        expires_at=link.expires_at,
        new_link=True,
    )


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Response | tuple[str, int]:
    """The one-time link: choose a password (then sign in, and set up the second factor)."""
    if not current_app.config["PASSWORD_LOGIN"] or len(token) > 128:
        abort(404)
    user = store.account_for_link(token)
    if user is None:
        return render_template("staff/link_expired.html"), 404
    form = NewPasswordForm()
    error = None
    if form.validate_on_submit():
        password = form.password.data or ""
        try:
            accounts.check_new_password(password)
        except accounts.AccountError as problem:
            error = str(problem)
        else:
            if store.set_password_by_link(token, password, request.remote_addr) is None:
                return render_template("staff/link_expired.html"), 404
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("staff.login"))
    elif request.method == "POST":
        error = "; ".join(m for messages in form.errors.values() for m in messages)
    page = render_template("staff/set_password.html", form=form, error=error, account=user)
    return page, 400 if error else 200
