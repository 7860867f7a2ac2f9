"""Properties over generated files: bulk screening is the residents' check, row by row.

The oracle below derives each row's facts the plain way (from what the generator chose, not by
parsing), then asks ``evaluate``; the bulk run must agree on every row, whatever the file order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.eligibility import evaluate
from tests.support.screening_files import run

# (as written, Prop 64 offense or None, disqualifying, readable)
SECTIONS = [
    ("11357 HS", "possession", False, True),
    ("HS 11357(a)", "possession", False, True),
    ("11357(B) HS", "possession", False, True),
    ("66411357(A) HS", "possession", False, True),
    ("11358 HS", "cultivation", False, True),
    ("H&S 11358", "cultivation", False, True),
    ("11359 HS", "possession_for_sale", False, True),
    ("hs 11359(b)", "possession_for_sale", False, True),
    ("66411359 HS", "possession_for_sale", False, True),
    ("11360(A) HS", "sale_transport", False, True),
    ("HS 11360(a)(2)", "sale_transport", False, True),
    ("11357.5 HS", None, False, True),
    ("11359 PC", None, False, True),
    ("11350(A) HS", None, False, True),
    ("23152(A) VC", None, False, True),
    ("187 PC", None, True, True),
    ("664187 PC", None, True, True),
    ("288(A)(1) PC", None, True, True),
    ("245(d)(3) PC", None, True, True),
    ("PC 261(a)(2)", None, True, True),
    ("245(A)(1) PC", None, False, True),
    ("664288(A) PC", None, False, True),
    ("SEE FILE", None, False, False),
]
COUNTIES = ["SACRAMENTO", "Sacramento", " sacramento ", "PLACER", "YOLO"]
LEVELS = {
    "felony": "felony",
    "Felony": "felony",
    "misdemeanor": "misdemeanor",
    "infraction": "misdemeanor",
}
AS_OFS = [date(2025, 6, 30), date(2024, 2, 29), date(2016, 11, 9)]
EDGES = [
    date(2016, 11, 8),
    date(2016, 11, 9),
    date(2015, 6, 30),
    date(2015, 7, 1),
    date(2014, 2, 28),
    date(2014, 3, 1),
    date(2006, 11, 9),
]
YEAR = 365


@dataclass(frozen=True)
class Row:
    person: str
    section: tuple[str, str | None, bool, bool]
    county: str
    level: str
    disposition: date
    dob: date | None
    sentence_end: date | None

    def as_csv(self) -> dict[str, str]:
        return {
            "person_id": self.person,
            "dob": self.dob.isoformat() if self.dob else "",
            "county": self.county,
            "code_section": self.section[0],
            "level": self.level,
            "disposition_date": self.disposition.isoformat(),
            "sentence_end_date": self.sentence_end.isoformat() if self.sentence_end else "",
        }


@st.composite
def rows(draw: st.DrawFn, as_of: date) -> Row:
    disposition = draw(
        st.one_of(st.dates(date(1975, 1, 1), date(2025, 12, 31)), st.sampled_from(EDGES))
    )
    days_old = st.one_of(
        st.integers(15 * YEAR, 60 * YEAR),
        st.integers(18 * YEAR - 2, 18 * YEAR + 8),
        st.integers(21 * YEAR - 2, 21 * YEAR + 8),
    )
    dob = draw(st.one_of(st.none(), days_old.map(lambda d: disposition - timedelta(days=d))))
    sentence_end = draw(
        st.one_of(
            st.none(),
            st.integers(0, 5000).map(lambda days: disposition + timedelta(days=days)),
            st.sampled_from([as_of, as_of + timedelta(days=1)]),
        )
    )
    return Row(
        person=draw(st.sampled_from("ABCDE")),
        section=draw(st.sampled_from(SECTIONS)),
        county=draw(st.sampled_from(COUNTIES)),
        level=draw(st.sampled_from(sorted(LEVELS))),
        disposition=disposition,
        dob=dob,
        sentence_end=sentence_end,
    )


def files(as_of: date) -> st.SearchStrategy[list[Row]]:
    return st.lists(rows(as_of), min_size=1, max_size=25)


#: (as-of date, rows): a file, and the day it is screened as of.
RUNS = st.sampled_from(AS_OFS).flatmap(lambda as_of: st.tuples(st.just(as_of), files(as_of)))


def _ten_years_before(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 10, 2, 28)
    return date(day.year - 10, day.month, day.day)


def _record_fact(found: bool, unreadable: bool) -> str:
    return "yes" if found else ("unsure" if unreadable else "no")


def oracle_facts(row: Row, every: list[Row], as_of: date) -> dict[str, object]:
    """Section 2's facts for one screened row, derived the plain way."""
    theirs = [r for r in every if r.person == row.person]
    readable = [r for r in theirs if r.section[3]]
    unreadable = len(readable) < len(theirs)
    year = row.disposition.year
    if year == 2016:
        year = 2017 if row.disposition >= date(2016, 11, 9) else 2015
    age = "unsure"
    if row.dob is not None:
        birthday_passed = (row.disposition.month, row.disposition.day) >= (
            row.dob.month,
            row.dob.day,
        )
        years = row.disposition.year - row.dob.year - (0 if birthday_passed else 1)
        age = "under_18" if years < 18 else ("18_20" if years < 21 else "21_plus")
    sentence = "unsure"
    if row.sentence_end is not None:
        sentence = "completed" if row.sentence_end <= as_of else "serving"
    recent = any(r.disposition > _ten_years_before(as_of) for r in readable)
    return {
        "county": "sacramento",
        "offense": row.section[1],
        "conviction_year": year,
        "age_at_offense": age,
        "level": LEVELS[row.level],
        "disqualifying_record": _record_fact(any(r.section[2] for r in readable), unreadable),
        "sentence_status": sentence,
        "only_conviction": "yes" if len(theirs) == 1 else "no",
        "recent_conviction": _record_fact(recent, unreadable),
    }


def is_screened(row: Row) -> bool:
    return row.section[1] is not None and row.county.strip().upper() == "SACRAMENTO"


@settings(max_examples=150, deadline=None)
@given(RUNS)
def test_every_screened_row_gets_the_residents_answer_to_its_facts(as_of_and_rows):
    as_of, every = as_of_and_rows
    screened = run([row.as_csv() for row in every], as_of=as_of)

    expected_lines = [n + 2 for n, row in enumerate(every) if is_screened(row)]
    assert [result.line for result in screened.results] == expected_lines
    for result in screened.results:
        row = every[result.line - 2]
        facts = oracle_facts(row, every, as_of)
        assert result.facts == facts
        decision = evaluate(facts)
        assert (result.outcome, result.reason) == (decision.outcome, decision.reasons[0])

    outcomes = Counter(result.outcome for result in screened.results)
    people = {result.person_id for result in screened.results}
    assert screened.summary.as_json() == {
        "convictions": len(expected_lines),
        "dismiss": outcomes["dismiss"],
        "reduce": outcomes["reduce"],
        "review": outcomes["review"],
        "not_eligible": outcomes["not_eligible"],
        "people": len(people),
        "people_cleared": _cleared(every, screened.results),
        "bad_rows": sum(1 for row in every if not row.section[3]),
        **_gogen_figures(every, screened.results, as_of),
    }


SECTION_OF = {
    "possession": "11357",
    "cultivation": "11358",
    "possession_for_sale": "11359",
    "sale_transport": "11360",
}


def _years_before(day: date, years: int) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - years, 2, 28)
    return date(day.year - years, day.month, day.day)


def _gogen_figures(every: list[Row], results: list, as_of: date) -> dict[str, object]:
    """The summary's figures beside the 2019 clearance's, counted the plain way."""
    by_section = {
        section: dict.fromkeys(("convictions", "dismiss", "reduce", "review", "not_eligible"), 0)
        for section in SECTION_OF.values()
    }
    decided = {}
    for result in results:
        row = every[result.line - 2]
        counts = by_section[SECTION_OF[row.section[1]]]
        counts["convictions"] += 1
        counts[result.outcome] += 1
        decided[result.line - 2] = result.outcome
    relieved = {n for n, outcome in decided.items() if outcome in ("dismiss", "reduce")}
    dismissed = {n for n, outcome in decided.items() if outcome == "dismiss"}
    seven_years_ago = _years_before(as_of, 7)
    no_felony = no_recent = 0
    for person in {row.person for row in every}:
        theirs = [n for n, row in enumerate(every) if row.person == person]
        # An unreadable row might be a felony or recent: it is never relieved.
        felonies = [
            n for n in theirs if LEVELS[every[n].level] == "felony" or not every[n].section[3]
        ]
        recent = [
            n for n in theirs if every[n].disposition > seven_years_ago or not every[n].section[3]
        ]
        no_felony += bool(felonies) and all(n in relieved for n in felonies)
        no_recent += bool(recent) and all(n in dismissed for n in recent)
    screened = [every[n] for n in decided]
    return {
        "by_section": by_section,
        "felony_convictions": sum(1 for row in screened if LEVELS[row.level] == "felony"),
        "people_with_relief": len({every[n].person for n in relieved}),
        "people_no_felony": no_felony,
        "people_no_conviction_7_years": no_recent,
        "earliest_conviction": min((row.disposition for row in screened), default=None)
        and min(row.disposition for row in screened).isoformat(),
    }


def _cleared(every: list[Row], results: list) -> int:
    dismissed = Counter(r.person_id for r in results if r.outcome == "dismiss")
    convictions = Counter(row.person for row in every)
    return sum(1 for person, count in dismissed.items() if count == convictions[person])


@settings(max_examples=60, deadline=None)
@given(files(AS_OFS[0]).flatmap(lambda every: st.tuples(st.just(every), st.permutations(every))))
def test_the_order_of_rows_in_the_file_does_not_change_any_outcome(two_orders):
    every, shuffled = two_orders

    def outcomes(rows_: list[Row]) -> Counter:
        screened = run([row.as_csv() for row in rows_])
        return Counter(
            (r.person_id, r.code_section, r.disposition_date, r.outcome, r.reason)
            for r in screened.results
        )

    assert outcomes(every) == outcomes(shuffled)
