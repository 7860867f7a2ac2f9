"""Texts the service starts: queued by staff, a caller or a command, sent by a worker.

**The one way to start a text** is ``queue_text(inquiry_id, body, sender, sending)``: it checks
the text may go (a number, not opted out, within the language's segment budget), stores it as
the record of a text waiting to be sent (``waiting``, or ``held`` through quiet hours for a
staff text) and wakes the worker. A caller's own request (``Sender.caller()``) is never held.

**Sending** is the worker's (``drain``): claim the oldest due text with one conditional UPDATE,
take the next moment the shared pace allows (``TWILIO_SEND_RATE`` across every worker, so a
claim is held for at most a few slots), and make one request to Twilio. What Twilio answers
decides the status (``bot.outbound.messages_api``): created, retried later (429, 503, never
connected), ``unknown`` (another 5xx or no answer: never sent again by itself), or ``failed``
with Twilio's code.

**Nothing is lost, nothing is sent twice.** The row, not the queue, is the record: a periodic
``sweep`` wakes the worker for due rows a lost job left behind, and turns a claim older than
``STALE_CLAIM`` (its worker died mid-send) into ``unknown``. A claim is taken by one worker
only, so two workers never send the same text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import clock
from bot.core.conversation import catalog
from bot.core.conversation.segments import segments
from bot.core.eligibility.rules import OFFICES
from bot.core.quiet_hours import QuietHours
from bot.core.quiet_hours import parse as parse_quiet_hours
from bot.outbound import messages_api
from bot.outbound.messages_api import Credentials
from bot.service import events
from bot.storage import outbound_texts as store
from bot.storage.outbound_texts import CALLER, STAFF, Claimed
from bot.storage.staff import StaffUser

log = logging.getLogger("bot.service")

#: Segments a text may cost, by the inquiry's language (as the service's own replies).
SEGMENTS = {"en": 1, "es": 2}
#: Tries at a text Twilio answered 429 or 503 (or never connected), then it fails.
MAX_ATTEMPTS = 5
#: A claim this old lost its worker mid-send: the text becomes ``unknown``.
STALE_CLAIM = store.STALE_CLAIM
#: What staff read when a text may not be sent, by reason.
REFUSALS = {
    "not_found": "There is no such inquiry.",
    "no_number": "This inquiry has no phone number to text (a web chat, or a withheld number).",
    "opted_out": "The resident texted STOP: no text may be sent to this number until they "
    "text START.",
    "empty": "The text is empty.",
    "too_long": "The text is too long: at most {segments} segment(s) for this inquiry's language.",
}


@dataclass(frozen=True)
class Sending:
    """What queueing and sending need to know, built from the settings by the caller
    (``bot.jobs.tasks.sending``). ``wake(delay)`` asks the worker to drain the due texts in
    ``delay`` seconds; ``now`` and ``sleep`` are the clock, injectable for tests."""

    credentials: Credentials
    public_base_url: str
    quiet_hours: QuietHours | None
    rate: float
    wake: Callable[[float], None]
    now: Callable[[], datetime] = clock.now
    sleep: Callable[[float], None] = time.sleep
    client: Any = field(default=None, compare=False)  # a twilio Client; built when None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], wake: Callable[[float], None]) -> Sending:
        return cls(
            credentials=Credentials(
                account_sid=config.get("TWILIO_ACCOUNT_SID") or "",
                auth_token=config.get("TWILIO_AUTH_TOKEN"),
                api_key=config.get("TWILIO_API_KEY"),
                api_secret=config.get("TWILIO_API_SECRET"),
                messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
                from_number=config.get("TWILIO_FROM_NUMBER"),
                api_base_url=config.get("TWILIO_API_BASE_URL") or messages_api.TWILIO_API,
            ),
            public_base_url=(config.get("PUBLIC_BASE_URL") or "").rstrip("/"),
            quiet_hours=parse_quiet_hours(config.get("QUIET_HOURS") or ""),
            rate=float(config.get("TWILIO_SEND_RATE") or 1.0),
            wake=wake,
        )

    def held_until(self, moment: datetime) -> datetime | None:
        """When quiet hours at ``moment`` end (UTC), or ``None`` outside them."""
        if self.quiet_hours is None:
            return None
        until = self.quiet_hours.held_until(moment.astimezone(clock.COUNTY_TIME))
        return until.astimezone(UTC) if until is not None else None


@dataclass(frozen=True)
class Sender:
    """Who starts a text: a staff member (on the page or by command, audited as them), or a
    caller asking for their result by text (sent at once, even in quiet hours)."""

    origin: str
    staff: StaffUser | None = None
    ip: str | None = None
    via: str = "page"

    @classmethod
    def staff_member(cls, user: StaffUser, ip: str | None, via: str = "page") -> Sender:
        return cls(STAFF, user, ip, via)

    @classmethod
    def caller(cls) -> Sender:
        return cls(CALLER)


@dataclass(frozen=True)
class Queued:
    text_id: int
    status: str  # "waiting" or "held"
    send_after: datetime


@dataclass(frozen=True)
class Refused:
    reason: str  # a key of REFUSALS
    message: str


def budget(language: str) -> int:
    return SEGMENTS.get(language, 1)


def refusal(where: store.Target | None) -> Refused | None:
    """Why no text may go to this inquiry's resident at all, or ``None`` when one may."""
    if where is None:
        return Refused("not_found", REFUSALS["not_found"])
    if not where.phone:
        return Refused("no_number", REFUSALS["no_number"])
    if where.opted_out:
        return Refused("opted_out", REFUSALS["opted_out"])
    return None


def check_body(body: str, language: str) -> Refused | None:
    if not body.strip():
        return Refused("empty", REFUSALS["empty"])
    if segments(body) > budget(language):
        allowed = budget(language)
        return Refused("too_long", REFUSALS["too_long"].format(segments=allowed))
    return None


def ready_texts(where: store.Target) -> dict[str, str]:
    """The ready texts for this inquiry, in its language, filled in."""
    language = where.language if where.language in catalog.LANGUAGES else "en"
    office = OFFICES.get(where.office or "")
    fields = {
        "office": catalog.office_name(language, office.id) if office else "",
        "phone": office.phone if office else "",
        "reference": where.reference or "",
    }
    return {key: text.format(**fields) for key, text in catalog.staff_texts(language).items()}


def target(inquiry_id: int) -> store.Target | None:
    return store.target(inquiry_id)


def queue_text(inquiry_id: int, body: str, sender: Sender, sending: Sending) -> Queued | Refused:
    """Queue a text to the resident of an inquiry, through the one outbound path.

    Staff texts are held through quiet hours; a caller's is sent at once. Every staff text is
    written to the audit trail with the text itself, in the same transaction.
    """
    where = store.target(inquiry_id)
    refused = refusal(where) or check_body(body, where.language if where else "en")
    if refused is not None:
        return refused
    assert where is not None
    body = body.strip()
    now = sending.now()
    held_until = sending.held_until(now) if sender.origin == STAFF else None
    status = store.HELD if held_until is not None else store.WAITING
    send_after = held_until or now
    text_id = store.add(
        where,
        body,
        sender.origin,
        status,
        send_after,
        now,
        by=sender.staff,
        ip=sender.ip,
        audit_detail=f"text queued ({sender.via}, {status})",
    )
    events.record_text("queued")
    _wake(sending, max(0.0, (send_after - now).total_seconds()))
    return Queued(text_id, status, send_after)


def _wake(sending: Sending, delay: float) -> None:
    """Ask the worker to drain; a queue that does not answer loses nothing (the row waits for
    the next sweep), so it is only logged."""
    try:
        sending.wake(delay)
    except Exception:  # the queue is a wake-up call, never the record
        log.warning("could not wake the text worker; the next sweep will find the text")


def _callback(sending: Sending, text_id: int) -> str:
    return f"{sending.public_base_url}/sms/status?text={text_id}"


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 5 * 2 ** max(0, attempts - 1)))


def _send_claimed(sending: Sending, api: Any, text: Claimed) -> str:
    """Send one claimed text; the status it ends with."""
    now = sending.now()
    if text.opted_out or not text.phone:
        code = "opted_out" if text.opted_out else "no_number"
        store.record(text.id, "failed", now, error_code=code)
        return "failed"
    held_until = sending.held_until(now) if text.origin == STAFF else None
    if held_until is not None:
        store.release(text.id, store.HELD, held_until, now)
        _wake(sending, (held_until - now).total_seconds())
        return store.HELD
    _wait_for_slot(sending)
    outcome = messages_api.create(
        api, sending.credentials, text.phone, text.body, _callback(sending, text.id)
    )
    now = sending.now()
    if outcome.kind == "accepted":
        store.record(text.id, outcome.status or "queued", now, twilio_sid=outcome.sid)
    elif outcome.kind == "retry" and text.attempts < MAX_ATTEMPTS:
        later = _backoff(text.attempts)
        store.release(text.id, store.WAITING, now + later, now)
        _wake(sending, later.total_seconds())
        return store.WAITING
    else:
        status = store.UNKNOWN if outcome.kind == "unknown" else "failed"
        store.record(text.id, status, now, error_code=outcome.error_code)
    result = {"accepted": "sent", "unknown": "unknown"}.get(outcome.kind, "failed")
    events.record_text(result)
    return result


def drain(sending: Sending, most: int | None = None) -> int:
    """Send due texts, one at a time at the shared pace, until none is due (or ``most`` were
    taken); how many were taken. Any number of workers may drain at once."""
    missing = sending.credentials.missing()
    if not sending.public_base_url.startswith(("https://", "http://")):
        missing.append("PUBLIC_BASE_URL (each text's status callback is built from it)")
    if missing:
        log.warning("texts are waiting but cannot be sent: set %s", "; ".join(missing))
        return 0
    api = sending.client or messages_api.client(sending.credentials)
    taken = 0
    while most is None or taken < most:
        text = store.claim_next(sending.now())
        if text is None:
            return taken
        taken += 1
        _send_claimed(sending, api, text)
    return taken


def _wait_for_slot(sending: Sending) -> None:
    """Take the next moment the shared pace allows, and wait for it."""
    now = sending.now().timestamp()
    slot = store.reserve_slot(now, 1.0 / sending.rate)
    if slot > now:
        sending.sleep(slot - now)


@dataclass(frozen=True)
class Swept:
    due: int  # texts due now, for which the worker was woken
    lost: int  # claims whose worker died mid-send, now unknown


def sweep(sending: Sending) -> Swept:
    """The periodic check: claims left by a dead worker become ``unknown``; due texts a lost job
    left behind wake the worker."""
    now = sending.now()
    lost = store.give_up_stale(now - STALE_CLAIM, now)
    if lost:
        log.warning("%d text(s) were mid-send when their worker stopped: now unknown", lost)
    due = store.due_count(now)
    if due:
        _wake(sending, 0.0)
    return Swept(due, lost)


def record_status(text_id: int, status: str, error_code: str | None, now: datetime) -> bool:
    """Twilio's status callback for a text we started; ``False`` for a text we do not know."""
    known = store.record(text_id, status, now, error_code=error_code or None)
    if known:
        events.record_delivery(status)
    return known
