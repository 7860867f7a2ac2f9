"""The counts a screening run reports, for people (text) and programs (JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Summary:
    """``convictions`` are the Prop 64 rows screened in the chosen county; the four outcomes add up
    to it. ``people`` have at least one of them; ``people_cleared`` would have no conviction left.
    ``bad_rows`` were reported and skipped, in any county."""

    convictions: int = 0
    dismiss: int = 0
    reduce: int = 0
    review: int = 0
    not_eligible: int = 0
    people: int = 0
    people_cleared: int = 0
    bad_rows: int = 0

    def as_json(self) -> dict[str, int]:
        """The ``--json`` object; its keys are part of the command's contract."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as staff read it at the end of a run."""
        return [
            f"Prop 64 convictions screened: {self.convictions}",
            f"  dismissed:    {self.dismiss}",
            f"  reduced:      {self.reduce}",
            f"  review:       {self.review}",
            f"  not eligible: {self.not_eligible}",
            f"People with a Prop 64 conviction: {self.people}",
            f"People whose record would be left with no conviction: {self.people_cleared}",
            f"Bad rows skipped: {self.bad_rows}",
        ]
