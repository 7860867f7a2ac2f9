"""Phone call webhook latency under 16 concurrent calls: p50 and p99 for every step of a call.

    .venv/bin/python bench/call_latency.py [--calls 16] [--rounds 3] [--think 0.5]

Starts the project with `gunicorn -w 2` on a fresh SQLite database (offices open around the
clock, so every call ends connected to an office), then runs the calls at once. Each call is
what Twilio would post, signed: the incoming call, then the keys of a whole check (a year and an
age ended by #), then 3 to be connected and the <Dial>'s end, following each answer's
<Gather action>. A call waits about --think seconds between steps, as a caller listens and
presses. Target: p99 at most 30 ms over every step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_latency import print_steps, run_at_once
from load import TOKEN, Server
from twilio.request_validator import RequestValidator

# Sacramento, possession, 2009, 25, sentence done: dismiss, District Attorney; then connect.
KEYS = [("1", ""), ("1", ""), ("2009", "#"), ("25", "#"), ("2", ""), ("3", "")]
ASKED = ["county", "offense", "year", "age", "serving", "menu"]
STEPS = [
    "incoming",
    *(f"{asked} {digits}{end}" for asked, (digits, end) in zip(ASKED, KEYS, strict=True)),
    "dial ended",
]


def post(url: str, params: dict[str, str]) -> tuple[float, ElementTree.Element]:
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": signature})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, ElementTree.fromstring(body)


def next_url(twiml: ElementTree.Element) -> str:
    gather, dial = twiml.find("Gather"), twiml.find("Dial")
    found = gather if gather is not None else dial
    assert found is not None, ElementTree.tostring(twiml)
    return found.get("action", "")


def one_call(base: str, think: float) -> list[tuple[str, float]]:
    params = {"CallSid": f"CA{uuid.uuid4().hex}", "From": "+19165550123", "To": "+19165550100"}
    took, twiml = post(f"{base}/voice", params)
    measured = [("incoming", took)]
    for step, (digits, end) in zip(STEPS[1:], KEYS, strict=False):
        time.sleep(think)
        took, twiml = post(next_url(twiml), {**params, "Digits": digits, "FinishedOnKey": end})
        measured.append((step, took))
    assert twiml.find("Dial") is not None, "the call did not end connected to an office"
    took, twiml = post(next_url(twiml), {**params, "DialCallStatus": "completed"})
    measured.append(("dial ended", took))
    return measured


def caller(base: str, rounds: int, think: float, timings: dict, lock: threading.Lock) -> None:
    time.sleep(think * (uuid.uuid4().int % 100) / 100)  # calls do not all start at once
    for _ in range(rounds):
        measured = one_call(base, think)
        with lock:
            for step, took in measured:
                timings[step].append(took)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.5, help="seconds between steps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "metrics").mkdir()
        server = Server(
            f"sqlite:///{folder}/calls.db",
            PROMETHEUS_MULTIPROC_DIR=f"{folder}/metrics",
            OFFICE_HOURS="Mon-Sun 00:00-24:00",
        )
        timings, seconds = run_at_once(server, caller, args.calls, args.rounds, args.think)
    every = sum(len(values) for values in timings.values())
    print(
        f"{args.calls} concurrent calls, think {args.think:g} s, "
        f"{every} webhooks in {seconds:.1f} s"
    )
    print_steps(STEPS, timings, 14)
    return 0


if __name__ == "__main__":
    sys.exit(main())
