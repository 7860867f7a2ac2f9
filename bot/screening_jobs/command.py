"""Bulk screening's commands: ``screen`` a court record file, and ``screen-expire`` old jobs.

``flask --app app screen INPUT.csv --out RESULTS.csv`` is thin on purpose: it opens files, draws
progress and prints; the decisions are in ``screen``. Standard output carries only the summary
(with ``--json``, exactly one JSON object); bad rows and the progress bar go to standard error,
the bar only when that is a terminal.

``flask --app app screen-expire`` runs the staff pages' chores (``chores.tidy``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO

import click
from flask.cli import with_appcontext

from bot import clock
from bot.core.screening.bulk import DEFAULT_COUNTY, OnProgress, normalize_county, screen
from bot.core.screening.files import open_records
from bot.core.screening.records import HeaderError
from bot.core.screening.results import ResultsWriter
from bot.core.screening.summary import Summary
from bot.screening_jobs import chores


@contextmanager
def _output(path: Path) -> Iterator[IO[str]]:
    """Write beside ``path`` and move into place only when the run succeeds: no half files."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - moved or removed below
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False, encoding="utf-8", newline=""
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


class _Terminal:
    """Progress on standard error when it is a terminal; bad rows wait until the bar is done."""

    def __init__(self, size: int, bytes_read: Callable[[], int]) -> None:
        self.bar = (
            click.progressbar(length=size, label="Screening", file=sys.stderr)
            if sys.stderr.isatty()
            else None
        )
        self.bytes_read = bytes_read
        self.waiting: list[str] = []

    def progress(self) -> OnProgress | None:
        bar = self.bar
        if bar is None:
            return None
        return lambda _rows: bar.update(self.bytes_read() - bar.pos)

    def bad_row(self, line: int, reason: str) -> None:
        message = f"line {line}: {reason}"
        if self.bar is None:
            click.echo(message, err=True)
        else:
            self.waiting.append(message)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
        for message in self.waiting:
            click.echo(message, err=True)


def _run(source: Path, out: Path, as_of: date, county: str) -> Summary:
    with open_records(source) as (text, bytes_read), _output(out) as results:
        terminal = _Terminal(source.stat().st_size, bytes_read)
        try:
            return screen(
                text,
                as_of,
                county,
                on_progress=terminal.progress(),
                on_bad_row=terminal.bad_row,
                on_result=ResultsWriter(results),
            )
        finally:
            terminal.finish()


def _out(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    if not value.parent.is_dir():
        raise click.BadParameter(f"the folder {value.parent} does not exist")
    return value


def _county(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        return normalize_county(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command("screen")
@click.argument(
    "source", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_out,
    help="Where to write the Prop 64 rows with their outcome and reason.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Screen as of this date (YYYY-MM-DD). Default: today in Sacramento.",
)
@click.option(
    "--county",
    default=DEFAULT_COUNTY,
    show_default=True,
    callback=_county,
    help="Screen this county's convictions (any case); others only inform people's records.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def screen_command(
    source: Path, out: Path, as_of: datetime | None, county: str, as_json: bool
) -> None:
    """Screen a court record CSV for Prop 64 relief with the residents' rules."""
    day = as_of.date() if as_of else datetime.now(clock.COUNTY_TIME).date()
    if out.resolve() == source.resolve():
        raise click.BadParameter("would overwrite INPUT.csv", param_hint="'--out'")
    try:
        summary = _run(source, out, day, county)
    except HeaderError as error:
        raise click.ClickException(f"{source}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{source} is not UTF-8 text") from None
    except OSError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(summary.as_json()))
        return
    click.echo(f"Screened {source} for {county} as of {day.isoformat()}; results in {out}.")
    for line in summary.lines():
        click.echo(line)


@click.command("screen-expire")
@with_appcontext
def screen_expire_command() -> None:
    """Erase bulk screening results past their 24 hours, and uploads left by stopped runs."""
    tidied = chores.tidy(clock.now())
    click.echo(
        f"Expired {tidied.expired} screening jobs; marked {tidied.stalled} stopped runs "
        f"failed; removed {tidied.removed} leftover uploads."
    )
