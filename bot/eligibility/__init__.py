"""The eligibility core: pure Python over plain data, shared by every channel and bulk screening."""

from bot.eligibility.asking import next_question
from bot.eligibility.facts import FACT_IDS, UNSURE, FactError, validate_facts
from bot.eligibility.rules import OFFICES, Decision, evaluate

__all__ = [
    "FACT_IDS",
    "OFFICES",
    "UNSURE",
    "Decision",
    "FactError",
    "evaluate",
    "next_question",
    "validate_facts",
]
