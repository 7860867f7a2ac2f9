"""10,000 fuzzed requests at the webhook and the APIs: counts 5xx answers and stack traces.

    .venv/bin/python bench/fuzz.py [--requests 10000] [--seed 1]

Runs in-process against a real app on a fresh SQLite database, with random (but signed, where
Twilio would sign) bodies: odd text, invalid UTF-8, huge fields, wrong content types, injection
strings, random JSON. Both numbers printed at the end must be 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from tests.conftest import Texter, make_app  # noqa: E402

NASTY = [
    "'; DROP TABLE message; --",
    "<script>alert(1)</script>",
    "\x00",
    "🙂" * 300,
    "STOP",
    "BACK",
    "RESTART",
    "x" * 3000,
    "{{7*7}}",
    "%s%s%n",
    "SAC-0000-0000",
    "",
    " ",
]


def text(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(NASTY)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ?!'\"<>&;%\\/áéñ¿🙂\u202e\t\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))


def junk_json(rng: random.Random, depth: int = 0) -> object:
    kinds = [None, True, rng.randint(-(10**9), 10**9), rng.random(), text(rng)]
    if depth < 3:
        kinds += [
            [junk_json(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            {text(rng): junk_json(rng, depth + 1) for _ in range(rng.randint(0, 3))},
        ]
    return rng.choice(kinds)


def one_request(client, rng: random.Random, chat_id: str):
    choice = rng.randrange(6)
    if choice == 0:
        texter = Texter(
            client, phone=rng.choice(["+19165550100", text(rng), "12345", "+447700900123"])
        )
        params = texter.params(text(rng), media=rng.choice([0, 0, 1]))
        return texter.post(params)
    if choice == 1:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        kind = rng.choice(["application/x-www-form-urlencoded", "application/json", "text/plain"])
        return client.post(
            rng.choice(["/sms", "/api/chat", "/api/eligibility"]), data=raw, content_type=kind
        )
    if choice == 2:
        return client.post(f"/api/chat/{chat_id}/messages", json={"text": text(rng)})
    if choice == 3:
        body = json.dumps(junk_json(rng))
        path = rng.choice(["/api/chat", f"/api/chat/{chat_id}/messages", "/api/eligibility"])
        return client.post(path, data=body, content_type="application/json")
    if choice == 4:
        return client.get(rng.choice([f"/api/chat/{text(rng)}", "/staff/", f"/?lang={text(rng)}"]))
    return client.post("/chat/say", data={"text": text(rng)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/fuzz.db", RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
        client = app.test_client()
        chat_id = client.post("/api/chat").get_json()["id"]
        statuses: dict[int, int] = {}
        server_errors = traces = 0
        for _ in range(args.requests):
            response = one_request(client, rng, chat_id)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            server_errors += response.status_code >= 500
            traces += b"Traceback" in response.data
    print(f"{args.requests} fuzzed requests; statuses: {dict(sorted(statuses.items()))}")
    print(f"5xx answers: {server_errors}; stack traces in bodies: {traces}")
    return 1 if server_errors or traces else 0


if __name__ == "__main__":
    sys.exit(main())
