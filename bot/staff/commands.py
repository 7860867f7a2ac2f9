"""Commands for managing staff accounts (``flask --app app create-staff ...``).

Passwords are typed at a hidden prompt with confirmation, or read from standard input when it
is not a terminal, so that scripts can pipe one in without it showing in the process list.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from bot.core.eligibility import OFFICES
from bot.staff import accounts
from bot.storage import audit


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _run(action, *args: object) -> None:
    """Run an account change, turning a refusal into a plain error message and exit code 1."""
    try:
        action(*args)
    except (accounts.AccountError, audit.AuditKeyMissingError) as error:
        raise click.ClickException(str(error)) from error


@click.command("create-staff")
@click.argument("email")
@click.option("--office", required=True, type=click.Choice(sorted(OFFICES)))
@click.option("--admin", is_flag=True, help="Sees every office's inquiries and the audit trail.")
@with_appcontext
def create_staff_command(email: str, office: str, admin: bool) -> None:
    """Create a staff account for one office (password from a prompt or standard input)."""
    _run(accounts.create_staff, email, office, read_password(), admin)
    role = "admin" if admin else "staff"
    click.echo(
        f"Created {role} account {accounts.normalise_email(email)} ({OFFICES[office].name})."
    )


@click.command("deactivate-staff")
@click.argument("email")
@with_appcontext
def deactivate_staff_command(email: str) -> None:
    """Stop an account signing in, and sign it out everywhere."""
    _run(accounts.deactivate_staff, email)
    click.echo(f"Deactivated {accounts.normalise_email(email)}; it is signed out everywhere.")


@click.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password_command(email: str) -> None:
    """Set a new password (prompt or standard input); signs the account out everywhere."""
    _run(accounts.reset_password, email, read_password())
    click.echo(f"New password set for {accounts.normalise_email(email)}.")


@click.command("demo-admin")
@with_appcontext
def demo_admin_command() -> None:
    """Create or reset a demo admin with a random password, and print both (development only:
    RECORD_CHECK_ENV=development, which 'make run' sets)."""
    if current_app.config["RECORD_CHECK_ENV"] != "development":
        raise click.ClickException(
            "demo-admin makes an admin whose password is printed: it runs only with "
            "RECORD_CHECK_ENV=development (as 'make run' sets). Use create-staff elsewhere."
        )
    email, password = accounts.demo_admin()
    click.echo("Demo admin for the staff pages, for local use only (never on a public server):")
    click.echo(f"  sign in at http://127.0.0.1:5000/staff/login as {email}")
    click.echo(f"  password: {password}")
    click.echo("  then set up the second factor every admin has: scan the QR code with an")
    click.echo("  authenticator app, or type the key it shows into one (or into 'oathtool --totp")
    click.echo("  -b KEY'). Running 'make run' again resets this password and the second factor.")


@click.command("audit-verify")
@with_appcontext
def audit_verify_command() -> None:
    """Check the audit trail's HMAC chain from its anchor; name the first broken link."""
    try:
        verdict = audit.verify()
    except audit.AuditKeyMissingError as error:
        raise click.ClickException(str(error)) from error
    if verdict.broken is not None:
        click.echo(f"The audit trail is BROKEN: {verdict.broken}.", err=True)
        before = (
            "The 1 entry before it is"
            if verdict.entries == 1
            else (f"The {verdict.entries} entries before it are")
        )
        click.echo(f"{before} intact.", err=True)
        sys.exit(1)
    if verdict.entries == 0:
        click.echo("The audit trail is intact (no entries since its anchor).")
        return
    entries = "1 entry" if verdict.entries == 1 else f"{verdict.entries} entries"
    click.echo(
        f"The audit trail is intact: {entries}, #{verdict.first_seq} to "
        f"#{verdict.last_seq}; the last HMAC is {verdict.head_mac}."
    )


COMMANDS = (
    create_staff_command,
    deactivate_staff_command,
    reset_password_command,
    demo_admin_command,
    audit_verify_command,
)
