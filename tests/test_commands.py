"""The commands registered in ``bot/commands.py`` that no other part owns: ``chat``.

The others are tested with what they run: ``purge`` (storage/test_retention.py), ``screen``
(screening_jobs/), ``twilio-setup`` (outbound/) and the account commands (staff/).
"""

from __future__ import annotations

from tests.support.apps import make_app


def test_chat_command_runs_the_sms_conversation_in_the_terminal():
    app = make_app("sqlite://")
    result = app.test_cli_runner().invoke(args=["chat"], input="hi\nyes\nweed possession\n")
    assert result.exit_code == 0
    assert "Was your weed case in Sacramento County?" in result.output
    assert "What was the weed conviction for?" in result.output
    assert "What year were you convicted?" in result.output
