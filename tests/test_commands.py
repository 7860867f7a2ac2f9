"""The commands registered in ``bot/commands.py`` that no other part owns: ``chat`` and
``call``.

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


def test_call_command_walks_a_phone_call_by_keys_and_words_in_the_terminal():
    app = make_app("sqlite://")
    typed = "1\nPossession.\n\n2009#\ntwenty five\n2\n3\n"
    result = app.test_cli_runner().invoke(args=["call"], input=typed)
    assert result.exit_code == 0
    assert "Press 1 for yes. Press 2 for no. Press 3 if you are not sure." in result.output
    assert "(nothing heard: the call asks again)" in result.output
    assert "How old were you when it happened?" in result.output
    assert "Your reference is S, A, C," in result.output
    assert "(a call would be connected to +19168746218 in its hours)" in result.output
