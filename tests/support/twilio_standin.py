"""A stand-in for Twilio's Messages API: a small HTTP server the tests (and the bench) start.

It answers ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` as Twilio does (201 with the
message's JSON, ``sid`` and ``status``), records every request (path, form, basic auth, time),
and can be told to answer the next requests otherwise: 429, 500, 503 or 400 with Twilio's error
codes, or to hold a request without ever answering (a request that reached Twilio, whose answer
was lost). ``report`` posts a status callback to the service, signed as Twilio signs it.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
FROM_NUMBER = "+19165550100"


@dataclass(frozen=True)
class Received:
    path: str
    form: dict[str, str]
    auth: tuple[str, str]
    at: float  # time.monotonic() when it arrived


@dataclass(frozen=True)
class Answer:
    status: int
    code: int | None = None  # Twilio's error code
    hang: bool = False  # never answer


CREATED = Answer(201)


def error(status: int, code: int | None = None) -> Answer:
    return Answer(status, code)


HANG = Answer(0, hang=True)


class TwilioStandIn:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: deque[Answer] = deque()
        self.lock = threading.Lock()
        self.release = threading.Event()  # lets hanging requests go when the test ends
        self.sids = (f"SM{n:032x}" for n in itertools.count(1))
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                stand_in.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer_next(self, *answers: Answer) -> None:
        """The next requests get these answers, in order; then 201 again."""
        with self.lock:
            self.script.extend(answers)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode()
        form = {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}
        auth = request.headers.get("Authorization", "")
        user, _, password = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        with self.lock:
            self.received.append(Received(request.path, form, (user, password), time.monotonic()))
            answer = self.script.popleft() if self.script else CREATED
        if answer.hang:
            self.release.wait(timeout=30)
            return
        account = request.path.split("/")[3] if request.path.count("/") >= 4 else ACCOUNT_SID
        if answer.status == 201:
            body = {
                "sid": next(self.sids),
                "account_sid": account,
                "to": form.get("To"),
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form.get("Body"),
                "status": "accepted" if form.get("MessagingServiceSid") else "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "error_code": None,
                "error_message": None,
            }
        else:
            body = {
                "code": answer.code,
                "message": f"Stand-in error {answer.code or answer.status}",
                "more_info": f"https://www.twilio.com/docs/errors/{answer.code}",
                "status": answer.status,
            }
        payload = json.dumps(body).encode()
        request.send_response(answer.status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def messages(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.endswith("/Messages.json")]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def signed_report(url: str, form: dict[str, str], auth_token: str) -> dict[str, str]:
    """The headers Twilio would send with a status callback to ``url``."""
    signature = RequestValidator(auth_token).compute_signature(url, form)
    return {"X-Twilio-Signature": signature}


def report(callback_url: str, sid: str, status: str, auth_token: str) -> requests.Response:
    """Post a status callback to a live service, as Twilio would."""
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
    headers = signed_report(callback_url, form, auth_token)
    return requests.post(callback_url, data=form, headers=headers, timeout=10)
