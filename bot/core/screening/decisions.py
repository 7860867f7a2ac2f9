"""The residents' check, applied to screened rows through a cache.

``evaluate`` is per-call Python, but a file has few distinct fact combinations, so each one is
evaluated once and its outcome reused; the rules themselves are not copied or re-implemented.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.eligibility import FACT_IDS, evaluate
from bot.core.eligibility.facts import Fact


@lru_cache(maxsize=1 << 16)
def decide(facts: tuple[Fact, ...]) -> tuple[str, str]:
    """``(outcome, deciding reason)`` for facts in ``FACT_IDS`` order."""
    decision = evaluate(dict(zip(FACT_IDS, facts, strict=True)))
    return decision.outcome, decision.reasons[0]
