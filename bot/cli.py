"""Flask commands for the chores staff and operators run (SPEC section 7)."""

from __future__ import annotations

import click
from flask import Flask

from bot import clock, reference
from bot.conversation.engine import Context, State, reply


def register(app: Flask) -> None:
    app.cli.add_command(chat_command)


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
