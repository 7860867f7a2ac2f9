"""Web chat API latency under 16 concurrent sessions: p50 and p99 for every step of a check.

    .venv/bin/python bench/chat_latency.py [--sessions 16] [--rounds 3] [--think 1.0]

Starts the project with `gunicorn -w 2` on a fresh SQLite database (rate limits on, as deployed:
all sessions come from one address, so --sessions x --rounds stays under 60 new chats a minute),
then runs the sessions at once, each doing whole checks (start, then up to 9 answers) and
waiting about --think seconds between steps, as a resident reads and types (0 sends every step
back to back: a stress test that measures queueing behind 2 workers more than a step's cost).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import Server

ANSWERS = ["yes", "felony stuff? no, selling", "2005", "30", "felony", "no", "no", "no", "yes"]
STEPS = ["start", *(f"answer {n}" for n in range(1, len(ANSWERS) + 1))]


def call(url: str, body: dict | None) -> tuple[float, dict]:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, payload


def session(
    base: str, rounds: int, think: float, timings: dict[str, list[float]], lock: threading.Lock
) -> None:
    pause = random.Random()
    time.sleep(think * pause.random())  # residents do not all arrive in the same millisecond
    for _ in range(rounds):
        took, chat = call(f"{base}/api/chat", None)
        measured = [("start", took)]
        for step, answer in zip(STEPS[1:], ANSWERS, strict=True):
            if chat["done"]:
                break
            time.sleep(think * pause.uniform(0.5, 1.5))
            took, chat = call(f"{base}/api/chat/{chat['id']}/messages", {"text": answer})
            measured.append((step, took))
        with lock:
            for step, took in measured:
                timings[step].append(took)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_at_once(
    server: Server, worker: Callable[..., None], count: int, rounds: int, think: float
) -> tuple[dict[str, list[float]], float]:
    """``count`` threads, each ``worker(base, rounds, think, timings, lock)``, all at once
    against ``server``, which is stopped afterwards: each step's times and the seconds taken."""
    base = f"http://127.0.0.1:{server.port}"
    timings: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    threads = [
        threading.Thread(target=worker, args=(base, rounds, think, timings, lock))
        for _ in range(count)
    ]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    return timings, time.perf_counter() - started


def print_steps(steps: list[str], timings: dict[str, list[float]], width: int) -> None:
    """Each step's count, median and 99th percentile in ms, then all steps together."""
    every = [t for values in timings.values() for t in values]
    print(f"{'step':<{width}}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}")
    rows = [(step, timings.get(step, [])) for step in steps] + [("all steps", every)]
    for step, values in rows:
        if values:
            print(
                f"{step:<{width}}{len(values):>6}{statistics.median(values):>10.1f}"
                f"{percentile(values, 0.99):>10.1f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds between a session's steps"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "metrics").mkdir()
        server = Server(f"sqlite:///{folder}/chat.db", PROMETHEUS_MULTIPROC_DIR=f"{folder}/metrics")
        timings, seconds = run_at_once(server, session, args.sessions, args.rounds, args.think)
    every = sum(len(values) for values in timings.values())
    print(
        f"{args.sessions} concurrent sessions, think {args.think:g} s, "
        f"{every} requests in {seconds:.1f} s"
    )
    print_steps(STEPS, timings, 12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
