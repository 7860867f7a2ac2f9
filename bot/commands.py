"""Every command for the chores staff and operators run, registered here once."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from bot import clock
from bot.channels import sms, voice
from bot.channels import voice_words as words
from bot.core import reference
from bot.core.conversation.engine import Context, State, Turn, reply
from bot.core.conversation.engine import start as start_turn
from bot.outbound import number_setup as twilio_setup
from bot.outbound.send_text import send_text_command
from bot.screening_jobs.command import screen_command, screen_expire_command
from bot.service.calls import MenuChoice
from bot.staff import commands as staff_commands
from bot.storage import audit, retention, sign_in_limits, staff_sessions


def register(app: Flask) -> None:
    app.cli.add_command(chat_command)
    app.cli.add_command(call_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(twilio_setup_command)
    app.cli.add_command(send_text_command)
    app.cli.add_command(screen_command)
    app.cli.add_command(screen_expire_command)
    for command in staff_commands.COMMANDS:
        app.cli.add_command(command)


@click.command("chat")
def chat_command() -> None:
    """Try the SMS conversation in the terminal (nothing is stored). Ctrl-D to quit."""
    channel = sms.CHANNEL
    context = Context(channel.traits, clock.this_year(), new_reference=reference.generate)
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
        said = channel.render(turn)
        click.echo(f"bot> {said[0] if said else '(no reply)'}")


def _keys_or_words(typed: str) -> tuple[str, str, str]:
    """What a terminal line stands for: keys ("1", "2009#", "#", "*") or words said aloud."""
    if typed and set(typed) <= set("0123456789*#"):
        finished = "#" if typed.endswith("#") else ""
        return typed.rstrip("#"), finished, ""
    return "", "", typed


def _menu_choice(choice: MenuChoice, state: State) -> str:
    """What a call would do for a menu key; the terminal sends and dials nothing."""
    decision = state.decision
    assert decision is not None
    return {
        MenuChoice.TEXT: "(a call would text the result to the caller; the terminal sends none)",
        MenuChoice.CONNECT: f"(a call would be connected to {decision.office.e164} in its hours)",
        MenuChoice.CALLBACK: "(a call would note a call-back request on the inquiry)",
    }[choice]


@click.command("call")
def call_command() -> None:
    """Walk a phone call in the terminal (nothing is stored): type a key (1, 2009#, #, *) or
    the words a caller would say; an empty line is silence. Ctrl-D to hang up."""
    context = Context(voice.CHANNEL.traits, clock.this_year(), new_reference=reference.generate)
    turn = start_turn("en", voice.CHANNEL.traits)
    click.echo("Type a key (1, 2009#, # for not sure, * for back) or words. Ctrl-D to hang up.")
    while True:
        state = turn.state
        says = words.turn_says(turn)
        at = words.MENU if state.done else state.question or words.MENU
        if state.done:
            says += words.menu_says(state, offer_callback=False)
        elif state.question is not None:
            says += words.question_says(state.language, state.question)
        for spoken in says:
            click.echo(f"call> {spoken.text}")
        try:
            typed = click.prompt("you", default="", show_default=False, prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            return
        heard = words.heard(at, state.language, *_keys_or_words(typed.strip()), "1.0")
        if heard.text is None:
            click.echo("call> (nothing heard: the call asks again)")
            turn = Turn(state)
        elif heard.menu is not None and state.done:
            click.echo(f"call> {_menu_choice(heard.menu, state)}")
            turn = Turn(state)
        else:
            turn = reply(state, heard.text, context)
            if turn.ask is None and not turn.state.done:  # the caller said goodbye
                for spoken in words.turn_says(turn):
                    click.echo(f"call> {spoken.text}")
                return


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase inquiry content older than RETENTION_DAYS (counts and opt-outs are kept), audit
    entries older than AUDIT_RETENTION_DAYS (an anchor is kept), and ended sessions."""
    days = current_app.config["RETENTION_DAYS"]
    now = clock.now()
    purged = retention.purge(now, days)
    click.echo(
        f"Erased content older than {days} days: {purged.inquiries} inquiries, "
        f"{purged.messages} messages, {purged.conversations} phone numbers."
    )
    audit_days = current_app.config["AUDIT_RETENTION_DAYS"]
    try:
        trimmed = audit.trim(now - timedelta(days=audit_days))
    except audit.AuditKeyMissingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Deleted {trimmed} audit entries older than {audit_days} days (anchor kept).")
    staff_sessions.tidy(now, current_app.permanent_session_lifetime)
    sign_in_limits.tidy(now, timedelta(hours=1))


@click.command("twilio-setup")
@click.option("--number", required=True, help="The county's Twilio number, e.g. +19165550100.")
@click.option("--base-url", required=True, help="This service's public https:// address.")
@click.option("--fallback-url", default=None, help="Where Twilio goes when the service fails.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@with_appcontext
def twilio_setup_command(
    number: str, base_url: str, fallback_url: str | None, dry_run: bool
) -> None:
    """Point the Twilio number's texts at /sms, and its calls at /voice and /voice/status."""
    try:
        changes = twilio_setup.connect_number(
            current_app.config["TWILIO_ACCOUNT_SID"],
            current_app.config["TWILIO_AUTH_TOKEN"],
            number,
            base_url,
            fallback_url,
            dry_run,
        )
    except twilio_setup.SetupError as error:
        raise click.ClickException(str(error)) from error
    verb = "Would change" if dry_run else "Changed"
    for change in changes:
        click.echo(f"{verb} {change.field}: {change.before or '(none)'} -> {change.after}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
