"""The county page with the chat, working as plain HTML forms when scripts are off.

The resident's chat id is kept in their signed session cookie; every form posts, the server
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
    session,
    url_for,
)
from werkzeug.wrappers import Response

from bot import store
from bot.channels.chat import state_json
from bot.conversation import catalog
from bot.eligibility import OFFICES
from bot.i18n import current_language

bp = Blueprint("pages", __name__)
SESSION_KEY = "chat"
MAX_TEXT = 1000


def _chat() -> dict[str, Any] | None:
    token = session.get(SESSION_KEY)
    found = store.chat_transcript(token) if token else None
    if found is None:
        return None
    view, messages = found
    turns = [{"from": "resident" if way == "in" else "bot", "text": t} for way, t in messages]
    return {"id": view.token, "messages": turns, **state_json(view.state)}


def _language() -> str:
    chosen = request.form.get("language", "")
    return chosen if chosen in catalog.LANGUAGES else current_language()


def _back_to_chat() -> Response:
    return redirect(url_for("pages.home", _anchor="chat"), code=303)


@bp.get("/")
def home() -> str:
    """What the check is, both offices' numbers, and the chat."""
    return render_template("home.html", offices=OFFICES.values(), chat=_chat())


@bp.post("/chat/start")
def chat_start() -> Response:
    """Start a check without JavaScript."""
    session[SESSION_KEY] = store.start_chat(_language()).token
    return _back_to_chat()


@bp.post("/chat/say")
def chat_say() -> Response:
    """One answer without JavaScript (a choice button or the text box)."""
    token = session.get(SESSION_KEY)
    text = request.form.get("text", "")[:MAX_TEXT]
    if not token or store.post_chat(token, text) is None:
        session[SESSION_KEY] = store.start_chat(_language()).token
    return _back_to_chat()


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
