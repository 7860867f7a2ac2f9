"""Concurrent residents over the signed webhook, every request sent twice, a worker killed mid-run.

    .venv/bin/python bench/load.py [--residents 8] [--database-url URL]

Starts the app with `gunicorn -w 2` on a fresh database, lets N residents text through a whole
check at once (each text sent as two simultaneous copies with the same MessageSid, and sent again
whenever a connection breaks, as Twilio's retries would), kills one worker with SIGKILL part way,
then reads the database and prints what was lost, duplicated or routed wrongly. All must be 0.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "load-test-token"

# The contract's asking examples (docs/contract.md): answers after a greeting, and the office.
PATHS = [
    (["yes", "possession", "2009", "25", "no"], "district_attorney"),
    (["no", "growing plants", "2008"], "public_defender"),
    (["yes", "2", "2008", "30", "misdemeanor", "yes"], "public_defender"),
    (["yes", "selling", "2005", "40", "felony", "no", "no", "yes"], "district_attorney"),
    (
        ["sacramento", "had it to sell", "2005", "19", "not sure", "no", "no", "no", "yes"],
        "district_attorney",
    ),
    (["yes", "cultivation", "2012", "30", "felony", "not sure"], "public_defender"),
    (["idk", "something else"], "public_defender"),
    (["yes", "possession", "2016"], "public_defender"),
]


@dataclass
class Report:
    residents: int
    requests_sent: int = 0
    answered_200: int = 0
    retried_after_errors: int = 0
    killed_worker: int | None = None
    lost: int = 0
    duplicated: int = 0
    wrong_office: int = 0
    unfinished: int = 0
    problems: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.wrong_office or self.unfinished)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The project under gunicorn with two workers, on its own port."""

    def __init__(self, database_url: str, **extra_env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sms"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "load-test-secret",
            "PHONE_HASH_KEY": "load-test-phone-hash-key",
            "AUDIT_KEY": "load-test-audit-key",
            "TWILIO_AUTH_TOKEN": TOKEN,
            **extra_env,
        }
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "app:app"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("LOAD_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                if len(self.workers()) >= 2:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def kill_one_worker(self) -> int:
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def post(url: str, params: dict[str, str]) -> int:
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Resident(threading.Thread):
    def __init__(self, index: int, url: str, report: Report, lock: threading.Lock) -> None:
        super().__init__(daemon=True)
        self.phone = f"+1916555{index:04d}"
        self.answers, self.office = PATHS[index % len(PATHS)]
        self.url, self.report, self.lock = url, report, lock
        self.sids: list[str] = []

    def send_until_answered(self, params: dict[str, str]) -> None:
        """Two copies at once; resend (same MessageSid) until one is answered 200."""
        while True:
            results: list[int] = []
            copies = [
                threading.Thread(target=self._send_copy, args=(params, results)) for _ in range(2)
            ]
            for copy in copies:
                copy.start()
            for copy in copies:
                copy.join()
            if 200 in results:
                with self.lock:
                    self.report.answered_200 += results.count(200)
                return
            with self.lock:
                self.report.retried_after_errors += 1
            time.sleep(0.05)

    def _send_copy(self, params: dict[str, str], results: list[int]) -> None:
        results.append(self._try(params))

    def _try(self, params: dict[str, str]) -> int:
        with self.lock:
            self.report.requests_sent += 1
        try:
            return post(self.url, params)
        except (OSError, http.client.HTTPException):
            # A worker killed mid-answer cuts the connection, or the answer half-way
            # (IncompleteRead): Twilio retries both, and so does this resident.
            return 0

    def run(self) -> None:
        for body in ["Hi", *self.answers]:
            sid = "SM" + uuid.uuid4().hex
            self.sids.append(sid)
            params = {
                "From": self.phone,
                "To": "+19165550100",
                "Body": body,
                "MessageSid": sid,
                "AccountSid": "AC" + "0" * 32,
                "NumMedia": "0",
            }
            self.send_until_answered(params)


def check(database_url: str, residents: list[Resident], report: Report) -> None:
    """Every answered message stored once, with one reply; every check ends at its office."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        for resident in residents:
            for sid in resident.sids:
                stored = connection.execute(
                    text("SELECT id FROM message WHERE twilio_sid = :sid"), {"sid": sid}
                ).all()
                if not stored:
                    report.lost += 1
                    report.problems.append(f"{resident.phone}: {sid} lost")
                    continue
                replies = connection.execute(
                    text("SELECT count(*) FROM message WHERE reply_to_id = :id"),
                    {"id": stored[0][0]},
                ).scalar()
                if len(stored) > 1 or replies != 1:
                    report.duplicated += 1
                    report.problems.append(f"{resident.phone}: {sid} has {replies} replies")
            office = connection.execute(
                text(
                    "SELECT i.office FROM inquiry i JOIN conversation c ON c.id = i.conversation_id"
                    " WHERE c.phone = :phone ORDER BY i.id DESC LIMIT 1"
                ),
                {"phone": resident.phone},
            ).scalar()
            if office is None:
                report.unfinished += 1
                report.problems.append(f"{resident.phone}: no result")
            elif office != resident.office:
                report.wrong_office += 1
                report.problems.append(f"{resident.phone}: {office} != {resident.office}")
    engine.dispose()


def run_load(database_url: str, residents: int = 8, kill_after: float = 0.3) -> Report:
    """Run the whole exercise against ``database_url`` (migrated here) and report."""
    server = Server(database_url)
    report = Report(residents=residents)
    lock = threading.Lock()
    people = [Resident(i, server.url, report, lock) for i in range(residents)]
    expected = sum(2 * (1 + len(p.answers)) for p in people)
    try:
        for person in people:
            person.start()
        while report.requests_sent < expected * kill_after:
            time.sleep(0.01)
        report.killed_worker = server.kill_one_worker()
        for person in people:
            person.join(timeout=120)
    finally:
        server.stop()
    check(database_url, people, report)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/load.db"
        started = time.perf_counter()
        report = run_load(url, args.residents)
        seconds = time.perf_counter() - started
    print(
        f"residents {report.residents}, requests sent {report.requests_sent}, "
        f"answered 200 {report.answered_200}, resent after errors {report.retried_after_errors}"
    )
    print(f"killed worker pid {report.killed_worker} mid-run; {seconds:.1f} s")
    print(
        f"lost {report.lost}, duplicated {report.duplicated}, "
        f"wrong office {report.wrong_office}, unfinished {report.unfinished}"
    )
    for problem in report.problems:
        print("  " + problem)
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
