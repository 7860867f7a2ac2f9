"""``flask --app app send-text REFERENCE TEXT --by EMAIL``: a staff text from the command line,
for staff scripts, through the same path as the inquiry page (``queue_text``), audited as that
account and limited to the checks that account may see.

Exit status 0 when the text is waiting or held for quiet hours; 1 with the reason when it may
not be sent (no such check for that account, no number, an opted-out number, too long).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from bot.core import reference
from bot.jobs import tasks
from bot.service import outbound_texts
from bot.service.outbound_texts import Refused, Sender
from bot.storage.inquiries import Scope, find_inquiry
from bot.storage.staff import staff_by_email


@click.command("send-text")
@click.argument("ref", metavar="REFERENCE")
@click.argument("text")
@click.option("--by", "email", required=True, help="The staff account the text is sent as.")
@with_appcontext
def send_text_command(ref: str, text: str, email: str) -> None:
    """Queue a text to the resident of a check, as a staff account."""
    user = staff_by_email(email.strip().lower())
    if user is None or not user.is_active:
        raise click.ClickException(f"No active staff account {email}.")
    parsed = reference.parse(ref)
    if parsed.reference is None:
        raise click.ClickException(f"{ref} is not a reference ({parsed.status.value}).")
    detail = find_inquiry(Scope.of(user), parsed.reference)
    if detail is None:
        raise click.ClickException(f"{parsed.reference}: no such check for {user.email}.")
    sender = Sender.staff_member(user, None, via="command")
    result = outbound_texts.queue_text(detail.id, text, sender, tasks.sending())
    if isinstance(result, Refused):
        raise click.ClickException(f"{parsed.reference}: not sent. {result.message}")
    click.echo(f"{parsed.reference}: text {result.text_id} {result.status}.")
