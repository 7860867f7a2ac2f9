"""SMS webhook throughput: the project against the floor app, on the same machine, in one run.

    .venv/bin/python bench/sms_throughput.py [--seconds 10] [--warm-up 3] [--rounds 5]
        [--before DIR] [--postgres postgresql://postgres@127.0.0.1:5432/test] [--interleave N]

Each server is started as it is meant to run, on a fresh SQLite database: the floor app
(../shared/bench/floor_app.py) plainly, `gunicorn -w 2 -b ADDRESS floor_app:app`, and the
project as its Procfile starts it, `gunicorn app:app` (gunicorn.conf.py, rate limits on), with
`WEB_CONCURRENCY=2`, so both have two workers. A signed load from make_sms_load.py (a new
--start for every run, so no run replays another's MessageSids) is sent by `wrk -t1 -c8
--latency` to each in turn, after ``--warm-up`` seconds of load that are not measured, round
after round, each round starting with the next server: floor, project (and, with
``--before``, an earlier checkout of the project at DIR, e.g. a `git worktree`, run with its
own .venv when it has one, else with this virtualenv).
``--interleave N`` reorders the load so that N residents' texts take turns (a diagnostic; the
figure that counts is the load as generated).
Prints requests/s, p50 and p99 of every run, each round's ratio to the floor, the median ratio
and its spread, errors, and each project worker's memory after the load.
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
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
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
    cpu_ms: float = 0.0  # the workers' CPU time (user + system) per request


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
    kinds = []
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
        kinds.append(f"{match.group(1)} non-2xx")
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
        kinds.append(match.group(0))
    if kinds:
        print(f"{name}: " + "; ".join(kinds))
    return Run(name, rps, p50, p99, requests, errors)


class Gunicorn:
    def __init__(
        self, argv: list[str], cwd: Path, env: dict[str, str], bin_dir: Path = BIN
    ) -> None:
        self.port = free_port()
        address = f"127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(bin_dir / "gunicorn"), *[arg.replace("ADDRESS", address) for arg in argv]],
            cwd=cwd,
            env={**os.environ, **env, "GUNICORN_BIND": address},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://{address}/sms"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://{address}/", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{argv[-1]} did not start")

    def worker_pids(self) -> list[str]:
        return subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()

    def worker_cpu_seconds(self) -> float:
        """User and system time of the workers so far: the work a request costs, whatever
        else the machine is doing (throughput alone moves with the machine's other load)."""
        ticks = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


#: With ``--postgres URL`` both servers run on PostgreSQL: the floor in a schema of its own in
#: that database, the project in a database of its own on that server; both dropped afterwards.
POSTGRES: dict[str, str] = {}
CLEANUPS: list[Callable[[], None]] = []
#: The warm-up's residents and MessageSids start this far after the measured run's.
WARM_UP_OFFSET = 500_000


def _name(folder: Path) -> str:
    return "bench_" + re.sub(r"[^a-z0-9]", "", folder.name.lower())


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES["url"], autocommit=True) as connection:
        connection.execute(sql)


def start_floor(folder: Path) -> Gunicorn:
    """As floor_app.py's own docstring starts it."""
    env = {"FLOOR_DB": str(folder / "floor.db"), "TWILIO_AUTH_TOKEN": TOKEN}
    if POSTGRES:
        schema = _name(folder)
        env.update(FLOOR_DATABASE_URL=POSTGRES["url"], FLOOR_SCHEMA=schema)
        CLEANUPS.append(lambda: _admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    return Gunicorn(["-w", "2", "-b", "ADDRESS", "floor_app:app"], SHARED, env)


def _project_database(folder: Path) -> str:
    if not POSTGRES:
        return f"sqlite:///{folder / 'project.db'}"
    name = _name(folder)
    _admin(f"CREATE DATABASE {name}")
    CLEANUPS.append(lambda: _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return POSTGRES["url"].rsplit("/", 1)[0] + "/" + name


def project_starter(root: Path):
    """The project at ``root`` as its Procfile starts it, with two workers, in the checkout's
    own virtualenv when it has one (an earlier checkout may pin other packages)."""
    bin_dir = root / ".venv" / "bin" if (root / ".venv" / "bin" / "gunicorn").exists() else BIN

    def start(folder: Path) -> Gunicorn:
        env = {
            "DATABASE_URL": _project_database(folder),
            "SECRET_KEY": "bench-secret",
            "PHONE_HASH_KEY": "bench-phone-hash-key",
            "AUDIT_KEY": "bench-audit-key",
            "TWILIO_AUTH_TOKEN": TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
            "WEB_CONCURRENCY": "2",
        }
        (folder / "metrics").mkdir(exist_ok=True)
        subprocess.run(
            [str(bin_dir / "flask"), "--app", "app", "db", "upgrade"],
            cwd=root,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        return Gunicorn(["app:app"], root, env, bin_dir)

    return start


def _load_script(server: Gunicorn, folder: Path, start: int) -> Path:
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
    if INTERLEAVE["residents"]:
        _interleave(script, INTERLEAVE["residents"])
    return script


#: With ``--interleave N`` the load's texts are reordered, N residents' texts in turn.
INTERLEAVE = {"residents": 0}
_REQUEST_ROWS = re.compile(r"local reqs = \{\n(.*?)\n\}\n", re.S)
_SENDER = re.compile(r"From=([^&]+)")


def _interleave(script: Path, residents: int) -> None:
    """Reorder the load so that N residents take turns, each keeping the order (and the
    repeats) of their own texts. As generated, one resident's ten texts come one after another,
    so the texts in flight at once are mostly the same resident's, and a text waits for the
    resident's previous one to be stored (their thread is locked until it commits). A
    diagnostic, never the measured figure: it tells that waiting from the work a text costs."""
    text = script.read_text()
    found = _REQUEST_ROWS.search(text)
    assert found is not None, "make_sms_load.py changed the shape of its script"
    rows = found.group(1).splitlines()
    by_resident = [list(texts) for _, texts in groupby(rows, key=_SENDER.findall)]
    ordered = []
    for first in range(0, len(by_resident), residents):
        group = by_resident[first : first + residents]
        for turn in range(max(len(texts) for texts in group)):
            ordered += [texts[turn] for texts in group if turn < len(texts)]
    script.write_text(text[: found.start(1)] + "\n".join(ordered) + text[found.end(1) :])


def _wrk(server: Gunicorn, script: Path, seconds: int) -> str:
    return subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-s", str(script), server.url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def measure(
    name: str, server: Gunicorn, folder: Path, start: int, seconds: int, warm_up: int
) -> Run:
    """``warm_up`` seconds of load (residents of their own) before the measured run: a server
    answers its first request as soon as one worker is up, while another may still be loading
    the app, and neither has yet compiled what it compiles once."""
    if warm_up:
        _wrk(server, _load_script(server, folder, start + WARM_UP_OFFSET), warm_up)
    script = _load_script(server, folder, start)
    cpu_before = server.worker_cpu_seconds()
    output = _wrk(server, script, seconds)
    cpu = server.worker_cpu_seconds() - cpu_before
    try:
        run = parse_wrk(name, output)
    except (ValueError, AttributeError):
        print(output)
        raise
    run.cpu_ms = cpu / max(run.requests, 1) * 1000
    return run


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def report(
    servers: list[tuple[str, Callable[[Path], Gunicorn]]], runs: dict[str, list[Run]]
) -> None:
    """Every run with its ratio to the floor of its round, then each server's median ratio."""
    print(f"{'run':<10}{'round':>6}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}"
          f"{'errors':>8}{'/floor':>8}{'cpu ms/req':>12}")  # fmt: skip
    for name, _ in servers:
        for round_, run in enumerate(runs[name], start=1):
            ratio = run.rps / runs["floor"][round_ - 1].rps
            print(
                f"{run.name:<10}{round_:>6}{run.rps:>10.0f}{run.p50_ms:>10.2f}"
                f"{run.p99_ms:>10.2f}{run.requests:>10}{run.errors:>8}{ratio:>8.2f}"
                f"{run.cpu_ms:>12.2f}"
            )
    for name, _ in servers[1:]:
        ratios = [run.rps / floor.rps for run, floor in zip(runs[name], runs["floor"], strict=True)]
        p99 = max(run.p99_ms for run in runs[name])
        cpu = _median([run.cpu_ms for run in runs[name]])
        print(
            f"{name}/floor: median {_median(ratios):.2f} (rounds {min(ratios):.2f} to "
            f"{max(ratios):.2f}), worst p99 {p99:.1f} ms, median CPU {cpu:.2f} ms a request"
        )
    floor_cpu = _median([run.cpu_ms for run in runs["floor"]])
    print(f"floor: median CPU {floor_cpu:.2f} ms a request")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warm-up", type=int, default=3, help="seconds of load first, unmeasured")
    # One run's median moves with the machine's speed; five rounds steady it.
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an earlier checkout of the project")
    parser.add_argument("--postgres", help="e.g. postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--interleave",
        type=int,
        default=0,
        metavar="N",
        help="diagnostic: N residents' texts in turn instead of each resident's one after another",
    )
    args = parser.parse_args()
    INTERLEAVE["residents"] = args.interleave
    if args.postgres:
        POSTGRES["url"] = args.postgres
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk")
        return 2
    servers = [("floor", start_floor), ("project", project_starter(ROOT))]
    if args.before is not None:
        servers.append(("before", project_starter(args.before.resolve())))
    runs: dict[str, list[Run]] = {name: [] for name, _ in servers}
    start = int(time.time()) * 100  # a new range of MessageSids every run
    rss: list[float] = []
    for round_number in range(args.rounds):
        # Each round starts with the next server: this machine speeds up and slows down within
        # a run, and a fixed order would hand whoever runs last the same advantage every round.
        shift = round_number % len(servers)
        for name, starter in servers[shift:] + servers[:shift]:
            with tempfile.TemporaryDirectory() as folder:
                server = starter(Path(folder))
                try:
                    start += 1_000_000
                    runs[name].append(
                        measure(name, server, Path(folder), start, args.seconds, args.warm_up)
                    )
                    if name == "project":
                        rss = server.worker_rss_mb()
                finally:
                    server.stop()
                    while CLEANUPS:
                        CLEANUPS.pop()()
    report(servers, runs)
    print("project worker RSS after load (MB): " + ", ".join(f"{mb:.0f}" for mb in rss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
