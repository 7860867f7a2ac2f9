"""Bulk screening: court record files -> the residents' facts -> the same eligibility rules.

Two formats (``formats``): our seven-column CSV, and the California DOJ's bulk criminal history
research file (``doj_layout``, ``doj``), whose court copy and condensed list ``doj_copies`` writes.

Pure Python over text streams (no Flask, no database), so the ``screen`` command and a staff page
share it; ``screen`` reports progress, bad rows and results through callbacks.

Readings of the records that the rules depend on (each tested in ``tests/core/screening``):

- Only HS 11357-11360 (and ``664`` attempts at them) are screened, and only in the chosen county;
  every conviction, in any county, still counts towards its person's record, across all the files
  of a run. In the DOJ file only convictions count; other steps are context, except a PC 290
  registration (``disqualifying_record`` ``yes``) and a death (flagged in the results).
- Age is whole years at the disposition date (the nearest date to the offense a record gives).
- A 2016 disposition counts as 2017 from November 9, 2016, else as 2015.
- ``recent_conviction``: a disposition strictly after the day 10 years before the as-of date.
- A sentence ending on the as-of date is completed.
- A bad row is reported (file, line and reason), counted and skipped. It still belongs to its person
  (when the person can be told): it makes ``only_conviction`` ``no`` and, unless already ``yes``,
  ``disqualifying_record`` and ``recent_conviction`` ``unsure``, so an unreadable conviction
  never makes a dismissal look safer than it is.
"""

from bot.core.screening.bulk import DEFAULT_COUNTY, PROGRESS_EVERY, Input, screen
from bot.core.screening.formats import CSV, DOJ, FORMATS
from bot.core.screening.records import COLUMNS, HeaderError
from bot.core.screening.results import DOJ_RESULT_COLUMNS, RESULT_COLUMNS, Result, ResultsWriter
from bot.core.screening.summary import Summary

__all__ = [
    "COLUMNS",
    "CSV",
    "DEFAULT_COUNTY",
    "DOJ",
    "DOJ_RESULT_COLUMNS",
    "FORMATS",
    "PROGRESS_EVERY",
    "RESULT_COLUMNS",
    "HeaderError",
    "Input",
    "Result",
    "ResultsWriter",
    "Summary",
    "screen",
]
