"""One input limit for every channel, applied by the service; transcripts never cached."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import func, select

from bot.channels.chat_api import CHAT_COOKIE
from bot.service.channel import Channel
from bot.service.turns import MAX_INPUT
from bot.storage.db import db
from bot.storage.models import Message
from tests.support.caller import Caller
from tests.support.paths import ROOT


def page_form(client, path: str, **fields: str) -> None:
    """Post one of the county page's forms with the page's CSRF token."""
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(path, data={"csrf_token": token.group(1), **fields})
    assert response.status_code == 303


def longest_stored(app) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(func.max(func.length(Message.body))).where(Message.direction == "in")
        )
    return int(found or 0)


def test_the_limit_is_one_value_and_no_channel_declares_its_own():
    assert MAX_INPUT == 1600  # what Twilio delivers at most, and the form's cap
    assert "max_input" not in {field.name for field in dataclasses.fields(Channel)}


def test_sixty_thousand_characters_to_the_chat_api_store_the_limit_and_no_more(app, client):
    chat = client.post("/api/chat").get_json()
    response = client.post(f"/api/chat/{chat['id']}/messages", json={"text": "a" * 60_000})
    assert response.status_code == 200
    assert longest_stored(app) == MAX_INPUT


def test_a_long_text_message_is_cut_at_the_same_limit(app, texter):
    texter.text("b" * 5000)
    assert longest_stored(app) == MAX_INPUT


def test_the_page_form_without_scripts_is_cut_at_the_same_limit(app, client):
    page_form(client, "/chat/start", language="en")
    page_form(client, "/chat/say", text="c" * 5000)
    assert longest_stored(app) == MAX_INPUT


def test_every_text_box_allows_exactly_the_limit(client):
    page_form(client, "/chat/start", language="en")
    page = client.get("/").get_data(as_text=True)
    script = (ROOT / "static" / "chat.js").read_text()
    boxes = re.findall(r'maxlength="([^"]*)"', page) + re.findall(
        r'var MAX_INPUT = "(\d+)"', script
    )
    assert len(boxes) == 2 and set(boxes) == {str(MAX_INPUT)}
    assert re.findall(r"maxlength: (\w+)", script) == ["MAX_INPUT"]


def test_every_answer_that_shows_a_transcript_is_never_cached(client):
    started = client.post("/api/chat")
    chat_id = started.get_json()["id"]
    said = client.post(f"/api/chat/{chat_id}/messages", json={"text": "yes"})
    read = client.get(f"/api/chat/{chat_id}")
    client.set_cookie(CHAT_COOKIE, chat_id)
    page = client.get("/")
    assert chat_id in page.get_data(as_text=True)
    for response in (started, said, read, page):
        assert response.status_code in (200, 201)
        assert "no-store" in response.headers.get("Cache-Control", ""), response.request.path


def test_what_a_caller_says_is_cut_at_the_same_limit(app, client):
    caller = Caller(client)
    caller.call()
    caller.press("1")
    caller.say("d" * 5000)
    assert longest_stored(app) == MAX_INPUT
