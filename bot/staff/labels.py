"""Plain words for the machine values staff see: outcomes, answers, statuses and channels.

Staff read a resident's answers as a short question and a plain answer, not as codes; the
codes stay in the export so that spreadsheets can filter on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.channels import CHANNELS as RESIDENT_CHANNELS
from bot.core.eligibility import OFFICES
from bot.core.eligibility.facts import FACT_IDS
from bot.core.eligibility.rules import RULES_BY_REASON, Rule

STATUSES = {"new": "New", "contacted": "Contacted", "resolved": "Resolved"}
CHANNELS = {name: channel.label for name, channel in RESIDENT_CHANNELS.items()}
LANGUAGES = {"en": "English", "es": "Spanish"}
#: How a phone call ended, as Twilio's status callback reports it.
CALL_ENDINGS = {
    "completed": "Ended normally",
    "busy": "Busy",
    "no-answer": "Not answered",
    "failed": "Failed",
    "canceled": "Hung up before it was answered",
}
OFFICE_NAMES = {office_id: office.name for office_id, office in OFFICES.items()}
ACTIONS = {
    "view": "Opened",
    "export": "Downloaded",
    "update": "Changed",
    "screen_upload": "Uploaded a file to screen",
    "screen_results": "Downloaded screening results",
    "screen_summary": "Downloaded a screening summary",
    "sign_in": "Signed in",
    "sign_out": "Signed out",
    "sign_in_refused": "Sign-in refused",
    "factor_failed": "Wrong second-factor code",
    "factor_enrolled": "Set up the second factor",
    "recovery_code_used": "Used a recovery code",
    "factor_reset": "Reset the second factor",
    "sign_out_everywhere": "Signed an account out everywhere",
    "account_create": "Added an account",
    "account_change": "Changed an account",
    "account_deactivate": "Deactivated an account",
    "account_reactivate": "Reactivated an account",
    "password_link": "Made a link to set a password",
    "password_set": "Set a password",
    "provider_linked": "Linked a county account",
}
OUTCOMES = {
    "dismiss": "Dismiss (clear the conviction)",
    "reduce": "Reduce the felony to a misdemeanor",
    "review": "Needs a lawyer's review",
    "not_eligible": "Not eligible under Prop 64",
}
NOTES = {
    "year_unknown": "The resident was not sure of the conviction year.",
    "level_unknown": "The resident was not sure whether it was a misdemeanor or a felony.",
}
QUESTIONS = {
    "county": "Conviction in Sacramento County?",
    "offense": "What it was for",
    "conviction_year": "Year of conviction",
    "age_at_offense": "Age at the time",
    "level": "Misdemeanor or felony",
    "disqualifying_record": "Very serious prior or sex offender registration?",
    "sentence_status": "Still serving any part of the sentence?",
    "only_conviction": "Only conviction on the record?",
    "recent_conviction": "Any conviction in the last 10 years?",
}
ANSWERS = {
    "sacramento": "Yes, Sacramento County",
    "other": "No",
    "possession": "Having it (possession)",
    "cultivation": "Growing it (cultivation)",
    "possession_for_sale": "Having it to sell",
    "sale_transport": "Selling, carrying or giving it away",
    "under_18": "Under 18",
    "18_20": "18 to 20",
    "21_plus": "21 or older",
    "misdemeanor": "Misdemeanor",
    "felony": "Felony",
    "serving": "Yes, still serving",
    "completed": "No, completed",
    "yes": "Yes",
    "no": "No",
    "unsure": "Not sure",
}
OFFENSE_OTHER = "Something else (not cannabis)"


def office(office_id: str | None) -> str:
    return OFFICES[office_id].name if office_id in OFFICES else "Not routed yet"


def outcome(value: str | None) -> str:
    return OUTCOMES.get(value or "", "Not finished")


def answer(fact: str, value: object) -> str:
    if fact == "offense" and value == "other":
        return OFFENSE_OTHER
    if isinstance(value, int):
        return str(value)
    return ANSWERS.get(str(value), str(value))


def answers(facts: Mapping[str, object]) -> list[tuple[str, str]]:
    """The answers given, in asking order, as (question, answer); skipped questions left out."""
    return [(QUESTIONS[fact], answer(fact, facts[fact])) for fact in FACT_IDS if fact in facts]


def deciding_rule(reasons: Sequence[str]) -> Rule | None:
    """The rule that decided the outcome: its plain explanation and citation."""
    return RULES_BY_REASON.get(reasons[0]) if reasons else None


def reason_notes(reasons: Sequence[str]) -> list[str]:
    """Plain words for the notes after the deciding reason (facts the resident was unsure of)."""
    return [NOTES.get(reason, reason) for reason in reasons[1:]]
