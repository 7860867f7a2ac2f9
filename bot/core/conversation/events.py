"""What can happen in a turn, as values the service acts on (counts, logs, new inquiries).

The engine reports the first six; the service adds the two that only it can see, since they
happen before the engine is asked (a resident over the rate limit, a webhook sent twice).
"""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    STARTED = "started"  # a welcome and the first question
    COMPLETED = "completed"  # the check reached a result
    REOPENED = "reopened"  # BACK took an answer back
    RESTARTED = "restarted"  # a new check: the old inquiry is kept as it was
    OPTED_OUT = "opted_out"  # STOP from a phone: nothing more is sent
    OPTED_IN = "opted_in"  # START, UNSTOP or YES after an opt-out
    RATE_LIMITED = "rate_limited"  # too many messages: not processed
    REPEATED = "repeated"  # the same provider message again: answered as the first time
