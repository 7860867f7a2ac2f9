"""The counts a screening run reports, for people (text) and programs (JSON).

Besides the outcomes, the figures the 2019 Sacramento clearance reported (by code section,
felonies, people relieved, people left with no felony or no recent conviction), so a rerun can be
set beside it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: The Prop 64 sections, by the offense fact each one gives.
SECTIONS = {
    "possession": "11357",
    "cultivation": "11358",
    "possession_for_sale": "11359",
    "sale_transport": "11360",
}
SECTION_COUNTS = ("convictions", "dismiss", "reduce", "review", "not_eligible")


def _by_section() -> dict[str, dict[str, int]]:
    return {section: dict.fromkeys(SECTION_COUNTS, 0) for section in SECTIONS.values()}


@dataclass
class Summary:
    """``convictions`` are the Prop 64 rows screened in the chosen county; the four outcomes add up
    to it, and so do the sections of ``by_section``. ``people`` have at least one of them;
    ``people_cleared`` would have no conviction left. ``bad_rows`` were reported and skipped, in
    any county.

    ``felony_convictions``: screened Prop 64 felony convictions. ``people_with_relief``: people
    with at least one dismissed or reduced. ``people_no_felony``: people with at least one felony
    conviction (any county, any crime) all of whose felonies would be dismissed or reduced.
    ``people_no_conviction_7_years``: people with a conviction in the 7 years before the as-of
    date, all of those dismissed. ``earliest_conviction``: the earliest screened disposition date.
    """

    convictions: int = 0
    dismiss: int = 0
    reduce: int = 0
    review: int = 0
    not_eligible: int = 0
    people: int = 0
    people_cleared: int = 0
    bad_rows: int = 0
    by_section: dict[str, dict[str, int]] = field(default_factory=_by_section)
    felony_convictions: int = 0
    people_with_relief: int = 0
    people_no_felony: int = 0
    people_no_conviction_7_years: int = 0
    earliest_conviction: str | None = None

    def as_json(self) -> dict[str, object]:
        """The ``--json`` object; its keys are part of the command's contract."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as staff read it at the end of a run."""
        sections = [
            f"  HS {section}: {counts['convictions']} ({counts['dismiss']} dismissed, "
            f"{counts['reduce']} reduced, {counts['review']} review, "
            f"{counts['not_eligible']} not eligible)"
            for section, counts in self.by_section.items()
        ]
        return [
            f"Prop 64 convictions screened: {self.convictions}",
            f"  dismissed:    {self.dismiss}",
            f"  reduced:      {self.reduce}",
            f"  review:       {self.review}",
            f"  not eligible: {self.not_eligible}",
            "By code section:",
            *sections,
            f"Felony convictions screened: {self.felony_convictions}",
            f"Earliest conviction screened: {self.earliest_conviction or 'none'}",
            f"People with a Prop 64 conviction: {self.people}",
            f"People with a conviction dismissed or reduced: {self.people_with_relief}",
            f"People whose record would be left with no conviction: {self.people_cleared}",
            f"People whose record would be left with no felony: {self.people_no_felony}",
            "People whose record would be left with no conviction in the last 7 years: "
            f"{self.people_no_conviction_7_years}",
            f"Bad rows skipped: {self.bad_rows}",
        ]
