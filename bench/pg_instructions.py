"""PostgreSQL's own work a text costs, counted by callgrind: the project's against the floor app's.

    .venv/bin/python bench/pg_instructions.py [--texts 500] [--before DIR]

On PostgreSQL a text also costs the database server: planning and running its statements, the
foreign-key checks at their end, index entries, the commit. ``sms_throughput.py --postgres``
sees that only through throughput, which moves by a fifth within minutes on this machine.
This counts it instead. A private PostgreSQL cluster (``initdb`` in a temporary folder, its own
port) runs under valgrind's callgrind, which follows every backend the server starts. Each app
(the floor app, this checkout and, with ``--before``, an earlier checkout) answers texts in a
process of its own through its WSGI callable, on a database of its own: the warm-up texts of
``sms_instructions.py``, then none or ``--texts`` more. The backends that served the app write
their counts when it disconnects; the difference between the two runs divided by the texts is
printed. Connecting, warming up and creating tables cancel out.

The cluster keeps PostgreSQL's settings but three: autovacuum off and checkpoints only by hand
(``checkpoint_timeout`` of a day, ``max_wal_size`` of 10 GB), so that no background work and no
full-page images after a checkpoint land in one run and not the other. The server's background
processes (WAL writer, checkpointer) are not counted; a commit's flush is the committing
backend's own work and is, except for the kernel's part, which callgrind does not see.

Needs valgrind and PostgreSQL's server programs (``initdb``, ``postgres``: Debian's
``postgresql`` package puts them in /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to
run as root; as root, the cluster runs as the ``postgres`` user. Takes a few minutes.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT / "bench"))

from load import free_port  # noqa: E402
from sms_instructions import TOKEN, answer_texts, serve  # noqa: E402

FLOOR = "floor"


def _server_program(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise SystemExit(f"PostgreSQL's {name} is missing: apt-get install postgresql")
    return found


class Cluster:
    """A PostgreSQL server of its own, every backend counted by callgrind."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        as_postgres: list[str] = []
        if os.geteuid() == 0:
            as_postgres = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")
        data = folder / "data"
        subprocess.run(
            [
                *as_postgres,
                _server_program("initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
        settings = {
            "listen_addresses": "127.0.0.1",
            "autovacuum": "off",
            "checkpoint_timeout": "1d",
            "max_wal_size": "10GB",
        }
        self.process = subprocess.Popen(
            [
                *as_postgres,
                "valgrind",
                "--tool=callgrind",
                "--trace-children=yes",
                f"--callgrind-out-file={folder}/counted.%p",
                _server_program("postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-k",
                str(folder),
                *[f"-c{name}={value}" for name, value in settings.items()],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 300  # valgrind makes start-up slow
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the counted PostgreSQL server did not start") from None
                time.sleep(1)

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(sql)

    def counted(self, pids: list[int]) -> int:
        """Instructions of these backends, once each has ended and callgrind has written them."""
        total = 0
        for pid in pids:
            path = self.folder / f"counted.{pid}"
            deadline = time.monotonic() + 120
            while True:
                text = path.read_text() if path.exists() else ""
                found = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
                if found is not None and not Path(f"/proc/{pid}").exists():
                    total += int(found.group(1))
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"backend {pid} wrote no count")
                time.sleep(0.2)
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve_and_name_backends(app: str, database_url: str, measured: int) -> None:
    """In a process of its own: ``app`` (a checkout's folder, or ``floor``) answers the texts;
    then the ids of the backends that served it are printed, one line."""
    if app == FLOOR:
        os.environ.update(
            FLOOR_DATABASE_URL=database_url, FLOOR_SCHEMA="floor", TWILIO_AUTH_TOKEN=TOKEN
        )
        sys.path.insert(0, str(SHARED))
        import floor_app  # type: ignore[import-not-found]

        answer_texts(floor_app.app, measured)
    else:
        serve(Path(app), measured, database_url)
    database = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres") as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    print("BACKENDS", " ".join(str(pid) for (pid,) in rows))
    sys.stdout.flush()
    os._exit(0)  # end without tidying up: the connections close with the process


def server_instructions(cluster: Cluster, app: str, measured: int) -> int:
    """Instructions the server spent on one run of ``app``, in a fresh database."""
    database = f"counted_{os.getpid()}_{int(time.monotonic() * 1000)}"
    cluster.admin(f"CREATE DATABASE {database}")
    python = Path(app) / ".venv" / "bin" / "python" if app != FLOOR else Path(sys.executable)
    python = python if python.exists() else Path(sys.executable)
    done = subprocess.run(
        [
            *(str(python), __file__, "--serve", app, "--texts", str(measured)),
            *("--database-url", cluster.url(database)),
        ],
        capture_output=True,
        text=True,
    )
    found = re.search(r"^BACKENDS ([\d ]+)$", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the run of {app} failed:\n{done.stderr[-2000:]}")
    try:
        return cluster.counted([int(pid) for pid in found.group(1).split()])
    finally:
        cluster.admin(f"DROP DATABASE {database} WITH (FORCE)")


def per_text(cluster: Cluster, app: str, texts: int) -> float:
    return (server_instructions(cluster, app, texts) - server_instructions(cluster, app, 0)) / texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--before", type=Path, help="an earlier checkout of the project")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_and_name_backends(args.serve, args.database_url, args.texts)
        return 0
    if not shutil.which("valgrind"):
        print("valgrind is missing: apt-get install valgrind")
        return 2
    apps = [("floor", FLOOR), ("project", str(ROOT))]
    if args.before is not None:
        apps.append(("before", str(args.before.resolve())))
    with tempfile.TemporaryDirectory() as folder:
        cluster = Cluster(Path(folder))
        try:
            counts = {name: per_text(cluster, app, args.texts) for name, app in apps}
        finally:
            cluster.stop()
    for name, count in counts.items():
        print(
            f"{name + ':':<9}{count / 1e3:8.0f} thousand server instructions a text"
            f"  ({count / counts['floor']:.2f} of the floor's)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
