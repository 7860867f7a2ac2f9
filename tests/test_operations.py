"""What operators rely on: delivery reports, metrics across workers, the Twilio hookup command."""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

from sqlalchemy import select

from bot.storage.db import db
from bot.storage.models import Message
from tests.channels.test_sms_webhook import finish_possession_check
from tests.conftest import make_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from load import Server


def action_of(twiml: bytes) -> str:
    return ElementTree.fromstring(twiml).find("Message").get("action")


def test_each_reply_asks_twilio_to_report_its_delivery(texter):
    action = action_of(texter.send("hi").data)
    assert re.fullmatch(r"http://localhost/sms/status\?reply=\d+", action)


def test_a_delivery_report_is_recorded_with_its_error_code(texter, app):
    action = action_of(texter.send("hi").data)
    report = {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30006"}
    signed = texter.client.post(
        action.removeprefix("http://localhost"),
        data=report,
        headers={"X-Twilio-Signature": sign(action, report)},
    )
    assert signed.status_code == 200
    with app.app_context():
        reply = db.session.scalars(select(Message).where(Message.direction == "out")).one()
    assert (reply.delivery_status, reply.error_code) == ("undelivered", "30006")


def test_an_unsigned_delivery_report_is_refused(texter, app):
    action = action_of(texter.send("hi").data)
    response = texter.client.post(
        action.removeprefix("http://localhost"), data={"MessageStatus": "failed"}
    )
    assert response.status_code == 403
    with app.app_context():
        reply = db.session.scalars(select(Message).where(Message.direction == "out")).one()
    assert reply.delivery_status is None


def sign(url: str, params: dict[str, str]) -> str:
    from twilio.request_validator import RequestValidator

    from tests.conftest import AUTH_TOKEN

    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)


def test_metrics_need_the_token(database_url):
    app = make_app(database_url, METRICS_TOKEN="s3cret")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_metrics_count_checks_completed_across_workers(database_url, tmp_path):
    counts = tmp_path / "metrics"  # only metric files may live there
    counts.mkdir()
    server = Server(database_url, METRICS_TOKEN="s3cret", PROMETHEUS_MULTIPROC_DIR=str(counts))
    base = f"http://127.0.0.1:{server.port}"
    try:
        for _ in range(6):
            chat = post_json(f"{base}/api/chat", {})
            for answer in ("other", "something else"):
                post_json(f"{base}/api/chat/{chat['id']}/messages", {"text": answer})
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": "Bearer s3cret"}
        )
        text = urllib.request.urlopen(request, timeout=10).read().decode()
    finally:
        server.stop()
    line = next(
        line
        for line in text.splitlines()
        if line.startswith("recordcheck_checks_completed_total{")
        and 'outcome="not_eligible"' in line
        and 'channel="web"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == 6.0


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def test_a_finished_sms_check_counts_once(texter, app):
    finish_possession_check(texter)
    app.config["METRICS_TOKEN"] = "t"
    body = texter.client.get("/metrics", headers={"Authorization": "Bearer t"}).data.decode()
    assert (
        'recordcheck_checks_completed_total{channel="sms",office="district_attorney",outcome="dismiss"}'
        in body
    )


def test_twilio_setup_dry_run_from_the_command_line_needs_credentials(app):
    result = app.test_cli_runner().invoke(
        args=[
            "twilio-setup",
            "--number",
            "+19165550100",
            "--base-url",
            "https://x.gov",
            "--dry-run",
        ]
    )
    assert result.exit_code != 0
    assert "TWILIO_ACCOUNT_SID" in result.output


def test_error_reports_carry_nothing_personal():
    from bot.web.error_reports import scrub

    event = {
        "request": {
            "url": "https://check.example/sms",
            "data": {"From": "+19165550123", "Body": "I had weed"},
            "cookies": {"session": "x"},
            "headers": {"Cookie": "x", "X-Twilio-Signature": "y", "User-Agent": "TwilioProxy"},
        },
        "user": {"ip_address": "1.2.3.4"},
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"phone": "+1916"}}]}}]},
    }
    scrubbed = scrub(event)
    assert "+19165550123" not in repr(scrubbed) and "weed" not in repr(scrubbed)
    assert "+1916" not in repr(scrubbed) and "user" not in scrubbed
    assert scrubbed["request"]["headers"] == {"User-Agent": "TwilioProxy"}
