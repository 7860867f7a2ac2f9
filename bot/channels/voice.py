"""The voice channel: Twilio's incoming-call webhook and the routes a call goes through.

Each question is a ``<Gather input="dtmf speech">`` whose ``action`` (and the ``<Redirect>``
after it, taken when nothing was heard) carries the call's step, what was asked and in which
language, so a repeated webhook is recognised (``bot.service.calls``) and keys are read where
they were pressed. The result is said with the office and its number and the reference spelled
out, then a one-key menu: hear it again, get it by text, be connected to the office (with the
reference whispered to the office first), or when the office is closed, ask for a call back.
Calls are never recorded. What is said, and how keys and speech are read, is in
``bot.channels.voice_words``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from bot import clock
from bot.channels import voice_words as words
from bot.channels.sms import e164, require_signature
from bot.core import reference
from bot.core.conversation.engine import ChannelTraits, Turn
from bot.core.eligibility.rules import Hours
from bot.core.text import clean_text
from bot.service import calls, turns
from bot.service.calls import Said, Then
from bot.service.channel import Channel
from bot.web.surfaces import Surface

bp = Blueprint("voice", __name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
DIALLED = "dial"  # the step after connecting a caller to an office
#: Seconds to wait for a key or speech, and for an office to answer before the menu returns.
GATHER_TIMEOUT = 6
DIAL_TIMEOUT = 25
#: What Twilio sends as the caller when the number is withheld: the words, and the numbers
#: it uses for "anonymous", "restricted", "unavailable", "blocked" and "unknown".
WITHHELD = frozenset(
    (
        "",
        "anonymous",
        "restricted",
        "unavailable",
        "unknown",
        "private",
        "blocked",
        "+266696687",
        "+7378742833",
        "+86282452253",
        "+2562533",
        "+8656696",
    )
)
#: Far more webhooks than any call makes (its steps fit the database's integer).
MAX_STEPS = 10_000
ENDED = frozenset(("completed", "busy", "no-answer", "failed", "canceled"))


def render_turn(turn: Turn) -> list[str]:
    """A turn as the sentences a call says (what staff read, and the ``call`` command)."""
    return [spoken.text for spoken in words.turn_says(turn)]


def _twiml_error(status: int, message: str, field: str | None = None) -> Any:
    return Response(EMPTY_TWIML, status=status, mimetype="text/xml")


CHANNEL = Channel(
    traits=ChannelTraits(name="voice", records_opt_out=False, help_alone=False),
    label="Phone call",
    render=render_turn,
)
SURFACE = Surface(blueprint=bp, prefixes=("/voice",), errors=_twiml_error, csrf=False)


def caller(sender: str) -> str | None:
    """The caller in E.164, or ``None`` when the number is withheld."""
    if sender.strip().lower() in WITHHELD:
        return None
    number = e164(sender)
    return number if number.startswith("+") else None


@cache
def _hours(setting: str) -> Hours:
    return Hours.parse(setting)


def settings() -> calls.Settings:
    office_hours = current_app.config.get("OFFICE_HOURS")
    return calls.Settings(
        phone_hash_key=current_app.config["PHONE_HASH_KEY"] or "",
        office_hours=_hours(office_hours) if office_hours else None,
        wake_texts=_wake_texts,
    )


def _wake_texts() -> None:
    """Wake the worker that sends texts the service starts. Imported when first needed: the jobs
    module registers the staff side's chores, whose pages list this channel."""
    from bot.jobs import tasks

    tasks.wake()


def _url(path: str, **params: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{request.url_root}voice/{path}" + (f"?{query}" if query else "")


class Speaker:
    """``<Say>``s in the configured voice of each language."""

    def __init__(self) -> None:
        config = current_app.config
        self.voices = {"en": config["VOICE_EN"], "es": config["VOICE_ES"]}

    def say(self, parent: Any, spoken: words.Spoken) -> None:
        parent.say(
            spoken.text,
            voice=self.voices[spoken.language],
            language=words.GATHER_LANGUAGES[spoken.language],
        )


def _gather(said: Said, says: list[words.Spoken], speaker: Speaker) -> tuple[Gather, str]:
    state = said.state
    lang = state.language
    if state.done:
        at = words.MENU_WITH_CALLBACK if said.offer_callback else words.MENU
        question = None
    else:
        assert state.question is not None
        at = question = state.question
    action = _url("step", n=said.step, at=at, lang=lang)
    options: dict[str, Any] = {"num_digits": 1}
    if question is not None and words.is_number_question(question):
        options = {"finish_on_key": "#", "action_on_empty_result": True}
    gather = Gather(
        input="dtmf speech",
        action=action,
        method="POST",
        language=words.GATHER_LANGUAGES[lang],
        speech_timeout="auto",
        timeout=GATHER_TIMEOUT,
        hints=words.hints(lang, question),
        **options,
    )
    for spoken in says:
        speaker.say(gather, spoken)
    return gather, action


def render(said: Said) -> tuple[str, list[str]]:
    """TwiML for what the call says and does next, and the sentences it says."""
    state = said.state
    now = clock.now().astimezone(clock.COUNTY_TIME)
    says: list[words.Spoken] = []
    if said.turn is not None:
        says += words.turn_says(said.turn)
    says += [words.note_says(said, note, now) for note in said.notes]
    speaker = Speaker()
    response = VoiceResponse()
    if said.then is Then.ASK:
        if state.done:
            says += words.menu_says(state, said.offer_callback)
        else:
            assert state.question is not None
            says += words.question_says(state.language, state.question)
        gather, action = _gather(said, says, speaker)
        response.append(gather)
        response.redirect(action, method="POST")
    else:
        for spoken in says:
            speaker.say(response, spoken)
        if said.then is Then.DIAL:
            response.append(_dial(said))
        else:
            response.hangup()
    return str(response), [spoken.text for spoken in says]


def _dial(said: Said) -> Dial:
    """The office of the result, which hears the reference before the caller is put through."""
    state = said.state
    decision = state.decision
    assert decision is not None and state.reference is not None
    dial = Dial(
        action=_url("step", n=said.step, at=DIALLED, lang=state.language),
        method="POST",
        timeout=DIAL_TIMEOUT,
        record="do-not-record",  # calls are never recorded
    )
    dial.number(decision.office.e164, url=_url("whisper", reference=state.reference), method="POST")
    return dial


def _field(name: str, limit: int) -> str:
    """A form field as storable text (no NUL, no lone surrogate), cut to ``limit``."""
    return clean_text(request.form.get(name, "")[:limit])


def _call_sid() -> str:
    sid = _field("CallSid", 64).strip()
    if not sid:
        abort(400, "Missing Twilio field CallSid.")
    return sid[:64]


def _twiml(text: str) -> Response:
    return Response(text, mimetype="text/xml")


@bp.post("/voice")
def incoming() -> Response:
    """A call comes in: the welcome and the first question (or, repeated, the same again)."""
    require_signature()
    step = calls.Step(_call_sid(), 0, caller(_field("From", 64)))
    return _twiml(calls.answer(CHANNEL, step, settings(), render))


def _step_args() -> tuple[int, str, str]:
    number = request.args.get("n", type=int)
    at = request.args.get("at", "")
    language = request.args.get("lang", "en")
    known = at in (words.MENU, words.MENU_WITH_CALLBACK, DIALLED) or at in words.QUESTIONS
    if number is None or not 1 <= number <= MAX_STEPS:
        abort(400, "A call step needs ?n= from 1 to 10000.")
    if not known or language not in words.GATHER_LANGUAGES:
        abort(400, "A call step needs a known at= and lang=.")
    return number, at, language


@bp.post("/voice/step")
def step() -> Response:
    """What the caller did at a gather (keys, speech or nothing), or how a <Dial> ended."""
    require_signature()
    number, at, language = _step_args()
    phone = caller(_field("From", 64))
    if at == DIALLED:
        status = _field("DialCallStatus", 16).strip() or "failed"
        call_step = calls.Step(_call_sid(), number, phone, dial_status=status)
    else:
        heard = words.heard(
            at,
            language,
            _field("Digits", 32),
            _field("FinishedOnKey", 4),
            _field("SpeechResult", turns.MAX_INPUT),  # the same length as a text or a chat
            _field("Confidence", 16),
        )
        call_step = calls.Step(_call_sid(), number, phone, heard=heard)
    return _twiml(calls.answer(CHANNEL, call_step, settings(), render))


@bp.post("/voice/whisper")
def whisper() -> Response:
    """Said to the office when it answers, before the caller is put through."""
    require_signature()
    said = request.args.get("reference", "")[:16]
    response = VoiceResponse()
    if said.startswith("SAC-") and reference.is_valid(said):
        spoken = words.Spoken(
            words.voice("en", "whisper", reference=words.spelled(said, "en")), "en"
        )
        Speaker().say(response, spoken)
    return _twiml(str(response))


@bp.post("/voice/status")
def status() -> Response:
    """Twilio's call status callback: how the call ended and how long it took."""
    require_signature()
    reported = _field("CallStatus", 16)
    if reported not in ENDED:
        return _twiml(EMPTY_TWIML)  # a call still ringing or in progress: nothing to keep yet
    try:
        duration: int | None = int(_field("CallDuration", 9))
    except ValueError:
        duration = None
    calls.call_ended(_call_sid(), reported, duration)
    return _twiml(EMPTY_TWIML)
