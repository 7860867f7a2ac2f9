"""A web chat id is the key to its whole conversation: it never reaches a log, and it stops
opening the transcript a day after the chat's last message."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import clock
from bot.channels.chat_api import CHAT_COOKIE
from bot.service.turns import IDLE_EXPIRY
from bot.web.error_reports import scrub
from tests.support.apps import AUTH_TOKEN, SECRET_KEY
from tests.support.paths import ROOT

PHONE_HASH_KEY = "hardening-phone-hash-key"
START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise AssertionError("gunicorn stopped before serving")
        try:
            if _call(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start serving")


def test_gunicorn_as_shipped_logs_no_chat_id_only_the_route_pattern(database_url, tmp_path):
    """gunicorn.conf.py as deployed: the chat id in the path must appear in no log line."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PHONE_HASH_KEY": PHONE_HASH_KEY,
        "AUDIT_KEY": "hardening-audit-key",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    output = tmp_path / "server.log"
    with output.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_serving(base, server)
            status, body = _call(f"{base}/api/chat", "POST", {"language": "en"})
            assert status == 201
            chat_id = json.loads(body)["id"]
            assert _call(f"{base}/api/chat/{chat_id}/messages", "POST", {"text": "yes"})[0] == 200
            assert _call(f"{base}/api/chat/{chat_id}")[0] == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
    logged = output.read_text()
    assert chat_id not in logged, logged
    assert '"route": "/api/chat/<token>"' in logged, logged


def test_make_run_turns_on_no_access_log():
    planned = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "gunicorn" in planned
    assert "access-log" not in planned and "access_log" not in planned


def test_no_log_call_in_the_code_names_the_requested_path():
    """Paths can hold ids; what is logged names the route pattern (``request.url_rule``)."""
    offending = []
    for source in (ROOT / "bot").rglob("*.py"):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            logs = re.search(r"\blog(ger)?\.(debug|info|warning|error|exception|critical)\(", line)
            if logs and re.search(r"request\.(path|full_path|url|base_url|args)\b", line):
                offending.append(f"{source.relative_to(ROOT)}:{number}")
    assert offending == []


def test_an_error_report_carries_no_chat_id():
    chat_id = "uRh9_zyxddhMVDR1UX8M-gZHICmyTK94"
    event = {"request": {"url": f"https://check.example/api/chat/{chat_id}", "method": "GET"}}
    assert chat_id not in repr(scrub(event))


@pytest.fixture
def fixed_clock(monkeypatch):
    """``clock.now`` at a moment the test moves by hand."""
    moment = {"now": START}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


def _start_chat(client) -> str:
    response = client.post("/api/chat", json={"language": "en"})
    assert response.status_code == 201
    return response.get_json()["id"]


def test_a_transcript_opens_until_a_day_after_its_last_message_then_is_unknown(client, fixed_clock):
    chat_id = _start_chat(client)
    fixed_clock["now"] = START + timedelta(hours=5)
    assert client.post(f"/api/chat/{chat_id}/messages", json={"text": "yes"}).status_code == 200
    last_message = fixed_clock["now"]

    fixed_clock["now"] = last_message + IDLE_EXPIRY - timedelta(seconds=1)
    assert client.get(f"/api/chat/{chat_id}").status_code == 200

    fixed_clock["now"] = last_message + IDLE_EXPIRY + timedelta(seconds=1)
    expired = client.get(f"/api/chat/{chat_id}")
    unknown = client.get("/api/chat/" + "x" * len(chat_id))
    assert expired.status_code == 404
    assert expired.get_json() == unknown.get_json()


def test_an_expired_chat_cannot_be_revived_by_posting_to_it(client, fixed_clock):
    chat_id = _start_chat(client)
    client.post(f"/api/chat/{chat_id}/messages", json={"text": "yes"})
    fixed_clock["now"] = START + IDLE_EXPIRY + timedelta(minutes=1)
    posted = client.post(f"/api/chat/{chat_id}/messages", json={"text": "possession"})
    assert posted.status_code == 404
    assert client.get(f"/api/chat/{chat_id}").status_code == 404


def test_the_county_page_stops_showing_a_chat_a_day_after_its_last_message(client, fixed_clock):
    chat_id = _start_chat(client)
    client.set_cookie(CHAT_COOKIE, chat_id)
    fixed_clock["now"] = START + timedelta(hours=23)
    assert chat_id in client.get("/").get_data(as_text=True)
    fixed_clock["now"] = START + IDLE_EXPIRY + timedelta(seconds=1)
    page = client.get("/").get_data(as_text=True)
    assert chat_id not in page
    assert "Was your weed case in Sacramento County?" not in page
