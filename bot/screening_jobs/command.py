"""Bulk screening's commands: ``screen`` court record files, and ``screen-expire`` old jobs.

``flask --app app screen A.csv [B.csv ...] --out RESULTS.csv`` is thin on purpose: it opens
files, draws progress and prints; the decisions are in ``screen``. Standard output carries only
the summary (with ``--json``, exactly one JSON object); bad rows and the progress bar go to
standard error, the bar only when that is a terminal. A DOJ run also writes the court copy and
the condensed list beside the results (``RESULTS-court.csv``, ``RESULTS-condensed.csv``).

``flask --app app screen-expire`` runs the staff pages' chores (``chores.tidy``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, TextIO

import click
from flask.cli import with_appcontext

from bot import clock
from bot.core.screening import CSV, DOJ, FORMATS, HeaderError, Result, ResultsWriter, screen
from bot.core.screening.bulk import DEFAULT_COUNTY, OnProgress, normalize_county
from bot.core.screening.doj_copies import write_copies
from bot.core.screening.files import InputFiles, detect_format
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


def beside(out: Path, kind: str) -> Path:
    """A DOJ run's other files, next to the results: ``results-court.csv``."""
    return out.with_name(f"{out.stem}-{kind}{out.suffix or '.csv'}")


class _Terminal:
    """Progress on standard error when it is a terminal: the share of the work done, rows read,
    rows a second and the time left. Bad rows wait until the bar is done."""

    def __init__(self, files: InputFiles, passes: int, stream: TextIO | None = None) -> None:
        self.files = files
        stream = stream or sys.stderr
        self.bar = (
            click.progressbar(
                length=max(1, files.size * passes),
                label="Screening",
                file=stream,
                show_eta=True,
                item_show_func=lambda words: words,
                update_min_steps=0,  # redraw on every note, even when no byte moved
            )
            if stream.isatty()
            else None
        )
        self.waiting: list[str] = []

    def progress(self, label: str) -> OnProgress | None:
        """``on_progress`` for one pass over the files (its lines a second are its own)."""
        bar = self.bar
        if bar is None:
            return None
        started = time.monotonic()

        def update(lines: int) -> None:
            seconds = max(time.monotonic() - started, 1e-6)
            words = f"{label}: {lines:,} lines, {lines / seconds:,.0f} lines/s"
            bar.update(self.files.bytes_read() - bar.pos, words)

        return update

    def bad_row(self, file: str, line: int, reason: str) -> None:
        message = f"{file}: line {line}: {reason}"
        if self.bar is None:
            click.echo(message, err=True)
        else:
            self.waiting.append(message)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
        for message in self.waiting:
            click.echo(message, err=True)


def _run(files: InputFiles, out: Path, file_format: str, as_of: date, county: str) -> Summary:
    doj = file_format == DOJ
    terminal = _Terminal(files, 2 if doj else 1)
    kept: list[Result] = []
    try:
        with _output(out) as results_file:
            write = ResultsWriter(results_file, deceased=doj)

            def on_result(result: Result) -> None:
                write(result)
                if doj:
                    kept.append(result)

            summary = screen(
                files.inputs(),
                as_of,
                county,
                file_format=file_format,
                on_progress=terminal.progress("reading"),
                on_bad_row=terminal.bad_row,
                on_result=on_result,
            )
            if doj:
                with ExitStack() as stack:
                    court = stack.enter_context(_output(beside(out, "court")))
                    condensed = stack.enter_context(_output(beside(out, "condensed")))
                    write_copies(
                        files.inputs(), kept, court, condensed, terminal.progress("writing")
                    )
        return summary
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


def _format_of(sources: tuple[Path, ...], chosen: str | None) -> str:
    """The chosen format, or the one every file's shape says; files that disagree are refused."""
    if chosen is not None:
        return chosen
    found = {source: detect_format(source) for source in sources}
    if len(set(found.values())) > 1:
        listed = "; ".join(f"{source}: {kind}" for source, kind in found.items())
        raise click.UsageError(f"the files are not all in one format ({listed}); see --format")
    return next(iter(found.values()), CSV)


def _outputs(out: Path, file_format: str) -> list[Path]:
    return [out, beside(out, "court"), beside(out, "condensed")] if file_format == DOJ else [out]


@click.command("screen")
@click.argument(
    "sources",
    metavar="INPUT...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_out,
    help="Where to write the Prop 64 rows with their outcome and reason.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    help="csv (ours) or doj (the DOJ research file). Default: told from the files' shape.",
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
    sources: tuple[Path, ...],
    out: Path,
    file_format: str | None,
    as_of: datetime | None,
    county: str,
    as_json: bool,
) -> None:
    """Screen court record files (several parts of one file in one run) for Prop 64 relief with
    the residents' rules."""
    day = as_of.date() if as_of else datetime.now(clock.COUNTY_TIME).date()
    try:
        chosen = _format_of(sources, file_format)
        inputs = {source.resolve() for source in sources}
        for path in _outputs(out, chosen):
            if path.resolve() in inputs:
                raise click.BadParameter(f"would overwrite the input {path}", param_hint="'--out'")
        files = InputFiles([(source.name, source) for source in sources])
        summary = _run(files, out, chosen, day, county)
    except HeaderError as error:
        raise click.ClickException(str(error)) from None
    except UnicodeDecodeError:
        raise click.ClickException("an input file is not UTF-8 text") from None
    except OSError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(summary.as_json()))
        return
    names = ", ".join(str(source) for source in sources)
    written = ", ".join(str(path) for path in _outputs(out, chosen))
    click.echo(
        f"Screened {names} ({chosen}) for {county} as of {day.isoformat()}; wrote {written}."
    )
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
