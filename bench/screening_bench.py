"""Benchmark ``flask --app app screen`` end to end: rows per second and peak memory.

Generates a synthetic file (our CSV with ``screening_generate.py``, or the DOJ research file with
``doj_generate.py``; no real data), then runs the real command in a child process, so the figures
are what staff get: start-up, reading, deciding and writing (for the DOJ file also the court copy
and the condensed list). Peak memory is that child's own maximum resident set size (``wait4``);
the file is generated in another child, so neither the generator nor this script is counted. For
the DOJ file, every outcome is also compared with the generator's own answers.

    .venv/bin/python bench/screening_bench.py --rows 1000000 [--check]
    .venv/bin/python bench/screening_bench.py --format doj --rows 1000000 [--check]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = Path(__file__).with_name("screening_generate.py")
DOJ_GENERATOR = Path(__file__).with_name("doj_generate.py")
AS_OF = "2025-06-30"
TARGET_BYTES = 1 << 30
#: Per format: seconds per million rows, and rows a second.
TARGETS = {"csv": (20.0, 50_000), "doj": (30.0, 33_334)}


def _screen_command(source: Path, out: Path) -> list[str]:
    flask = [sys.executable, "-m", "flask", "--app", "app", "screen"]
    return [*flask, str(source), "--out", str(out), "--as-of", AS_OF, "--json"]


def run(source: Path, out: Path) -> tuple[float, float, int, dict[str, int]]:
    """Seconds, CPU seconds, peak RSS in bytes and the summary of one run of the command.

    CPU seconds (user and system) show what the run costs when other work shares the cores,
    which stretches the wall-clock figure."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(
            _screen_command(source, out), cwd=ROOT, stdout=stdout, stderr=stderr
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"screen failed ({child.returncode}):\n{stderr.read()}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, cpu, usage.ru_maxrss * 1024, json.loads(stdout.read())  # KiB on Linux


def _generate(rows: int, seed: int, path: Path, file_format: str) -> None:
    generator = DOJ_GENERATOR if file_format == "doj" else GENERATOR
    command = [sys.executable, str(generator), "--rows", str(rows), "--seed", str(seed)]
    if file_format == "doj":
        command += ["--expected", str(path.with_name("expected.csv"))]
    subprocess.run([*command, "--out", str(path)], check=True)


def _wrong_outcomes(results: Path, expected: Path) -> int:
    """How many DOJ results differ from the generator's answers (or are missing or extra)."""
    with expected.open(newline="") as stream:
        wanted = {
            (r["file"], r["line"]): (r["outcome"], r["reason"]) for r in csv.DictReader(stream)
        }
    with results.open(newline="") as stream:
        got = {(r["file"], r["line"]): (r["outcome"], r["reason"]) for r in csv.DictReader(stream)}
    return sum(1 for key in wanted.keys() | got.keys() if wanted.get(key) != got.get(key))


def _report(
    rows: int, seconds: float, cpu: float, peak: int, summary: dict[str, int], file_format: str
) -> bool:
    per_million, per_second = TARGETS[file_format]
    rate = rows / seconds
    print(f"format:      {file_format}")
    print(f"rows:        {rows:,}")
    print(f"seconds:     {seconds:.2f} (CPU {cpu:.2f}; load average {os.getloadavg()[0]:.1f})")
    print(f"rows/s:      {rate:,.0f}")
    print(f"peak RSS:    {peak / 2**20:,.0f} MiB")
    print(f"summary:     {json.dumps(summary)}")
    met = (
        seconds <= per_million * max(rows, 1) / 1_000_000
        and peak < TARGET_BYTES
        and rate >= per_second
    )
    verdict = "met" if met else "MISSED"
    print(
        f"targets (< {per_million:.0f} s per million rows, < 1 GiB, "
        f">= {per_second:,} rows/s): {verdict}"
    )
    return met


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=64)
    parser.add_argument("--format", dest="file_format", choices=sorted(TARGETS), default="csv")
    parser.add_argument("--input", type=Path, help="screen this file instead of generating one")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="screening-bench-") as folder:
        source = args.input or Path(folder) / "records.csv"
        if args.input is None:
            _generate(args.rows, args.seed, source, args.file_format)
        with source.open("rb") as stream:
            rows = sum(1 for _ in stream) - 1
        results = Path(folder) / "results.csv"
        seconds, cpu, peak, summary = run(source, results)
        met = _report(rows, seconds, cpu, peak, summary, args.file_format)
        expected = source.with_name("expected.csv")
        if args.file_format == "doj" and args.input is None:
            wrong = _wrong_outcomes(results, expected)
            print(f"outcomes differing from the generator's: {wrong}")
            met = met and wrong == 0
    if not met and args.check:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
