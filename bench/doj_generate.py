"""Write synthetic DOJ research files for ``flask --app app screen``, with the answers worked out.

No real data. People come one after another, as the DOJ delivers them: cycles of an arrest step
and a court step, several counts each, convicted or dismissed; convicted counts with zero to three
sentence parts in days, months or years (one row each); charges written the DOJ's ways (a
description after ``-``, a leading ``/``, ``--11359 HS--``, attempts as ``664.``/``664-``/``664/``,
``SEE COMMENT FOR CHARGE`` with the charge in ``COMMENT_TEXT``); felonies told by
``CONV_STAT_DESCR`` or by ``OFFENSE_TOC``; some PC 290 registrations and deaths.

Besides the DOJ file (or ``--parts`` files, split anywhere, even inside a person), it can write:

- ``--twin``: the same convictions as our seven-column CSV (with ``doj_file`` and ``doj_line``
  columns), so the two formats can be screened side by side;
- ``--expected``: for each Prop 64 conviction of the county, the outcome and reason, worked out
  here from what was generated (facts derived the plain way, then the residents' rules), not by
  the code under test.

    .venv/bin/python bench/doj_generate.py --rows 1000000 --out doj.csv
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.eligibility import evaluate
from bot.core.screening.doj_layout import FIELDS

AS_OF = date(2025, 6, 30)
COUNTY = "SACRAMENTO"
AT = {name: index for index, name in enumerate(FIELDS)}


@dataclass(frozen=True)
class Charge:
    """``doj``: as the DOJ writes it; ``csv``: as our CSV does; ``offense``: the Prop 64 fact."""

    doj: str
    csv: str
    offense: str | None = None
    disqualifying: bool = False


PROP64 = (
    Charge("11357 HS-POSSESS MARIJUANA", "11357 HS", "possession"),
    Charge("11357(B) HS-POSSESS 28.5 GRAMS MARIJ", "11357(B) HS", "possession"),
    Charge("/11357 HS", "11357 HS", "possession"),
    Charge("664.11357(C) HS", "66411357(C) HS", "possession"),
    Charge("11358 HS-CULTIVATE MARIJUANA", "11358 HS", "cultivation"),
    Charge("  11358 HS - CULTIVATE", "11358 HS", "cultivation"),
    Charge("11359 HS-POSSESS MARIJ FOR SALE", "11359 HS", "possession_for_sale"),
    Charge("--11359 HS--", "11359 HS", "possession_for_sale"),
    Charge("664-11359 HS", "66411359 HS", "possession_for_sale"),
    Charge("11360(A) HS-SELL/ETC MARIJ", "11360(A) HS", "sale_transport"),
    Charge("11360 HS-TRANSPORT/ETC MARIJ", "11360 HS", "sale_transport"),
    Charge("664/11360(A) HS", "66411360(A) HS", "sale_transport"),
)
OTHER = (
    Charge("459 PC-BURGLARY", "459 PC"),
    Charge("23152(A) VC-DUI ALCOHOL/DRUGS", "23152(A) VC"),
    Charge("11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE", "11350(A) HS"),
    Charge("11357.5(A) HS-SELL SYNTHETIC CANNABINOID", "11357.5(A) HS"),
    Charge("647(F) PC-DISORDERLY CONDUCT:INTOX DRUG/ALCOHOL", "647(F) PC"),
    Charge("12500(A) VC-DRIVE W/O LICENSE", "12500(A) VC"),
    Charge("11377(A) HS-POSSESS CONTROLLED SUBSTANCE", "11377(A) HS"),
    Charge("245(A)(1) PC-ADW NOT FIREARM", "245(A)(1) PC"),
    Charge("11366.5(D) HS W/PR", "11366.5(D) HS"),
)
SERIOUS = (
    Charge("187(A) PC-MURDER", "187(A) PC", disqualifying=True),
    Charge("664/187(A) PC-ATTEMPTED MURDER", "664187(A) PC", disqualifying=True),
    Charge("288(A) PC-LEWD OR LASCIV ACTS W/CHILD UNDER 14", "288(A) PC", disqualifying=True),
    Charge("261(A)(2) PC-RAPE BY FORCE/FEAR/ETC", "261(A)(2) PC", disqualifying=True),
)
KINDS = ((PROP64, 40), (OTHER, 58), (SERIOUS, 2))
COUNTIES = (("SACRAMENTO", 70), ("PLACER", 8), ("YOLO", 7), ("LOS ANGELES", 8), ("EL DORADO", 7))
DISMISSALS = ("DISMISSED", "DISMISSED/FURTHERANCE OF JUSTICE", "ACQUITTED")
#: A twin CSV's stand-in for a PC 290 registration: a disqualifying conviction long ago.
REGISTRATION_TWIN = "288(A) PC"


def add_months_then_days(start: date, months: int, days: int) -> date:
    """The generator's own sentence arithmetic: calendar months (day kept or the month's last),
    then days."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) + timedelta(days=days)


def ymd(day: date | None) -> str:
    return "" if day is None else day.strftime("%Y%m%d")


@dataclass
class Conviction:
    file: str
    line: int
    charge: Charge
    county: str
    felony: bool
    disposition: date
    months: int = 0
    days: int = 0

    @property
    def sentence_end(self) -> date:
        return add_months_then_days(self.disposition, self.months, self.days)


@dataclass
class Person:
    subject: str
    dob: date | None
    registered: bool = False
    deceased: bool = False
    convictions: list[Conviction] = field(default_factory=list)


def _weighted(options: tuple, rng: random.Random):
    return rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]


def _row(person: Person, **values: str) -> list[str]:
    row = [""] * len(FIELDS)
    row[AT["RECORD_ID"]] = "1"
    row[AT["SUBJECT_ID"]] = person.subject
    row[AT["CII_NUMBER"]] = "A" + person.subject[-8:]
    row[AT["PRI_NAME"]] = "DOE,PAT"
    row[AT["PRI_DOB"]] = ymd(person.dob)
    row[AT["END_OF_REC"]] = "END"
    for name, value in values.items():
        row[AT[name]] = value
    return row


class Writer:
    """Numbers rows as the files will have them, splitting into parts by row count."""

    def __init__(self, out: Path, rows: int, parts: int) -> None:
        self.out = out
        self.per_part = max(1, -(-rows // parts))
        self.parts = parts
        self.part = 0
        self.written = 0
        self.line = 0
        self.handles: list = []
        self.names: list[str] = []
        self._open()

    def _open(self) -> None:
        if self.parts == 1:
            path = self.out
        else:
            path = self.out.with_name(f"{self.out.stem}.part{self.part + 1}{self.out.suffix}")
        handle = path.open("w", encoding="utf-8", newline="")
        self.handles.append(handle)
        self.names.append(path.name)
        self.writer = csv.writer(handle, lineterminator="\n")
        self.writer.writerow(FIELDS)
        self.line = 1

    def write(self, row: list[str]) -> tuple[str, int]:
        if self.written and not self.written % self.per_part and self.part + 1 < self.parts:
            self.part += 1
            self._open()
        self.writer.writerow(row)
        self.written += 1
        self.line += 1
        return self.names[-1], self.line

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def _person(rng: random.Random, number: int, writer: Writer, budget: int) -> Person:
    dob = None if rng.random() < 0.04 else date(1940, 1, 1) + timedelta(rng.randrange(60 * 365))
    person = Person(f"{number:09d}", dob)
    earliest = (dob or date(1955, 1, 1)) + timedelta(days=15 * 365)
    cycles = rng.choices(range(1, 6), weights=(45, 25, 15, 10, 5))[0]
    written = 0
    for cycle in range(1, cycles + 1):
        if written >= budget:
            break
        span = max(1, (min(AS_OF, date(2024, 12, 31)) - earliest).days)
        court_day = earliest + timedelta(rng.randrange(span))
        if rng.random() < 0.03:
            court_day = date(2016, 11, 9) + timedelta(rng.randint(-60, 60))
        court_day = max(court_day, earliest)
        county = _weighted(COUNTIES, rng)
        counts = [_weighted(KINDS, rng) for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0])]
        charges = [rng.choice(kind) for kind in counts]
        for number_, charge in enumerate(charges, 1):  # the arrest step
            order = f"{cycle:03d}001{number_:03d}"
            writer.write(
                _row(
                    person,
                    CYC_ORDER=f"{cycle:03d}",
                    STP_ORDER="001",
                    STP_EVENT_DATE=ymd(court_day - timedelta(days=rng.randint(1, 200))),
                    STP_TYPE_DESCR="ARREST/DETAINED/CITED",
                    STP_ORI_CNTY_NAME=county,
                    CNT_ORDER=order,
                    OFFENSE_DESCR=charge.doj,
                )
            )
            written += 1
        for number_, charge in enumerate(charges, 1):  # the court step
            written += _court_count(rng, person, writer, cycle, number_, charge, county, court_day)
    if rng.random() < 0.01:
        writer.write(
            _row(person, STP_TYPE_DESCR="REGISTRATION", OFFENSE_DESCR="290 PC-SEX OFFENDER")
        )
        person.registered = True
    elif rng.random() < 0.01:  # a drug registration: not PC 290
        writer.write(_row(person, STP_TYPE_DESCR="REGISTRATION", OFFENSE_DESCR="11590 HS-DRUG REG"))
    if rng.random() < 0.005:
        writer.write(_row(person, STP_TYPE_DESCR="DECEASED", STP_EVENT_DATE=ymd(AS_OF)))
        person.deceased = True
    return person


def _court_count(
    rng: random.Random,
    person: Person,
    writer: Writer,
    cycle: int,
    number: int,
    charge: Charge,
    county: str,
    day: date,
) -> int:
    order = f"{cycle:03d}002{number:03d}"
    convicted = rng.random() < 0.7
    felony = rng.random() < 0.45
    by_toc = rng.random() < 0.2  # CONV_STAT_DESCR blank, OFFENSE_TOC says
    in_comment = rng.random() < 0.08
    base = {
        "CYC_ORDER": f"{cycle:03d}",
        "STP_ORDER": "002",
        "STP_EVENT_DATE": ymd(day),
        "STP_TYPE_DESCR": "COURT ACTION",
        "STP_ORI_CNTY_NAME": county,
        "CNT_ORDER": order,
        "OFFENSE_DESCR": (rng.choice(("SEE COMMENT FOR CHARGE", ""))) if in_comment else charge.doj,
        "COMMENT_TEXT": charge.doj if in_comment else "",
        "OFFENSE_TOC": "F" if felony else "M",
        "FE_NUM_CRT_CASE": f"{day.year % 100:02d}F{rng.randrange(10**5):05d}",
        "OFN": f"{rng.randrange(10**6):06d}",
    }
    if not convicted:
        writer.write(_row(person, **base, DISP_DESCR=rng.choice(DISMISSALS)))
        return 1
    base["DISP_DESCR"] = "CONVICTED"
    base["CONV_STAT_DESCR"] = "" if by_toc else ("FELONY" if felony else "MISDEMEANOR")
    parts = rng.choices((0, 1, 2, 3), (25, 45, 20, 10))[0]
    conviction = None
    for part in range(max(1, parts)):
        length, unit = "", ""
        if parts:
            unit = rng.choice("DMY")
            length = str(rng.randint(1, {"D": 365, "M": 36, "Y": 5}[unit]))
        file, line = writer.write(
            _row(person, **base, SENT_ORDER=str(part + 1), SENT_LENGTH=length, SENT_TIME_CODE=unit)
        )
        if conviction is None:
            conviction = Conviction(file, line, charge, county, felony, day)
            person.convictions.append(conviction)
        if unit == "D":
            conviction.days += int(length)
        elif unit == "M":
            conviction.months += int(length)
        elif unit == "Y":
            conviction.months += 12 * int(length)
    return max(1, parts)


def _age(dob: date | None, on: date) -> str:
    if dob is None:
        return "unsure"
    years = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return "under_18" if years < 18 else ("18_20" if years < 21 else "21_plus")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def expected(person: Person, as_of: date) -> list[tuple[str, int, str, str]]:
    """(file, line, outcome, reason) of each of the person's Prop 64 convictions in the county."""
    found = []
    disqualifying = person.registered or any(c.charge.disqualifying for c in person.convictions)
    recent = any(c.disposition > _years_before(as_of, 10) for c in person.convictions)
    for conviction in person.convictions:
        if conviction.charge.offense is None or conviction.county != COUNTY:
            continue
        year = conviction.disposition.year
        if year == 2016:
            year = 2017 if conviction.disposition >= date(2016, 11, 9) else 2015
        facts = {
            "county": "sacramento",
            "offense": conviction.charge.offense,
            "conviction_year": year,
            "age_at_offense": _age(person.dob, conviction.disposition),
            "level": "felony" if conviction.felony else "misdemeanor",
            "disqualifying_record": "yes" if disqualifying else "no",
            "sentence_status": "completed" if conviction.sentence_end <= as_of else "serving",
            "only_conviction": "yes" if len(person.convictions) == 1 else "no",
            "recent_conviction": "yes" if recent else "no",
        }
        decision = evaluate(facts)
        found.append((conviction.file, conviction.line, decision.outcome, decision.reasons[0]))
    return found


def twin_rows(person: Person) -> list[list[str]]:
    """The person's convictions as our CSV writes them (with the DOJ row they stand for)."""
    dob = person.dob.isoformat() if person.dob else ""
    rows = [
        [
            person.subject,
            dob,
            c.county,
            c.charge.csv,
            "felony" if c.felony else "misdemeanor",
            c.disposition.isoformat(),
            c.sentence_end.isoformat(),
            c.file,
            str(c.line),
        ]
        for c in person.convictions
    ]
    if person.registered:
        long_ago = ((person.dob or date(1955, 1, 1)) + timedelta(days=18 * 366)).isoformat()
        rows.append(
            [person.subject, dob, "YOLO", REGISTRATION_TWIN, "felony", long_ago, long_ago, "", ""]
        )
    return rows


TWIN_COLUMNS = (
    "person_id",
    "dob",
    "county",
    "code_section",
    "level",
    "disposition_date",
    "sentence_end_date",
    "doj_file",
    "doj_line",
)


def generate(
    out: Path,
    rows: int,
    seed: int = 64,
    parts: int = 1,
    twin: Path | None = None,
    expected_out: Path | None = None,
    as_of: date = AS_OF,
) -> list[str]:
    """Write about ``rows`` DOJ rows (whole people) to ``out`` (or its parts); their names."""
    rng = random.Random(seed)
    writer = Writer(out, rows, parts)
    twin_file = twin.open("w", encoding="utf-8", newline="") if twin else None
    expected_file = expected_out.open("w", encoding="utf-8", newline="") if expected_out else None
    twin_writer = csv.writer(twin_file, lineterminator="\n") if twin_file else None
    expected_writer = csv.writer(expected_file, lineterminator="\n") if expected_file else None
    if twin_writer:
        twin_writer.writerow(TWIN_COLUMNS)
    if expected_writer:
        expected_writer.writerow(("file", "line", "outcome", "reason"))
    number = 0
    try:
        while writer.written < rows:
            number += 1
            person = _person(rng, number, writer, rows - writer.written)
            if twin_writer:
                twin_writer.writerows(twin_rows(person))
            if expected_writer:
                expected_writer.writerows(expected(person, as_of))
    finally:
        writer.close()
        for handle in (twin_file, expected_file):
            if handle:
                handle.close()
    return writer.names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=64)
    parser.add_argument("--parts", type=int, default=1, help="split into this many files")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--twin", type=Path, help="also write the convictions as our CSV")
    parser.add_argument("--expected", type=Path, help="also write the expected outcomes")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    args = parser.parse_args(argv)
    generate(args.out, args.rows, args.seed, args.parts, args.twin, args.expected, args.as_of)


if __name__ == "__main__":
    main()
