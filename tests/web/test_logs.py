"""Logs say what happened without saying who: no phone number, no message body."""

from __future__ import annotations

import json
import logging

from tests.support.texter import finish_possession_check


def test_a_whole_sms_check_logs_no_phone_number_and_no_message_body(texter, caplog):
    caplog.set_level(logging.DEBUG)
    finish_possession_check(texter)
    texter.send("hi", sid="SMforged").status_code  # noqa: B018
    logged = "\n".join(
        record.getMessage() + json.dumps(getattr(record, "fields", {})) for record in caplog.records
    )
    assert caplog.records, "requests are logged"
    for secret in ("+19165550123", "9165550123", "555-0123", "weed possession", "I was 25"):
        assert secret not in logged


def test_each_request_is_one_line_with_route_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="bot.requests")
    client.post("/api/chat")
    lines = [r for r in caplog.records if r.name == "bot.requests"]
    assert len(lines) == 1
    fields = lines[0].fields
    assert fields["route"] == "/api/chat" and fields["status"] == 201
    assert fields["duration_ms"] >= 0 and fields["request_id"]
