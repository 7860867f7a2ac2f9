"""SMS webhook throughput: the project against the floor app, on the same machine, in one run.

    .venv/bin/python bench/sms_throughput.py [--seconds 10] [--rounds 2]

Starts ../shared/bench/floor_app.py and this project each with `gunicorn -w 2` on a fresh SQLite
database (rate limits on, as deployed), makes a signed load with make_sms_load.py (a new --start
for every run, so no run replays another's MessageSids), and runs `wrk -t1 -c8 --latency`
against each in turn: floor, project, floor, project. Prints requests/s, p50 and p99 for both,
the ratio project/floor, errors, and each project worker's memory after the load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
BIN = Path(sys.executable).parent
TOKEN = "bench-auth-token"
sys.path.insert(0, str(ROOT / "bench"))

from load import free_port  # noqa: E402


@dataclass
class Run:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if found is None:
        raise ValueError(f"cannot read wrk's latency {value!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(name: str, output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # The latency distribution's own lines: a thread statistic such as "72.99%" at the end of a
    # line must not be read as the 99th percentile.
    p50 = _ms(re.search(r"^\s+50%[ \t]+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%[ \t]+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    return Run(name, rps, p50, p99, requests, errors)


class Gunicorn:
    def __init__(self, app: str, cwd: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                "/dev/null",
                app,
            ],
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}/sms"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{app} did not start")

    def worker_rss_mb(self) -> list[float]:
        pids = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_floor(folder: Path) -> Gunicorn:
    return Gunicorn(
        "floor_app:app", SHARED, {"FLOOR_DB": str(folder / "floor.db"), "TWILIO_AUTH_TOKEN": TOKEN}
    )


def start_project(folder: Path) -> Gunicorn:
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'project.db'}",
        "SECRET_KEY": "bench-secret",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
    (folder / "metrics").mkdir(exist_ok=True)
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    return Gunicorn("app:app", ROOT, env)


def measure(name: str, server: Gunicorn, folder: Path, start: int, seconds: int) -> Run:
    script = folder / f"load-{start}.lua"
    subprocess.run(
        [
            sys.executable,
            str(SHARED / "make_sms_load.py"),
            "--url",
            server.url,
            "--token",
            TOKEN,
            "--out",
            str(script),
            "--start",
            str(start),
        ],
        check=True,
    )
    output = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-s", str(script), server.url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    try:
        return parse_wrk(name, output)
    except (ValueError, AttributeError):
        print(output)
        raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk")
        return 2
    runs: list[Run] = []
    start = int(time.time()) * 100  # a new range of MessageSids every run
    rss: list[float] = []
    for _ in range(args.rounds):
        for name, starter in (("floor", start_floor), ("project", start_project)):
            with tempfile.TemporaryDirectory() as folder:
                server = starter(Path(folder))
                try:
                    start += 1_000_000
                    runs.append(measure(name, server, Path(folder), start, args.seconds))
                    if name == "project":
                        rss = server.worker_rss_mb()
                finally:
                    server.stop()
    print(f"{'run':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'errors':>8}")
    for run in runs:
        print(
            f"{run.name:<10}{run.rps:>10.0f}{run.p50_ms:>10.2f}{run.p99_ms:>10.2f}"
            f"{run.requests:>10}{run.errors:>8}"
        )
    for round_ in range(args.rounds):
        floor, project = runs[2 * round_], runs[2 * round_ + 1]
        print(f"round {round_ + 1}: project/floor = {project.rps / floor.rps:.2f}")
    print("project worker RSS after load (MB): " + ", ".join(f"{mb:.0f}" for mb in rss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
