"""The pure engine, driven as a resident would: one text in, the new state and the reply out."""

from __future__ import annotations

import itertools

import pytest

from bot.core.conversation import catalog
from bot.core.conversation.engine import Context, State, Turn, reply, start
from bot.core.eligibility import OFFICES
from tests.support.channels import sms_text, traits, web_messages

THIS_YEAR = 2026
EN = catalog.CATALOGS["en"]["text"]
ES = catalog.CATALOGS["es"]["text"]
DA = OFFICES["district_attorney"].phone
PD = OFFICES["public_defender"].phone


class Chat:
    """One resident's conversation, held in memory as the host would store it."""

    def __init__(self, channel: str = "sms") -> None:
        self.channel = channel
        self.state: State | None = None
        self.turn: Turn | None = None
        self.references: list[str] = []  # every reference the engine asked the host for
        self._serials = itertools.count(1)

    def _new_reference(self) -> str:
        reference = f"SAC-0000-{next(self._serials):04d}"
        self.references.append(reference)
        return reference

    def send(self, text: str, **context: bool) -> str | None:
        """Send ``text``; the SMS reply, or ``None`` when nothing is sent."""
        ctx = Context(traits(self.channel), THIS_YEAR, self._new_reference, **context)
        self.turn = reply(self.state, text, ctx)
        self.state = self.turn.state
        return sms_text(self.turn)

    def answer(self, *texts: str) -> str | None:
        said = None
        for text in texts:
            said = self.send(text)
        return said

    @property
    def question(self) -> str | None:
        assert self.turn is not None
        return self.turn.ask.id if self.turn.ask is not None else None


def question_text(language: str, question_id: str) -> str:
    return catalog.CATALOGS[language]["question"][question_id]["text"]


def finished(*answers: str) -> Chat:
    chat = Chat()
    chat.answer("Hi", *answers)
    assert chat.state is not None and chat.state.done
    return chat


def test_the_first_text_gets_the_welcome_and_the_first_question():
    chat = Chat()
    said = chat.send("Hi")
    assert said is not None
    assert said.startswith(EN["welcome_sms"])
    assert question_text("en", "county") in said
    assert chat.question == "county"
    assert "started" in chat.turn.events


def test_the_web_chat_starts_with_its_welcome_and_the_first_question():
    turn = start("en", traits("web"))
    assert web_messages(turn) == [EN["welcome_web"], question_text("en", "county")]
    assert turn.state.question == "county"


def test_a_spanish_greeting_as_the_first_text_starts_in_spanish():
    chat = Chat()
    said = chat.send("Hola")
    assert chat.state.language == "es"
    assert said.startswith(ES["welcome_sms"])
    assert question_text("es", "county") in said


def test_an_answered_check_ends_with_the_outcome_office_phone_and_reference():
    chat = finished("1", "1", "2009", "25", "2")
    said = sms_text(chat.turn)
    assert chat.state.decision.outcome == "dismiss"
    assert chat.state.decision.office.id == "district_attorney"
    assert catalog.outcome_text("en", "dismiss") in said
    assert "District Attorney" in said and DA in said
    assert chat.references == ["SAC-0000-0001"] and "SAC-0000-0001" in said
    assert "not legal advice" in said
    assert "completed" in chat.turn.events


def test_stop_is_silent_and_records_the_opt_out():
    chat = Chat()
    chat.answer("Hi", "1")
    assert chat.send("STOP") is None
    assert chat.turn.silent and web_messages(chat.turn) == []
    assert chat.state.opted_out
    assert "opted_out" in chat.turn.events


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "END", "quit", "REVOKE"])
def test_every_opt_out_word_opts_out(word):
    chat = Chat()
    chat.send("Hi")
    assert chat.send(word) is None
    assert chat.state.opted_out


@pytest.mark.parametrize("text", ["HELP", "1", "blah", "BACK", "RESTART", "ES", "STOP", "Hola"])
def test_nothing_is_sent_after_stop_whatever_the_resident_texts(text):
    chat = Chat()
    chat.answer("Hi", "1", "STOP")
    before = chat.state
    assert chat.send(text) is None
    assert chat.send(text, idle_expired=True) is None
    assert chat.state == before


@pytest.mark.parametrize("word", ["START", "unstop", "YES", "Yes"])
def test_opting_back_in_says_so_and_asks_the_next_question(word):
    chat = Chat()
    chat.answer("Hi", "1", "STOP")
    said = chat.send(word)
    assert not chat.state.opted_out
    assert said.startswith(EN["opted_in"])
    assert catalog.question("en", "offense").short in said  # short form, to fit one segment
    assert chat.state.answers == {"county": "sacramento"}
    assert "opted_in" in chat.turn.events


def test_stop_as_the_very_first_text_opts_out_and_start_then_asks_the_first_question():
    chat = Chat()
    assert chat.send("STOP") is None
    assert chat.send("HELP") is None
    said = chat.send("START")
    assert said.startswith(EN["opted_in"])
    assert chat.question == "county"


def test_stop_on_the_web_chat_does_not_opt_out():
    chat = Chat("web")
    chat.send("Hi")
    chat.send("STOP")
    assert not chat.state.opted_out
    assert not chat.turn.silent
    assert web_messages(chat.turn) == [EN["stopped_web"]]
    assert chat.send("1") is not None and chat.question == "offense"


def test_help_gives_both_phone_numbers_and_keeps_the_question_open():
    chat = Chat()
    chat.answer("Hi", "1")
    said = chat.send("HELP")
    assert DA in said and PD in said
    assert chat.state.question == "offense"
    assert chat.send("1") is not None and chat.question == "conviction_year"


def test_back_changes_the_last_answer_and_the_result_uses_the_changed_answer():
    chat = Chat()
    chat.answer("Hi", "1", "1")
    said = chat.send("BACK")
    assert said.startswith(EN["back"])
    assert chat.question == "offense"
    assert chat.state.answers == {"county": "sacramento"}
    chat.answer("5")
    assert chat.state.done
    assert chat.state.answers == {"county": "sacramento", "offense": "other"}
    assert chat.state.decision.reasons[0] == "not_cannabis"


def test_back_mid_way_then_a_new_answer_changes_the_result():
    chat = Chat()
    chat.answer("Hi", "1", "1", "2009")
    chat.send("BACK")
    assert chat.question == "conviction_year"
    chat.send("2017")
    assert chat.state.done
    assert chat.state.answers["conviction_year"] == 2017
    assert chat.state.decision.reasons[0] == "after_prop64"


def test_back_before_any_answer_says_there_is_nothing_to_change():
    chat = Chat()
    chat.send("Hi")
    said = chat.send("BACK")
    assert said.startswith(EN["back_nothing"])
    assert chat.question == "county"


def test_back_after_the_result_reopens_the_last_question_and_keeps_the_reference():
    chat = finished("1", "1", "2009", "25", "2")
    reference = chat.state.reference
    said = chat.send("BACK")
    assert chat.question == "sentence_status"
    assert question_text("en", "sentence_status") in said
    assert not chat.state.done
    assert chat.state.reference == reference
    said = chat.send("1")
    assert chat.state.done
    assert chat.state.decision.office.id == "public_defender"
    assert chat.state.reference == reference and reference in said
    assert chat.references == [reference]


def test_a_text_after_the_result_repeats_the_result_and_reference():
    chat = finished("1", "1", "2009", "25", "2")
    result = sms_text(chat.turn)
    before = chat.state
    assert chat.send("thanks") == result
    assert chat.send("hi", idle_expired=True) == result
    assert chat.state == before
    assert chat.references == [before.reference]


def test_restart_starts_over_with_no_answers():
    chat = finished("1", "1", "2009", "25", "2")
    said = chat.send("RESTART")
    assert said.startswith(EN["restart"])
    assert chat.state.answers == {} and chat.state.history == ()
    assert not chat.state.done and chat.state.reference is None
    assert chat.question == "county"
    chat.answer("2", "2", "2008")
    assert chat.state.done and chat.references == ["SAC-0000-0001", "SAC-0000-0002"]


def test_es_mid_way_switches_language_and_asks_the_same_question_again():
    chat = Chat()
    chat.answer("Hi", "1", "1")
    said = chat.send("ES")
    assert chat.state.language == "es"
    assert said.startswith(ES["switched"])
    assert question_text("es", "conviction_year") in said
    assert chat.state.question == "conviction_year"
    assert chat.state.answers == {"county": "sacramento", "offense": "possession"}
    said = chat.send("EN")
    assert said.startswith(EN["switched"]) and question_text("en", "conviction_year") in said


def test_a_picture_without_text_asks_for_text_and_keeps_the_question():
    chat = Chat()
    chat.answer("Hi", "1")
    before = chat.state
    said = chat.send("", has_media=True)
    assert said.startswith(EN["picture"])
    assert chat.turn.retry and chat.question == "offense"
    assert chat.state == before


def test_an_answer_that_is_not_understood_gets_the_question_again_with_a_hint():
    chat = Chat()
    chat.answer("Hi", "1", "1")
    said = chat.send("blah")
    assert said.startswith(EN["not_understood"])
    assert catalog.CATALOGS["en"]["choice_hint"]["year"] in said
    assert chat.question == "conviction_year"


def test_coming_back_after_the_check_timed_out_starts_a_new_check():
    chat = Chat()
    chat.answer("Hi", "1", "1")
    said = chat.send("2009", idle_expired=True)
    assert said.startswith(EN["expired"])
    assert chat.state.answers == {} and chat.question == "county"


ODD_TEXTS = [
    "",
    " ",
    "   \n\t ",
    "x" * 2000,
    "9" * 2000,
    "🙂",
    "🙂" * 500,
    "Das weiß ich nicht",
    "这是什么",
    "مرحبا",
    "\x00",
    "<Response/>",
    "{text}",
    "?!",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("answers", [(), ("1",), ("1", "1"), ("1", "1", "2009")])
@pytest.mark.parametrize("channel", ["sms", "web"])
def test_odd_input_never_raises_and_asks_the_question_again(text, answers, channel):
    chat = Chat(channel)
    chat.answer("Hi", *answers)
    before = chat.state
    chat.send(text)
    assert chat.state == before
    assert chat.turn.retry
    assert chat.turn.ask is not None and chat.turn.ask.id == before.question


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_input_as_the_first_text_gets_the_welcome(text):
    chat = Chat()
    said = chat.send(text)
    assert said.startswith(EN["welcome_sms"])
    assert chat.question == "county"


@pytest.mark.parametrize(
    ("answers", "question_id"),
    [((), "county"), (("1", "1", "2009"), "age_at_offense")],
    ids=["choice", "age"],
)
def test_a_huge_number_from_the_web_chat_never_raises(answers, question_id):
    """The web chat accepts bodies up to 64 KiB; Python refuses int() of over 4,300 digits."""
    chat = Chat("web")
    chat.answer("Hi", *answers)
    before = chat.state
    assert before.question == question_id
    chat.send("9" * 5000)
    assert chat.state == before and chat.turn.retry
