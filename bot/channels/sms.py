"""The Twilio Messaging webhook: check the signature, store and answer each message once."""

from __future__ import annotations

import logging

import phonenumbers
from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import store

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
MAX_BODY = 1600


def e164(sender: str) -> str:
    """A sender in E.164; short codes and alphanumeric senders are kept as Twilio sent them."""
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
    return RequestValidator(token).validate(request.url, request.form, signature)


def twiml(text: str | None) -> Response:
    response = MessagingResponse()
    if text is not None:
        response.message(text)
    return Response(str(response), mimetype="text/xml")


def _has_media(form) -> bool:
    try:
        return int(form.get("NumMedia", "0") or 0) > 0
    except ValueError:
        return False


@bp.post("/sms")
def incoming() -> Response:
    """One text from a resident; the reply is TwiML with at most one message."""
    if not signature_is_valid():
        log.warning("rejected /sms request with a bad or missing signature")
        abort(403)
    form = request.form
    if not form.get("From") or not form.get("MessageSid"):
        abort(400, "Missing Twilio fields From and MessageSid.")
    message = store.SmsIn(
        sid=form["MessageSid"][:64],
        phone=e164(form["From"]),
        body=form.get("Body", "")[:MAX_BODY],
        has_media=_has_media(form),
    )
    return twiml(store.receive_sms(message, current_app.config["SECRET_KEY"]))
