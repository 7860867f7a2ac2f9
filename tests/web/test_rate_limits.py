"""Rate limits residents meet: brisk texting is fine, a flood is slowed politely, never with 5xx."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bot import clock
from tests.support.apps import make_app
from tests.support.texter import Texter, reply_text


@pytest.fixture
def limited_app(database_url):
    return make_app(database_url, RATELIMIT_ENABLED=True)


def test_forty_texts_a_minute_are_answered_then_one_polite_reply_then_silence(limited_app):
    texter = Texter(limited_app.test_client())
    replies = [texter.text(str(n % 3 + 1)) for n in range(40)]
    assert all(replies), "every brisk text gets its answer"
    over = texter.send("yes")
    assert over.status_code == 200
    assert "wait a minute" in reply_text(over.data)
    for _ in range(3):
        again = texter.send("yes")
        assert again.status_code == 200
        assert reply_text(again.data) == ""


def test_texts_over_the_limit_change_nothing_and_a_new_minute_is_answered(limited_app, monkeypatch):
    texter = Texter(limited_app.test_client())
    for _ in range(40):
        assert texter.text("hi")
    assert "wait a minute" in texter.text("yes")
    assert texter.text("no") == ""
    later = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "Sacramento County?" in texter.text("hi"), "the flood's texts were not taken as answers"


def test_a_spanish_speaker_is_asked_to_slow_down_in_spanish(limited_app):
    texter = Texter(limited_app.test_client())
    assert "Condado de Sacramento" in texter.text("ES")
    for _ in range(39):
        assert texter.text("hola")
    assert "Espere un minuto" in texter.text("hola")


def test_one_number_over_its_limit_does_not_slow_another(limited_app):
    busy = Texter(limited_app.test_client(), phone="+19165550111")
    for _ in range(41):
        busy.send("hi")
    calm = Texter(limited_app.test_client(), phone="+19165550122")
    assert "Sacramento County?" in calm.text("hi")


def test_new_chats_are_limited_per_address_with_a_json_429(limited_app):
    client = limited_app.test_client()
    for _ in range(60):
        assert client.post("/api/chat").status_code == 201
    response = client.post("/api/chat")
    assert response.status_code == 429
    assert "error" in response.get_json()
    other = client.post("/api/chat", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 201


def test_the_text_limit_is_shared_by_workers_without_redis(database_url):
    first = make_app(database_url, RATELIMIT_ENABLED=True)
    second = make_app(database_url, RATELIMIT_ENABLED=True)
    for n in range(40):
        app = first if n % 2 else second
        assert Texter(app.test_client()).text("hi")
    over = Texter(first.test_client()).send("hi")
    assert "wait a minute" in reply_text(over.data)


def test_chat_limits_are_shared_by_workers_through_redis(database_url):
    prefix = f"test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_ENABLED": True, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    first = make_app(database_url, RATELIMIT_KEY_PREFIX=prefix, **settings)
    second = make_app(database_url, RATELIMIT_KEY_PREFIX=prefix, **settings)
    for n in range(60):
        app = first if n % 2 else second
        assert app.test_client().post("/api/chat").status_code == 201
    assert second.test_client().post("/api/chat").status_code == 429


def test_limits_can_be_turned_off_for_load_tests(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=False)
    texter = Texter(app.test_client())
    assert all(texter.text("hi") for _ in range(45))


def test_twilio_retrying_an_answered_text_during_a_flood_gets_the_first_answer(limited_app):
    texter = Texter(limited_app.test_client())
    first = texter.params("hi")
    answered = reply_text(texter.post(first).data)
    assert "Sacramento County?" in answered
    for _ in range(45):
        texter.send("yes")
    retry = texter.post(first)
    assert retry.status_code == 200
    assert reply_text(retry.data) == answered
