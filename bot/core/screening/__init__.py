"""Bulk screening: a court record file -> the residents' facts -> the same eligibility rules.

Pure Python over text streams (no Flask, no database), so the ``screen`` command and a staff page
share it; ``screen`` reports progress, bad rows and results through callbacks.

Readings of the records that the rules depend on (each tested in ``tests/core/screening``):

- Only HS 11357-11360 (and ``664`` attempts at them) are screened, and only in the chosen county;
  every row, in any county, still counts towards its person's record.
- Age is whole years at the disposition date (the nearest date to the offense a record gives).
- A 2016 disposition counts as 2017 from November 9, 2016, else as 2015.
- ``recent_conviction``: a disposition strictly after the day 10 years before the as-of date.
- A sentence ending on the as-of date is completed.
- A bad row is reported (``line N: reason``), counted and skipped. It still belongs to its person
  (when the person can be told): it makes ``only_conviction`` ``no`` and, unless already ``yes``,
  ``disqualifying_record`` and ``recent_conviction`` ``unsure``, so an unreadable conviction
  never makes a dismissal look safer than it is.
"""

from bot.core.screening.bulk import DEFAULT_COUNTY, PROGRESS_EVERY, screen
from bot.core.screening.records import COLUMNS, HeaderError
from bot.core.screening.results import RESULT_COLUMNS, Result, ResultsWriter
from bot.core.screening.summary import Summary

__all__ = [
    "COLUMNS",
    "DEFAULT_COUNTY",
    "PROGRESS_EVERY",
    "RESULT_COLUMNS",
    "HeaderError",
    "Result",
    "ResultsWriter",
    "Summary",
    "screen",
]
