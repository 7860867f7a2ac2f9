"""The county page with the chat, working as plain HTML forms when scripts are off.

The resident's chat id (itself unguessable) is kept in a cookie of its own that lasts as long
as an unfinished chat does (staff sessions time out sooner); every form posts, the server
runs the same store functions as the JSON API, then redirects back (post, redirect, get).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response

from bot.channels.chat_api import state_json
from bot.core.conversation import catalog
from bot.core.eligibility import OFFICES
from bot.storage import conversations
from bot.storage import transactions as store
from bot.web import metrics
from bot.web.i18n import current_language

bp = Blueprint("pages", __name__)
CHAT_COOKIE = "record_check_chat"
CHAT_COOKIE_AGE = int(store.IDLE_EXPIRY.total_seconds())
MAX_TEXT = 1000


def _chat() -> dict[str, Any] | None:
    token = request.cookies.get(CHAT_COOKIE)
    found = conversations.chat_transcript(token) if token else None
    if found is None:
        return None
    view, messages = found
    turns = [{"from": "resident" if way == "in" else "bot", "text": t} for way, t in messages]
    return {"id": view.token, "messages": turns, **state_json(view.state)}


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
def home() -> str:
    """What the check is, both offices' numbers, and the chat."""
    return render_template("home.html", offices=OFFICES.values(), chat=_chat())


@bp.post("/chat/start")
def chat_start() -> Response:
    """Start a check without JavaScript."""
    return _back_to_chat(conversations.start_chat(_language()).token)


@bp.post("/chat/say")
def chat_say() -> Response:
    """One answer without JavaScript (a choice button or the text box)."""
    token = request.cookies.get(CHAT_COOKIE)
    text = request.form.get("text", "")[:MAX_TEXT]
    view = conversations.post_chat(token, text) if token else None
    if view is None:
        view = conversations.start_chat(_language())
    elif view.completed:
        metrics.check_completed(view.state.decision, "web")
    return _back_to_chat(view.token)


@bp.get("/privacy")
def privacy() -> str:
    """What is stored, who sees it, for how long, and how to have it deleted."""
    return render_template(
        "privacy.html",
        offices=OFFICES.values(),
        retention_days=current_app.config["RETENTION_DAYS"],
    )


@bp.get("/widget.js")
def widget() -> Response:
    """One script tag embeds the chat in any county page."""
    response = send_from_directory(current_app.static_folder, "widget.js", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
