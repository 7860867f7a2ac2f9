"""Whole phone calls replayed through Twilio's signed voice webhooks, asserting the TwiML a
caller would hear: the gathers and their languages and hints, the reference spelled out, the
<Dial> to the right office, and what staff see afterwards."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.storage import retention
from bot.storage.calls import VoiceCall, VoiceStep
from bot.storage.db import db
from bot.storage.models import Inquiry, Message
from tests.support.apps import make_app, release
from tests.support.caller import Caller, Twiml
from tests.support.staff import Staff, create_staff
from tests.support.texter import Texter

ALWAYS_OPEN = "Mon-Sun 00:00-24:00"
DA_DIALLED, PD_DIALLED = "+19168746218", "+19168745578"
REFERENCE = re.compile(r"SAC-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture
def app(database_url):
    """Offices open around the clock unless a test fixes the clock and the hours itself."""
    application = make_app(database_url, OFFICE_HOURS=ALWAYS_OPEN)
    yield application
    release(application)


@pytest.fixture
def caller(client) -> Caller:
    return Caller(client)


def keys_to_da_result(caller: Caller) -> Twiml:
    """Sacramento, possession, 2009, 25, sentence done: dismiss, District Attorney."""
    caller.call()
    caller.press("1")
    caller.press("1")
    caller.press("2009", "#")
    caller.press("25", "#")
    return caller.press("2")


def the_reference(app) -> str:
    with app.app_context():
        found = db.session.scalars(select(Inquiry.reference).where(Inquiry.channel == "voice"))
        references = [ref for ref in found if ref]
    assert len(references) == 1
    return references[0]


def spelled_characters(spoken: str) -> list[str]:
    """The characters of the reference as said: "S, A, C, 7, K as in Kilo, ..." -> S A C 7 K."""
    said = spoken.split("Your reference is ", 1)[1].split(".")[0]
    return [part.strip().split(" ")[0] for part in said.split(",")]


def test_a_call_answered_by_keys_alone_ends_with_the_district_attorney_on_the_line(app, caller):
    first = caller.call()
    gather = first.gather
    assert gather is not None
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    assert gather.get("speechTimeout") == "auto"
    assert "step?n=1" in gather.get("action", "")
    assert first.redirect == gather.get("action")  # silence comes back to the same step
    assert "Press 1 for yes. Press 2 for no. Press 3 if you are not sure." in first.says
    result = keys_to_da_result(caller)
    assert result.asks == "menu"
    assert "District Attorney" in result.spoken
    assert "9 1 6, 8 7 4, 6 2 1 8" in result.spoken
    reference = the_reference(app)
    assert spelled_characters(result.spoken) == list(reference.replace("-", ""))
    connected = caller.press("3")
    assert connected.dialled == DA_DIALLED
    number = connected.root.find("Dial/Number")
    assert number is not None and f"reference={reference}" in number.get("url", "")


def test_a_call_answered_by_speech_alone_ends_with_the_same_office(app, caller):
    caller.call()
    assert caller.say("Uh, yes I think so.").asks == "offense"
    assert caller.say("Possession.").asks == "conviction_year"
    assert caller.say("Two thousand nine.").asks == "age_at_offense"
    assert caller.say("I was like twenty five.").asks == "sentence_status"
    result = caller.say("No.")
    assert result.asks == "menu"
    assert caller.say("Three.").dialled == DA_DIALLED


def test_a_spanish_caller_hears_spanish_gathers_and_is_put_through_to_the_public_defender(
    app, caller
):
    caller.call()
    switched = caller.press("9")
    assert switched.gather is not None and switched.gather.get("language") == "es-US"
    assert "¿Su caso de marihuana fue en el Condado de Sacramento?" in switched.says
    assert all(
        say.get("language") == "es-US"
        for say in switched.root.iter("Say")
        if "English" not in (say.text or "")
    )
    assert "sí" in (switched.gather.get("hints") or "")
    assert caller.say("No.").asks == "offense"
    assert caller.say("Por cultivarla.").asks == "conviction_year"
    result = caller.say("Dos mil ocho.")
    assert result.asks == "menu"
    assert "Defensor Público" in result.spoken
    assert "Su referencia es" in result.spoken
    assert caller.press("3").dialled == PD_DIALLED


def test_number_questions_take_digits_ended_by_pound_and_pound_alone_is_not_sure(app, caller):
    caller.call()
    caller.press("1")
    year = caller.press("1")
    gather = year.gather
    assert gather is not None
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") is None
    assert gather.get("actionOnEmptyResult") == "true"
    assert "Para español, diga español." in year.says
    assert caller.press("", "#").asks == "age_at_offense"
    with app.app_context():
        answers = db.session.scalars(select(Inquiry.answers)).one()
    assert answers["conviction_year"] == "unsure"


def test_star_goes_back_and_zero_says_both_offices_then_asks_again(caller):
    caller.call()
    caller.press("1")
    back = caller.press("*")
    assert back.asks == "county"
    helped = caller.press("0")
    assert "9 1 6, 8 7 4, 5 5 7 8" in helped.spoken and "9 1 6, 8 7 4, 6 2 1 8" in helped.spoken
    assert helped.asks == "county"


def test_two_silences_end_the_call_with_both_offices_numbers(caller):
    caller.call()
    again = caller.silence()
    assert "Sorry, I did not hear anything." in again.says
    assert again.asks == "county"
    ended = caller.silence()
    assert ended.hung_up and ended.gather is None
    assert "9 1 6, 8 7 4, 5 5 7 8" in ended.spoken and "9 1 6, 8 7 4, 6 2 1 8" in ended.spoken


def test_three_answers_not_understood_on_one_question_end_the_call(caller):
    caller.call()
    assert caller.say("The weather is nice.").asks == "county"
    assert caller.say("Purple.").asks == "county"
    ended = caller.say("Banana bread.")
    assert ended.hung_up
    assert "9 1 6, 8 7 4, 5 5 7 8" in ended.spoken


def test_the_office_hears_the_reference_before_the_caller_is_put_through(app, caller, client):
    keys_to_da_result(caller)
    reference = the_reference(app)
    number = caller.press("3").root.find("Dial/Number")
    assert number is not None
    whisper = Twiml(caller.post(number.get("url", "")).data)
    assert spelled_characters(whisper.spoken.replace("Reference", "Your reference is")) == list(
        reference.replace("-", "")
    )


def test_an_office_that_does_not_answer_gives_its_number_and_the_menu_again(caller):
    keys_to_da_result(caller)
    caller.press("3")
    missed = caller.dial_ended("no-answer")
    assert "The District Attorney did not answer." in missed.spoken
    assert "9 1 6, 8 7 4, 6 2 1 8" in missed.spoken
    assert missed.asks == "menu"
    caller.press("3")
    done = caller.dial_ended("completed")
    assert done.hung_up


def test_outside_hours_key_3_says_when_the_office_opens_and_4_asks_for_a_call_back(
    database_url, monkeypatch, make_staff
):
    saturday_morning = datetime(2026, 11, 28, 10, 0, tzinfo=clock.COUNTY_TIME)
    monkeypatch.setattr(clock, "now", lambda: saturday_morning)
    app = make_app(database_url)  # the offices' own hours: Monday to Friday, 8 to 5
    try:
        caller = Caller(app.test_client())
        keys_to_da_result(caller)
        closed = caller.press("3")
        assert closed.dialled is None
        assert "The District Attorney is closed now. It opens Monday at 8 AM." in closed.says
        assert closed.asks == "menu4"
        asked = caller.press("4")
        assert "call you back at this number" in asked.spoken
        reference = the_reference(app)
        monkeypatch.undo()  # staff sign in today: a session is timed by the real clock
        create_staff(app, "dana@da.example.org", "district_attorney")
        staff = Staff(app, "dana@da.example.org")
        assert staff.sign_in().status_code == 302
        listed = staff.page("/staff/?channel=voice")
        assert reference in listed and "Call back requested" in listed
        record = staff.page(f"/staff/inquiries/{reference}")
        assert "Asked to be called back" in record
    finally:
        release(app)


def test_key_4_is_no_choice_while_the_office_is_open(caller):
    keys_to_da_result(caller)
    again = caller.press("4")
    assert again.asks == "menu"
    assert "call you back" not in again.spoken


def test_a_repeated_webhook_gets_the_same_twiml_and_changes_nothing(app, caller):
    caller.call()
    first = caller.press("1")
    with app.app_context():
        before = db.session.scalar(select(func.count(Message.id)))
    url = caller.last.redirect if caller.last else None
    assert url is not None
    # Twilio repeats the step before: same action URL, same keys.
    repeat = caller.post(url.replace("n=2", "n=1").replace("offense", "county"), {"Digits": "1"})
    assert repeat.data == first.raw
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == before
        assert db.session.scalars(select(Inquiry.answers)).one() == {"county": "sacramento"}


def test_two_calls_at_once_from_one_number_do_not_mix(app, client):
    one, two = Caller(client), Caller(client)
    one.call()
    two.call()
    one.press("1")
    assert two.press("2").asks == "offense"  # "no" on its own call, not the other's
    assert one.press("1").asks == "conviction_year"
    assert two.press("2").asks == "conviction_year"
    with app.app_context():
        answers = db.session.scalars(select(Inquiry.answers).order_by(Inquiry.id)).all()
    assert answers == [
        {"county": "sacramento", "offense": "possession"},
        {"county": "other", "offense": "cultivation"},
    ]


def test_a_call_and_a_text_from_one_number_keep_their_own_threads(app, client):
    caller, texter = Caller(client), Texter(client)
    caller.call()
    texter.text("Hi")
    caller.press("2")
    assert "What was the weed conviction for?" in texter.text("yes")
    assert caller.last is not None and caller.last.asks == "offense"


def test_a_forged_call_is_refused_and_a_call_without_its_id_is_a_bad_request(caller):
    assert caller.post("/voice", token="not-the-token").status_code == 403
    assert caller.post("/voice/step?n=1&at=county&lang=en", token="wrong").status_code == 403
    assert caller.post("/voice/status", token="wrong").status_code == 403
    assert caller.post("/voice", {"CallSid": ""}).status_code == 400
    assert caller.post("/voice/step?n=1&at=nowhere&lang=en").status_code == 400
    assert caller.post("/voice/step?n=99999999999&at=county&lang=en").status_code == 400


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("anonymous", "We cannot see your phone number, so we cannot text you."),
        ("+266696687", "We cannot see your phone number, so we cannot text you."),
        ("+19165550123", "We are sending you a text with your result now."),
    ],
)
def test_key_2_tells_the_caller_what_happens_to_the_text(client, phone, expected):
    caller = Caller(client, phone=phone)
    keys_to_da_result(caller)
    told = caller.press("2")
    assert expected in told.spoken
    assert told.asks == "menu"


def test_key_2_on_a_number_that_texted_stop_is_told_it_opted_out(client):
    Texter(client).text("STOP")
    caller = Caller(client)
    keys_to_da_result(caller)
    assert "This number asked us not to send texts" in caller.press("2").spoken


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("queued", "We are sending you a text with your result now."),
        ("no_texts", "This number cannot get texts, so we did not send one."),
    ],
)
def test_key_2_says_what_the_outbound_path_answered(client, monkeypatch, result, expected):
    from bot.service import voice_texts

    sent: list[str] = []

    def queue(tx, phone, thread_id, inquiry_id, body):
        sent.append(body)
        return voice_texts.TextResult(result)

    monkeypatch.setattr(voice_texts, "_queue", queue)
    caller = Caller(client)
    keys_to_da_result(caller)
    assert expected in caller.press("2").spoken
    assert len(sent) == 1 and REFERENCE.search(sent[0]) and "916-874-6218" in sent[0]


def test_the_status_callback_records_how_the_call_ended_and_staff_see_the_call(app, caller, da):
    caller.call()
    caller.say("Yes.", confidence="0.8765")
    caller.press("1")
    caller.press("2009", "#")
    caller.say("Twenty five.")
    caller.press("2")
    reference = the_reference(app)
    assert (
        caller.post("/voice/status", {"CallStatus": "completed", "CallDuration": "75"}).status_code
        == 200
    )
    record = html.unescape(da.page(f"/staff/inquiries/{reference}"))
    assert "Phone call" in record
    assert "+19165550123" in record
    assert "Ended normally, 1 min 15 s" in record
    assert 'Said: "Yes." (confidence 0.88)' in record
    assert "Keys: 2009" in record
    figures = da.page("/staff/stats")
    assert "Phone call" in figures


def test_the_status_callback_of_a_call_never_answered_changes_nothing(caller):
    response = caller.post("/voice/status", {"CallStatus": "busy", "CallDuration": "0"})
    assert response.status_code == 200


def kept_steps(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(VoiceStep)) or 0


def test_a_calls_kept_twiml_goes_when_it_ends_or_a_day_after_it_began(app, client):
    ended, forgotten = Caller(client), Caller(client)
    ended.call()
    ended.press("1")
    forgotten.call()
    assert kept_steps(app) == 3
    ended.post("/voice/status", {"CallStatus": "completed", "CallDuration": "20"})
    assert kept_steps(app) == 1
    with app.app_context():
        retention.purge(clock.now() + timedelta(days=2), retention_days=365)
    assert kept_steps(app) == 0


def test_a_purged_call_keeps_how_it_ended_but_not_twilios_id(app, caller):
    """Twilio's logs tie a CallSid to the caller's number: after the retention period the
    call's row keeps its status and length, not that id."""
    caller.call()
    caller.post("/voice/status", {"CallStatus": "completed", "CallDuration": "20"})
    with app.app_context():
        retention.purge(clock.now() + timedelta(days=400), retention_days=365)
        call_id, status = db.session.execute(select(VoiceCall.call_sid, VoiceCall.status)).one()
    assert status == "completed"
    assert caller.sid not in call_id


def test_star_at_the_menu_reopens_the_last_question_and_the_reference_is_kept(app, caller):
    keys_to_da_result(caller)
    reference = the_reference(app)
    reopened = caller.press("*")
    assert reopened.asks == "sentence_status"
    assert caller.press("2").asks == "menu"
    assert the_reference(app) == reference


def test_a_caller_who_says_espanol_on_a_number_question_hears_it_again_in_spanish(caller):
    caller.call()
    caller.press("1")
    caller.press("1")
    switched = caller.say("Español.")
    assert switched.asks == "conviction_year"
    assert switched.gather is not None and switched.gather.get("language") == "es-US"
    assert "¿En qué año lo condenaron?" in switched.says


def test_starting_over_by_voice_keeps_the_first_check_and_opens_a_new_one(app, caller):
    caller.call()
    caller.press("1")
    again = caller.say("Start over.")
    assert again.asks == "county"
    with app.app_context():
        inquiries = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
        assert [i.answers for i in inquiries] == [{"county": "sacramento"}, {}]
        # the welcome, "1" and its answer, "Start over"; then the new check's first question
        assert [len(i.messages) for i in inquiries] == [4, 1]


@pytest.mark.parametrize(
    "extra",
    [
        {"Digits": "**##12"},
        {"Digits": "9999999999999999999999999999999999"},
        {"SpeechResult": "🙂🙂 ¿¿?? " * 100, "Confidence": "not a number"},
        {"SpeechResult": "\x00\x1f", "Confidence": ""},
        {"FinishedOnKey": "#"},
    ],
)
def test_whatever_twilio_posts_a_call_answers_with_twiml(caller, extra):
    caller.call()
    response = caller.post(caller._action(), extra)
    assert response.status_code == 200
    assert Twiml(response.data).gather is not None or Twiml(response.data).hung_up


def test_the_incoming_call_webhook_sent_twice_at_once_starts_one_conversation(app, caller):
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: caller.post("/voice").data, range(2)))
    assert answers[0] == answers[1]
    assert Twiml(answers[0]).asks == "county"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 1
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1
