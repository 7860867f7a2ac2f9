"""Machine instructions a text costs the project, counted by callgrind: the same on a busy machine.

    .venv/bin/python bench/sms_instructions.py [--texts 300] [--before DIR]

Throughput on this 2-core machine drifts by a fifth within minutes, more than most changes to
the webhook move it. Instruction counts do not: valgrind's callgrind counts every instruction
the process runs, whatever else the machine is doing. Each checkout (this one and, with
``--before``, an earlier one, e.g. a ``git worktree``, in its own .venv when it has one) runs
its app in one process on a fresh SQLite database, through its WSGI callable (no gunicorn,
which costs the project and the floor alike): 200 signed texts to warm up, then ``--texts``
more, residents texting in the order of the floor's load generator with one retry in twenty.
It runs twice under callgrind, without and with the measured texts; the difference divided by
the texts is printed. Takes a few minutes (callgrind is about fifty times slower).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 200
ANSWERS = ["Hi", "yes", "possession", "2009", "30", "no", "felony", "no", "yes", "no"]
URL = "http://localhost/sms"
TOKEN = "instructions-token"


def _texts(count: int) -> list[tuple[bytes, str]]:
    """Signed webhook bodies, residents in turn, one in twenty sent twice (Twilio's retry)."""
    pick, texts, number = random.Random(1), [], 0
    while len(texts) < count:
        phone = f"+1916{pick.randint(2000000, 9999999)}"
        for body in ANSWERS:
            number += 1
            params = {
                "From": phone,
                "To": "+19165550100",
                "Body": body,
                "MessageSid": f"SM{number:032d}",
                "AccountSid": "AC" + "0" * 32,
                "NumMedia": "0",
            }
            data = URL + "".join(key + params[key] for key in sorted(params))
            digest = hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()
            texts.append(
                (urllib.parse.urlencode(params).encode(), base64.b64encode(digest).decode())
            )
            if pick.random() < 0.05:
                texts.append(texts[-1])
    return texts[:count]


def serve(root: Path, measured: int, database_url: str = "") -> None:
    """In the process callgrind watches: the app at ``root`` answers the texts, on a fresh
    SQLite database unless ``database_url`` names another (``pg_instructions.py``)."""
    folder = tempfile.mkdtemp()
    os.environ.update(
        DATABASE_URL=database_url or f"sqlite:///{folder}/texts.db",
        SECRET_KEY="instructions",
        PHONE_HASH_KEY="instructions-phone",
        AUDIT_KEY="instructions-audit",
        TWILIO_AUTH_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=folder,
    )
    flask = Path(sys.executable).parent / "flask"
    subprocess.run(
        [str(flask), "--app", "app", "db", "upgrade"], cwd=root, check=True, capture_output=True
    )
    sys.path.insert(0, str(root))
    os.chdir(root)
    sys.modules.setdefault("gunicorn", type(sys)("gunicorn"))  # build it as a server would
    import logging

    import app as application

    for handler in logging.getLogger("bot").handlers:
        handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the process's life
    answer_texts(application.app, measured)


def answer_texts(app: Callable[..., Iterable[bytes]], measured: int) -> None:
    """The warm-up texts and ``measured`` more through a WSGI callable, every one answered."""
    answered: dict[str, int] = {}

    def start_response(status: str, _headers: object, _exc: object = None) -> None:
        answered[status] = answered.get(status, 0) + 1

    for body, signature in _texts(WARM_UP + measured):
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/sms",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_TWILIO_SIGNATURE": signature,
        }
        for _chunk in app(environ, start_response):
            pass
    if set(answered) != {"200 OK"}:
        raise SystemExit(f"not every text was answered: {answered}")


def count(root: Path, measured: int) -> int:
    """Instructions of one run of ``serve`` under callgrind."""
    python = root / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.out",
                str(python),
                __file__,
                "--serve",
                str(root),
                "--texts",
                str(measured),
            ],
            capture_output=True,
            text=True,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_text(root: Path, texts: int) -> float:
    return (count(root, texts) - count(root, 0)) / texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--before", type=Path, help="an earlier checkout of the project")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve.resolve(), args.texts)
        return 0
    project = per_text(ROOT, args.texts)
    print(f"project: {project / 1e6:.2f} million instructions a text")
    if args.before is not None:
        before = per_text(args.before.resolve(), args.texts)
        print(f"before:  {before / 1e6:.2f} million instructions a text")
        print(f"project/before: {project / before:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
