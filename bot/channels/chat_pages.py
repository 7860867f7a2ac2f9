"""The county page with the chat, working as plain HTML forms when scripts are off.

The resident's chat id (itself unguessable) is kept in a cookie of its own that lasts as long
as an unfinished chat does (staff sessions time out sooner); every form posts, the server
runs the same service as the JSON API, then redirects back (post, redirect, get).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from bot.channels.chat_api import (
    CHANNEL,
    CHAT_COOKIE,
    CHAT_MESSAGES,
    NEW_CHATS,
    chat_key,
    transcript_json,
)
from bot.core.conversation import catalog
from bot.core.eligibility import OFFICES
from bot.service import turns
from bot.web.i18n import current_language
from bot.web.limits import client_address, rate_limited
from bot.web.surfaces import Surface

bp = Blueprint("pages", __name__)
SURFACE = Surface(blueprint=bp, prefixes=("/chat", "/privacy", "/widget.js"))
CHAT_COOKIE_AGE = int(turns.IDLE_EXPIRY.total_seconds())


def _chat() -> dict[str, Any] | None:
    token = request.cookies.get(CHAT_COOKIE)
    found = turns.conversation(CHANNEL, token) if token else None
    return transcript_json(found) if found is not None else None


def _language() -> str:
    chosen = request.form.get("language", "")
    return chosen if chosen in catalog.LANGUAGES else current_language()


def _back_to_chat(token: str) -> Response:
    response = redirect(url_for("pages.home", _anchor="chat"), code=303)
    response.set_cookie(
        CHAT_COOKIE,
        token,
        max_age=CHAT_COOKIE_AGE,
        secure=not (current_app.debug or current_app.testing),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/")
def home() -> Response:
    """What the check is, both offices' numbers, and the chat."""
    chat = _chat()
    response = make_response(render_template("home.html", chat=chat, max_input=turns.MAX_INPUT))
    response.vary.add("Cookie")  # the chat cookie decides what the page shows
    if chat is not None:
        response.cache_control.no_store = True  # a resident's conversation: never cached
    return response


def _start() -> str:
    token = turns.start(CHANNEL, _language()).token
    assert token is not None
    return token


@bp.post("/chat/start")
@rate_limited(NEW_CHATS, key=client_address, scope="new-chats")
def chat_start() -> Response:
    """Start a check without JavaScript."""
    return _back_to_chat(_start())


@bp.post("/chat/say")
@rate_limited(CHAT_MESSAGES, key=chat_key, scope="chat-messages")
def chat_say() -> Response:
    """One answer without JavaScript (a choice button or the text box)."""
    token = request.cookies.get(CHAT_COOKIE)
    text = request.form.get("text", "")
    answer = turns.receive(CHANNEL, turns.Inbound(text=text, token=token)) if token else None
    return _back_to_chat(token if answer is not None and token else _start())


@bp.get("/privacy")
def privacy() -> str:
    """What is stored, who sees it, for how long, and how to have it deleted."""
    return render_template(
        "privacy.html",
        retention_days=current_app.config["RETENTION_DAYS"],
    )


@cache
def _widget_source(folder: str) -> str:
    """The widget script with the Public Defender's number from the policy data, for its
    "call us" message when the service cannot be reached; read once."""
    source = (Path(folder) / "widget.js").read_text(encoding="utf-8")
    return source.replace("{{ help_phone }}", OFFICES["public_defender"].phone)


@bp.get("/widget.js")
def widget() -> Response:
    """One script tag embeds the chat in any county page."""
    folder = current_app.static_folder
    assert folder is not None
    response = Response(_widget_source(folder), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
