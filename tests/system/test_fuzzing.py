"""Hostile and malformed input never gets a 5xx or a stack trace (property-based)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.caller import Caller
from tests.support.texter import Texter

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    [
        "'; DROP TABLE message; --",
        "<script>alert(1)</script>",
        "\x00",
        "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        "🙂" * 400,
        "STOP",
        "BACK",
        "RESTART",
        "x" * 5000,
    ]
)
TEXT = st.one_of(st.text(max_size=300), NASTY)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


def no_crash(response) -> None:
    assert response.status_code < 500, response.data[:300]
    assert b"Traceback" not in response.data


@FUZZ
@given(body=TEXT, sender=TEXT, media=TEXT)
def test_signed_webhooks_with_any_fields_get_twiml_and_no_error(client, body, sender, media):
    texter = Texter(client, phone=sender or "+19165550123")
    params = texter.params(body)
    params["NumMedia"] = media
    response = texter.post(params)
    no_crash(response)
    assert response.mimetype == "text/xml"


@FUZZ
@given(
    sender=TEXT,
    digits=TEXT,
    finished=TEXT,
    speech=TEXT,
    confidence=TEXT,
    at=st.sampled_from(["county", "offense", "conviction_year", "age_at_offense", "menu", "menu4"]),
)
def test_signed_call_webhooks_with_any_fields_get_twiml_and_no_error(
    client, sender, digits, finished, speech, confidence, at
):
    caller = Caller(client, phone=sender)
    no_crash(caller.post("/voice"))
    fields = {
        "Digits": digits,
        "FinishedOnKey": finished,
        "SpeechResult": speech,
        "Confidence": confidence,
    }
    response = caller.post(f"/voice/step?n=1&at={at}&lang=en", fields)
    no_crash(response)
    assert response.mimetype == "text/xml"


@FUZZ
@given(
    raw=st.binary(max_size=400),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain",
            "multipart/form-data",
        ]
    ),
)
def test_raw_bytes_to_the_webhook_are_refused_cleanly(client, raw, content_type):
    response = client.post("/sms", data=raw, content_type=content_type)
    no_crash(response)
    assert response.status_code in (400, 403)


@FUZZ
@given(payload=JSONISH)
def test_any_json_to_the_chat_api_is_handled(client, payload):
    chat = client.post("/api/chat").get_json()
    no_crash(client.post("/api/chat", data=json.dumps(payload), content_type="application/json"))
    response = client.post(
        f"/api/chat/{chat['id']}/messages",
        data=json.dumps(payload),
        content_type="application/json",
    )
    no_crash(response)
    no_crash(
        client.post("/api/eligibility", data=json.dumps(payload), content_type="application/json")
    )


@FUZZ
@given(text=TEXT)
def test_any_text_in_the_chat_gets_an_answer(client, text):
    chat = client.post("/api/chat").get_json()
    response = client.post(f"/api/chat/{chat['id']}/messages", json={"text": text})
    no_crash(response)
    assert response.status_code == 200
    assert response.get_json()["messages"], "the resident always gets a reply"


@FUZZ
@given(raw=st.binary(max_size=300))
def test_invalid_utf8_and_garbage_bodies_to_the_api_are_400(client, raw):
    for path in ("/api/chat", "/api/eligibility"):
        response = client.post(path, data=raw, content_type="application/json")
        no_crash(response)


def test_huge_bodies_are_refused_without_an_error(client):
    big = "x" * (200 * 1024)
    response = client.post(
        "/api/chat", data=json.dumps({"text": big}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.is_json
    sms = client.post("/sms", data={"Body": big})
    assert sms.status_code in (403, 413)
    assert sms.mimetype == "text/xml"


def test_nul_characters_and_lone_surrogates_are_stored_safely(client, texter):
    assert texter.send("yes\x00 please").status_code == 200
    chat = client.post("/api/chat").get_json()
    response = client.post(
        f"/api/chat/{chat['id']}/messages",
        data='{"text": "\\u0000\\ud800 idk"}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get(f"/api/chat/{chat['id']}\x00").status_code < 500
