"""Limits on sign-in tries, which hold across workers and cannot be turned against staff.

The numbers: at most 5 wrong passwords a minute for one account from one address, 20 a minute
from one address (whatever the accounts), and 100 an hour for one account from all addresses;
past any of them each further try waits longer (the wait doubles, up to 15 minutes) rather than
the account being locked. Second-factor codes: 5 wrong a minute per account, the same way.

They are counted in the database (``bot.storage.sign_in_limits``), shared by every worker, and
each try is checked and counted in one step before the password is looked at, so parallel
guesses cannot slip past. Because one address may fail an account only 5 times a minute, and
then ever more slowly, one address alone can never bring an account to its hourly limit: its
owner, from another address, signs in as usual. IPv6 addresses count by their /64 network (one
machine usually holds a whole one). Keys are keyed hashes, so the table holds no address or
email. ``RATELIMIT_ENABLED=0`` turns these off too (load tests only).
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from flask import request
from werkzeug.exceptions import TooManyRequests

from bot import clock
from bot.storage import sign_in_limits as counts
from bot.storage.sign_in_limits import Limit
from bot.web.limits import opaque, rate_limits

PER_ACCOUNT_AND_ADDRESS = (5, timedelta(minutes=1))
PER_ADDRESS = (20, timedelta(minutes=1))
PER_ACCOUNT = (100, timedelta(hours=1))
SECOND_FACTOR = (5, timedelta(minutes=1))


class TooManyTriesError(TooManyRequests):
    """A 429 that says how long to wait (``Retry-After``)."""

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        super().__init__("Too many sign-in attempts.", retry_after=seconds)
        self.seconds = seconds


def address_group() -> str:
    """The client's address as limits see it: IPv4 as is, IPv6 by its /64 network."""
    raw = request.remote_addr or "127.0.0.1"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _password_limits(email: str) -> tuple[Limit, Limit, Limit]:
    account = email.strip().lower()[:254]
    address = address_group()
    return (
        Limit("pair:" + opaque(f"{account}\n{address}"), *PER_ACCOUNT_AND_ADDRESS),
        Limit("addr:" + opaque(address), *PER_ADDRESS),
        Limit("acct:" + opaque(account), *PER_ACCOUNT),
    )


def _take(limits: list[Limit]) -> None:
    if not rate_limits().enabled:
        return
    wait = counts.take_try(limits, clock.now())
    if wait is not None:
        raise TooManyTriesError(wait)


def take_password_try(email: str) -> None:
    """Count a password try for ``email`` from this address, or refuse it (429) unchecked."""
    _take(list(_password_limits(email)))


def password_was_right(email: str) -> None:
    """The try was right: it does not count, and this address's count for the account ends."""
    if not rate_limits().enabled:
        return
    pair, address, account = _password_limits(email)
    counts.give_back([address.key, account.key], forget=[pair.key])


def _factor_limit(user_id: int) -> Limit:
    return Limit("factor:" + opaque(str(user_id)), *SECOND_FACTOR)


def take_code_try(user_id: int) -> None:
    """Count a second-factor code for the account, or refuse it (429) unchecked."""
    _take([_factor_limit(user_id)])


def code_was_right(user_id: int) -> None:
    if rate_limits().enabled:
        counts.give_back([], forget=[_factor_limit(user_id).key])
