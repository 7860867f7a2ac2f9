"""The eligibility core: pure Python over plain data, shared by every channel and bulk screening."""

from bot.core.eligibility.asking import next_question
from bot.core.eligibility.facts import FACT_IDS, UNSURE, FactError, validate_facts
from bot.core.eligibility.rules import OFFICES, Decision, evaluate

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
