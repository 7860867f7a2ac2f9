"""The Twilio Messaging webhook: check the signature, store and answer each message once."""

from __future__ import annotations

import logging

import phonenumbers
from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.storage import conversations
from bot.storage import transactions as store
from bot.web import limits, metrics

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


def twiml(reply: conversations.SmsReply | None = None) -> Response:
    """TwiML with the reply, if any; Twilio reports the delivery of a stored reply to the
    ``action`` URL."""
    response = MessagingResponse()
    if reply is not None and reply.text is not None:
        if reply.reply_id is None:
            response.message(reply.text)
        else:
            action = f"{request.url_root}sms/status?reply={reply.reply_id}"
            response.message(reply.text, action=action, method="POST")
    return Response(str(response), mimetype="text/xml")


def _count(reply: conversations.SmsReply) -> None:
    if "rate_limited" in reply.events:
        log.info("texts over the rate limit from one number")
    if "opted_out" in reply.events:
        metrics.OPT_OUTS.inc()
    if "completed" in reply.events:
        metrics.check_completed(reply.decision, "sms")


def _require_signature() -> None:
    if not signature_is_valid():
        metrics.SIGNATURE_FAILURES.inc()
        log.warning("rejected %s request with a bad or missing signature", request.path)
        abort(403)


def _has_media(form) -> bool:
    try:
        return int(form.get("NumMedia", "0") or 0) > 0
    except ValueError:
        return False


@bp.post("/sms")
def incoming() -> Response:
    """One text from a resident; the reply is TwiML with at most one message."""
    _require_signature()
    form = request.form
    if not form.get("From") or not form.get("MessageSid"):
        abort(400, "Missing Twilio fields From and MessageSid.")
    message = conversations.SmsIn(
        sid=form["MessageSid"][:64],
        phone=e164(form["From"]),
        body=form.get("Body", "")[:MAX_BODY],
        has_media=_has_media(form),
    )
    secret = current_app.config["SECRET_KEY"]
    reply = conversations.receive_sms(message, secret, limits.sms_limit())
    _count(reply)
    return twiml(reply)


@bp.post("/sms/status")
def status() -> Response:
    """Twilio's delivery report for one of our replies (signed like /sms)."""
    _require_signature()
    reply_id = request.args.get("reply", type=int)
    reported = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if reply_id is None or reported not in store.DELIVERY_STATUSES:
        abort(400, "A delivery report needs ?reply= and a known MessageStatus.")
    if store.record_delivery(reply_id, reported, request.form.get("ErrorCode")):
        metrics.DELIVERY.labels(reported).inc()
    return twiml()
