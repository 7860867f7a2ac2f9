"""The web chat JSON API (SPEC section 6), on the same engine and store as SMS."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from bot.core.conversation import catalog
from bot.core.conversation.engine import State
from bot.storage import conversations
from bot.web import metrics
from bot.web.errors import ApiError

bp = Blueprint("chat", __name__, url_prefix="/api")


@bp.after_request
def allow_embedding_sites(response: Response) -> Response:
    """CORS for the county sites in EMBED_ORIGINS only: the widget works there, nowhere else."""
    origin = request.headers.get("Origin")
    if request.path.startswith("/api/chat") and origin in current_app.config["EMBED_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers.add("Vary", "Origin")
    return response


def json_object(required: bool) -> dict[str, Any]:
    """The request's JSON object; a body that is not one is a 400."""
    if not request.get_data(cache=True) and not required:
        return {}
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError("The body must be a JSON object.")
    return data


def state_json(state: State) -> dict[str, Any]:
    """Where the chat stands: the open question or the result, and the answers heard."""
    body: dict[str, Any] = {
        "question": None,
        "done": state.done,
        "answers": dict(state.answers),
        "language": state.language,
        # Words for the page and widget to show; the contract's keys above stay machine values.
        "display": {"answered": catalog.answered(state.language, state.answers)},
    }
    if state.question is not None and not state.done:
        body["question"] = catalog.question(state.language, state.question).as_json()
    decision = state.decision
    if decision is not None:
        body["result"] = {**decision.as_json(), "reference": state.reference}
        body["display"]["outcome"] = catalog.outcome_text(state.language, decision.outcome)
        body["display"]["office"] = catalog.office_name(state.language, decision.office.id)
    return body


def _bot(texts: list[str]) -> list[dict[str, str]]:
    return [{"from": "bot", "text": text} for text in texts]


def _language(data: dict[str, Any]) -> str:
    if "language" not in data:
        return request.accept_languages.best_match(catalog.LANGUAGES) or catalog.DEFAULT_LANGUAGE
    language = data["language"]
    if language not in catalog.LANGUAGES:
        raise ApiError("language must be 'en' or 'es'.", field="language")
    return language


@bp.post("/chat")
def start_chat():
    """Start a check: the welcome and the first question."""
    view = conversations.start_chat(_language(json_object(required=False)))
    body = {"id": view.token, "messages": _bot(view.new_messages), **state_json(view.state)}
    return jsonify(body), 201


@bp.post("/chat/<token>/messages")
def post_message(token: str):
    """The resident's answer (free text or a choice's value); the bot's new messages."""
    data = json_object(required=True)
    text = data.get("text")
    if not isinstance(text, str):
        raise ApiError("text must be a string.", field="text")
    view = conversations.post_chat(token, text)
    if view is None:
        raise ApiError("No chat with this id.", status=404)
    if view.completed:
        metrics.check_completed(view.state.decision, "web")
    return jsonify(
        {"id": view.token, "messages": _bot(view.new_messages), **state_json(view.state)}
    )


@bp.get("/chat/<token>")
def transcript(token: str):
    """The whole conversation, both sides, and where it stands."""
    found = conversations.chat_transcript(token)
    if found is None:
        raise ApiError("No chat with this id.", status=404)
    view, messages = found
    turns = [{"from": "resident" if way == "in" else "bot", "text": text} for way, text in messages]
    return jsonify({"id": view.token, "messages": turns, **state_json(view.state)})
