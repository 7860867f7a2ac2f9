"""Flask commands for the chores staff and operators run (SPEC section 7)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from bot import clock, reference, retention
from bot.conversation.engine import Context, State, reply


def register(app: Flask) -> None:
    app.cli.add_command(chat_command)
    app.cli.add_command(purge_command)


@click.command("chat")
def chat_command() -> None:
    """Try the SMS conversation in the terminal (nothing is stored). Ctrl-D to quit."""
    context = Context(channel="sms", this_year=clock.this_year(), new_reference=reference.generate)
    state: State | None = None
    click.echo("Type what a resident would text. Ctrl-D to quit.")
    while True:
        try:
            text = click.prompt("you", default="", show_default=False, prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            return
        turn = reply(state, text, context)
        state = turn.state
        click.echo(f"bot> {turn.sms_text() or '(no reply)'}")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase inquiry content older than RETENTION_DAYS; counts and opt-outs are kept."""
    days = current_app.config["RETENTION_DAYS"]
    purged = retention.purge(clock.now(), days)
    click.echo(
        f"Erased content older than {days} days: {purged.inquiries} inquiries, "
        f"{purged.messages} messages, {purged.conversations} phone numbers."
    )
