"""The SMS channel: Twilio's Messaging webhook, and everything that is particular to texts.

It declares itself here (``CHANNEL`` for the service, ``SURFACE`` for the web layer): one text
a reply within the language's segment budget, STOP records an opt-out, errors answer TwiML, and
no CSRF (Twilio signs each request instead).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from functools import lru_cache
from typing import Any

import phonenumbers
from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.sansio.utils import get_current_url

from bot.core.conversation.engine import ChannelTraits, Turn
from bot.core.conversation.segments import segments
from bot.service import delivery, turns
from bot.service.channel import Channel, MessageLimit
from bot.web import limits, metrics
from bot.web.surfaces import Surface

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
#: Every English reply fits one segment, every Spanish one two.
SEGMENTS = {"en": 1, "es": 2}


def _candidates(turn: Turn) -> Iterator[str]:
    keep = 0 if turn.ask is not None else 1
    for first in range(len(turn.parts) - keep + 1):
        leads = list(turn.parts[first:])
        if turn.ask is None:
            yield " ".join(leads)
            continue
        for short in sorted({turn.retry, True}):
            yield " ".join([*leads, turn.ask.sms(retry=short)])


def render(turn: Turn) -> list[str]:
    """One text within the language's segment budget, or none at all.

    When everything does not fit, the question's short form is used, then the lead-in lines
    ("OK, English.") are dropped from the front; the question or result always stays.
    """
    if turn.silent:
        return []
    budget = SEGMENTS[turn.state.language]
    candidates = list(_candidates(turn))
    for text in candidates:
        if segments(text) <= budget:
            return [text]
    return [candidates[-1]]


def _twiml_error(status: int, message: str, field: str | None = None) -> Any:
    return Response(EMPTY_TWIML, status=status, mimetype="text/xml")


CHANNEL = Channel(
    traits=ChannelTraits(name="sms", records_opt_out=True, help_alone=True),
    label="Text message",
    render=render,
    per_number=MessageLimit(per_minute=40, notice_every=timedelta(minutes=10)),
)
SURFACE = Surface(blueprint=bp, prefixes=("/sms",), errors=_twiml_error, csrf=False)


@lru_cache(maxsize=1024)
def e164(sender: str) -> str:
    """A sender in E.164; short codes and alphanumeric senders are kept as Twilio sent them.

    Kept for the last thousand senders: a resident's check is a burst of about ten texts, and
    phonenumbers takes about 28 us to parse one, some 4% of a text's time in the app."""
    try:
        number = phonenumbers.parse(sender, "US")
    except phonenumbers.NumberParseException:
        return sender.strip()[:32]
    if not phonenumbers.is_possible_number(number):
        return sender.strip()[:32]
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def signature_is_valid() -> bool:
    """Twilio signs the public URL and the form; ProxyFix makes ``request.url`` that URL."""
    if current_app.config["TWILIO_SKIP_VALIDATION"]:
        return True
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(request.url, request.form, signature))


def require_signature() -> None:
    """403 for a request Twilio did not sign, counted and logged (without the number)."""
    if not signature_is_valid():
        metrics.SIGNATURE_FAILURES.inc()
        route = request.url_rule.rule if request.url_rule else "(unmatched)"  # never the path
        log.warning("rejected %s request with a bad or missing signature", route)
        abort(403)


#: Stands for the reply's id in a rendered reply (``_reply_twiml``); the action URL, which holds
#: it, comes before the text in the TwiML, so the first occurrence is always the URL's.
REPLY_ID = "REPLY-ID"


@lru_cache(maxsize=16)
def _url_root(scheme: str, host: str, root_path: str) -> str:
    """``request.url_root`` (werkzeug's own function) for the few hosts the app is reached by;
    the signature check has already worked out the scheme and host."""
    return get_current_url(scheme, host, root_path)


@lru_cache(maxsize=1024)
def _reply_twiml(text: str, url_root: str) -> str:
    """A reply's TwiML, rendered by the twilio library once per text: the questions are a few
    hundred texts, and rendering (an XML tree, then its serialisation) costs more than the rest
    of the answer."""
    response = MessagingResponse()
    response.message(text, action=f"{url_root}sms/status?reply={REPLY_ID}", method="POST")
    return str(response)


def twiml(answer: turns.Answer | None = None) -> Response:
    """TwiML with the reply, if any; Twilio reports the delivery of a stored reply to the
    ``action`` URL."""
    if answer is None or not answer.said:
        return Response(EMPTY_TWIML, mimetype="text/xml")
    text = answer.said[-1]
    if answer.reply_id is None:
        response = MessagingResponse()
        response.message(text)
        body = str(response)
    else:
        root = _url_root(request.scheme, request.host, request.root_path)
        body = _reply_twiml(text, root).replace(REPLY_ID, str(answer.reply_id), 1)
    return Response(body, mimetype="text/xml")


def _has_media(form: Any) -> bool:
    try:
        return int(form.get("NumMedia", "0") or 0) > 0
    except ValueError:
        return False


@bp.post("/sms")
def incoming() -> Response:
    """One text from a resident; the reply is TwiML with at most one message."""
    require_signature()
    form = request.form
    if not form.get("From") or not form.get("MessageSid"):
        abort(400, "Missing Twilio fields From and MessageSid.")
    inbound = turns.Inbound(
        text=form.get("Body", ""),
        phone=e164(form["From"]),
        sid=form["MessageSid"][:64],
        has_media=_has_media(form),
    )
    phone_key = current_app.config["PHONE_HASH_KEY"]
    return twiml(turns.receive(CHANNEL, inbound, phone_key, limited=limits.enabled()))


@bp.post("/sms/status")
def status() -> Response:
    """Twilio's delivery report for a reply (``?reply=``) or for a text the service started
    (``?text=``), signed like /sms. Every status Twilio sends is accepted."""
    require_signature()
    reply_id = request.args.get("reply", type=int)
    text_id = request.args.get("text", type=int)
    reported = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if (reply_id is None) == (text_id is None) or not delivery.is_status(reported):
        abort(400, "A delivery report needs ?reply= or ?text= and a MessageStatus.")
    error_code = (request.form.get("ErrorCode") or "")[:16] or None
    if text_id is not None:
        delivery.record_text(text_id, reported, error_code)
    else:
        assert reply_id is not None
        delivery.record(reply_id, reported, error_code)
    return twiml()
