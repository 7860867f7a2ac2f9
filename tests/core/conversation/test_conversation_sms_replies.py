"""Every SMS reply the engine can send, found by walking the conversation exhaustively.

The contract (docs/contract.md): every English reply fits one GSM-7 segment, every Spanish
reply two segments, at most one message per incoming text, and nothing at all is sent to a
resident who opted out.
"""

from bot.core.conversation import catalog
from bot.core.conversation.understanding import QUESTIONS, keyword
from bot.core.eligibility import OFFICES
from bot.core.eligibility.rules import OUTCOMES
from bot.core.reference import is_valid
from tests.support.channels import sms_text
from tests.support.gsm import is_gsm7, length, non_gsm7, segments
from tests.support.walk import REFERENCE, sms_replies, sms_walk


def describe(text: str, step) -> str:
    before = step.before
    where = "first contact" if before is None else (before.question or "after the result")
    return (
        f"\n  {length(text)} chars, {segments(text)} segments, non-GSM-7 {non_gsm7(text)}"
        f"\n    after {step.label!r} ({step.text!r}) at {where}: {text!r}"
    )


def too_long(language: str, most_segments: int) -> list[str]:
    replies = sms_replies(language)
    return [
        describe(text, step)
        for text, step in sorted(replies.items(), key=lambda item: -length(item[0]))
        if segments(text) > most_segments
    ]


def test_the_walk_uses_a_valid_reference():
    assert is_valid(REFERENCE)


def test_the_walk_asks_every_question_and_reaches_every_outcome_in_both_languages():
    for language in ("en", "es"):
        steps = [step for step in sms_walk() if step.turn.state.language == language]
        asked = {step.turn.ask.id for step in steps if step.turn.ask is not None}
        outcomes = {step.turn.state.decision.outcome for step in steps if step.turn.state.done}
        offices = {step.turn.state.decision.office.id for step in steps if step.turn.state.done}
        assert asked == set(QUESTIONS), language
        assert outcomes == set(OUTCOMES), language
        assert offices == set(OFFICES), language


def test_every_english_sms_reply_fits_one_gsm7_segment():
    problems = too_long("en", 1)
    assert not problems, f"{len(problems)} English replies over one segment:" + "".join(problems)


def test_every_spanish_sms_reply_fits_two_segments():
    problems = too_long("es", 2)
    assert not problems, f"{len(problems)} Spanish replies over two segments:" + "".join(problems)


def test_no_english_sms_reply_has_curly_quotes_dashes_emoji_or_accents():
    replies = sms_replies("en").items()
    problems = [describe(text, step) for text, step in replies if not is_gsm7(text)]
    assert not problems, "English replies sent as UCS-2:" + "".join(problems)


def test_every_sms_reply_is_one_non_empty_message():
    for step in sms_walk():
        text = sms_text(step.turn)
        assert text is None or text.strip(), describe(repr(text), step)
        assert text is None or text == text.strip(), describe(text, step)


def test_nothing_is_sent_exactly_when_the_resident_has_opted_out():
    for step in sms_walk():
        assert (sms_text(step.turn) is None) == step.turn.state.opted_out, describe("", step)


def test_only_an_opt_out_word_turns_a_resident_silent():
    for step in sms_walk():
        was_out = step.before is not None and step.before.opted_out
        if step.turn.state.opted_out and not was_out:
            assert keyword(step.text) == "stop", describe("", step)
            assert "opted_out" in step.turn.events


def test_every_result_names_the_office_its_phone_and_the_reference():
    for step in sms_walk():
        state = step.turn.state
        text = sms_text(step.turn)
        if state.done and text is not None and keyword(step.text) != "help":
            office = state.decision.office
            assert catalog.office_name(state.language, office.id) in text, describe(text, step)
            assert office.phone in text, describe(text, step)
            assert REFERENCE in text, describe(text, step)
            assert "legal" in text, describe(text, step)
