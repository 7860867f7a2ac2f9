"""The eligibility rules and routing, loaded once from ``rules.toml`` and evaluated in order.

The policy lives in the TOML file so that a county changing its criteria edits data, not code.
This module only knows how to read conditions and apply the first rule that matches.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.eligibility.facts import UNSURE, Fact, complete

RULES_FILE = Path(__file__).with_name("rules.toml")
OUTCOMES = ("dismiss", "reduce", "review", "not_eligible")

Predicate = Callable[[Mapping[str, Fact]], bool]


@dataclass(frozen=True)
class Condition:
    """One test of one fact, e.g. ``county`` is not ``sacramento``."""

    fact: str
    test: Predicate
    values: tuple[Fact, ...]


@dataclass(frozen=True)
class Rule:
    number: int
    reason: str
    outcome: str
    conditions: tuple[Condition, ...]
    citation: str
    explain: str

    def matches(self, facts: Mapping[str, Fact]) -> bool:
        return all(condition.test(facts) for condition in self.conditions)

    @property
    def facts_read(self) -> frozenset[str]:
        return frozenset(condition.fact for condition in self.conditions)


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_IN_A_DAY = 24 * 60
_HOURS = re.compile(
    r"(?P<first>\w{3})(?:-(?P<last>\w{3}))? (?P<opens>\d\d:\d\d)-(?P<closes>\d\d:\d\d)"
)
_E164 = re.compile(r"\+[1-9]\d{1,14}")


def _minute_of_day(clock_time: str, text: str) -> int:
    hour, minute = (int(part) for part in clock_time.split(":"))
    if minute > 59 or hour * 60 + minute > MINUTES_IN_A_DAY:
        raise ValueError(f"Bad time {clock_time!r} in hours {text!r}")
    return hour * 60 + minute


def _day(name: str, text: str) -> int:
    if name not in DAY_NAMES:
        raise ValueError(f"Bad day {name!r} in hours {text!r}: use one of {', '.join(DAY_NAMES)}")
    return DAY_NAMES.index(name)


@dataclass(frozen=True)
class Hours:
    """When an office answers the phone, as wall-clock time in the county.

    Kept as plain data with no time zone or clock of its own, so the core stays free of the
    service's clock and a caller asks about any moment it likes.
    """

    days: frozenset[int]  # datetime.weekday() numbers: Monday is 0
    opens: int  # minutes after midnight
    closes: int  # minutes after midnight; 1440 is the midnight that ends the day

    @classmethod
    def parse(cls, text: str) -> Hours:
        """Read the ``Mon-Fri 08:00-17:00`` form; a run of days may wrap, like ``Sat-Mon``."""
        match = _HOURS.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"Hours {text!r} are not like 'Mon-Fri 08:00-17:00'")
        first = _day(match["first"], text)
        last = _day(match["last"] or match["first"], text)
        opens = _minute_of_day(match["opens"], text)
        closes = _minute_of_day(match["closes"], text)
        if opens >= closes:
            raise ValueError(f"Hours {text!r} must open before they close on the same day")
        days = frozenset((first + step) % 7 for step in range((last - first) % 7 + 1))
        return cls(days, opens, closes)

    def is_open(self, moment_in_county_time: datetime) -> bool:
        """Whether the office is open at this wall-clock moment; the closing minute is closed.

        Sacramento is never at UTC+0, so a moment at that offset is a UTC reading the caller
        forgot to convert, and would be hours off.
        """
        if moment_in_county_time.utcoffset() == timedelta(0):
            raise ValueError("Pass the moment in county time, not UTC")
        minute = moment_in_county_time.hour * 60 + moment_in_county_time.minute
        return moment_in_county_time.weekday() in self.days and self.opens <= minute < self.closes

    def next_opening(self, moment_in_county_time: datetime) -> datetime:
        """When the office next opens after this closed moment (wall-clock, county time), so a
        caller can be told "Monday at 8 AM"."""
        if moment_in_county_time.utcoffset() == timedelta(0):
            raise ValueError("Pass the moment in county time, not UTC")
        midnight = moment_in_county_time.replace(hour=0, minute=0, second=0, microsecond=0)
        minute = moment_in_county_time.hour * 60 + moment_in_county_time.minute
        for days_ahead in range(8):
            day = midnight + timedelta(days=days_ahead)
            if day.weekday() in self.days and (days_ahead or minute < self.opens):
                return day + timedelta(minutes=self.opens)
        raise AssertionError("an office open on no day of the week")  # parse() forbids it


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    short_name: str
    phone: str
    e164: str
    hours: Hours

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "phone": self.phone}

    def is_open(self, moment_in_county_time: datetime) -> bool:
        return self.hours.is_open(moment_in_county_time)


def _office(office_id: str, data: Mapping[str, str]) -> Office:
    """One office from the policy file; a number that does not match its dialling form fails."""
    phone, e164 = data["phone"], data["e164"]
    if not _E164.fullmatch(e164) or not e164.endswith(re.sub(r"\D", "", phone)):
        raise ValueError(f"{RULES_FILE.name}: office {office_id!r} has e164 {e164!r} for {phone!r}")
    return Office(
        id=office_id,
        name=data["name"],
        short_name=data["short_name"],
        phone=phone,
        e164=e164,
        hours=Hours.parse(data["hours"]),
    )


@dataclass(frozen=True)
class Route:
    office: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]
    notes: tuple[tuple[str, str], ...]  # (reason, fact)
    offices: dict[str, Office]
    routes: tuple[Route, ...]


def _condition(fact: str, spec: object) -> Condition:
    """Compile one TOML condition into a fast predicate over complete facts."""
    if not isinstance(spec, dict):
        return Condition(fact, lambda f: f[fact] == spec, (spec,))  # type: ignore[arg-type]
    ((operator, operand),) = spec.items()
    if operator == "not":
        return Condition(fact, lambda f: f[fact] != operand, (operand,))
    if operator == "in":
        options = tuple(operand)
        return Condition(fact, lambda f: f[fact] in options, options)
    if operator == "at_least":
        return Condition(fact, lambda f: f[fact] != UNSURE and f[fact] >= operand, (operand,))
    raise ValueError(f"Unknown operator {operator!r} for {fact!r} in {RULES_FILE.name}")


def _conditions(when: Mapping[str, object]) -> tuple[Condition, ...]:
    return tuple(_condition(fact, spec) for fact, spec in when.items())


def load_policy(path: Path = RULES_FILE) -> Policy:
    """Read and check the policy file; a mistake in it fails at start-up, not mid-conversation."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = tuple(
        Rule(
            number=index,
            reason=rule["reason"],
            outcome=rule["outcome"],
            conditions=_conditions(rule["when"]),
            citation=rule["citation"],
            explain=rule["explain"],
        )
        for index, rule in enumerate(data["rule"], start=1)
    )
    unknown = {rule.outcome for rule in rules} - set(OUTCOMES)
    if unknown or rules[-1].conditions:
        raise ValueError(f"{path.name}: unknown outcomes {unknown} or no final catch-all rule")
    offices = {office_id: _office(office_id, o) for office_id, o in data["offices"].items()}
    routes = tuple(Route(r["office"], _conditions(r["when"])) for r in data["route"])
    return Policy(
        rules=rules,
        notes=tuple((note["reason"], note["fact"]) for note in data["note"]),
        offices=offices,
        routes=routes,
    )


POLICY = load_policy()
RULES_BY_REASON = {rule.reason: rule for rule in POLICY.rules}
OFFICES = POLICY.offices


@dataclass(frozen=True)
class Decision:
    """What the check concludes: the outcome, why (deciding reason first), and where to go."""

    outcome: str
    reasons: tuple[str, ...]
    office: Office

    @property
    def rule(self) -> Rule:
        return RULES_BY_REASON[self.reasons[0]]

    def as_json(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "office": self.office.as_json(),
        }


def deciding_rule(facts: Mapping[str, Fact], policy: Policy = POLICY) -> Rule:
    """The first rule that matches complete facts (the last rule always does)."""
    for rule in policy.rules:
        if rule.matches(facts):
            return rule
    raise AssertionError("the policy's last rule must match everything")


def route(facts: Mapping[str, Fact], outcome: str, policy: Policy = POLICY) -> Office:
    """The office a resident should call, given complete facts and the outcome."""
    with_outcome = {**facts, "outcome": outcome}
    for candidate in policy.routes:
        if all(condition.test(with_outcome) for condition in candidate.conditions):
            return policy.offices[candidate.office]
    raise AssertionError("the policy's last route must match everything")


def outcome_and_office(facts: Mapping[str, Fact], policy: Policy = POLICY) -> tuple[str, str]:
    """The two things the asking order must settle; used many times, so kept lean."""
    outcome = deciding_rule(facts, policy).outcome
    return outcome, route(facts, outcome, policy).id


def evaluate(facts: Mapping[str, Fact], policy: Policy = POLICY) -> Decision:
    """Apply the rules to (possibly partial, already valid) facts; missing facts are unsure."""
    full = complete(facts)
    rule = deciding_rule(full, policy)
    read = set().union(*(r.facts_read for r in policy.rules[: rule.number]))
    notes = tuple(reason for reason, fact in policy.notes if fact in read and full[fact] == UNSURE)
    return Decision(rule.outcome, (rule.reason, *notes), route(full, rule.outcome, policy))
