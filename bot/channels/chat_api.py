"""The web chat channel and its JSON API, on the same engine and service as SMS.

The channel is declared here (``CHANNEL``) and shared by the county page's plain-HTML chat
(``chat_pages``): each turn is chat bubbles, HELP is followed by the question, STOP only ends
the chat (there is no number to opt out). The API answers errors in JSON and takes no CSRF
token (no cookies: the chat id is the credential).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from bot.core.conversation import catalog
from bot.core.conversation.engine import ChannelTraits, State, Turn
from bot.service import turns
from bot.service.channel import Channel
from bot.web.errors import ApiError, json_error
from bot.web.limits import client_address, opaque, rate_limited
from bot.web.surfaces import Surface

bp = Blueprint("chat", __name__, url_prefix="/api")
NEW_CHATS = "60 per minute"  # per address: a library's shared address still works
CHAT_MESSAGES = "60 per minute"  # per chat
CHAT_COOKIE = "record_check_chat"  # the county page's chat id, when scripts are off


def render(turn: Turn) -> list[str]:
    """Each part its own bubble, then the question (the page shows its choices as buttons)."""
    if turn.silent:
        return []
    return [*turn.parts, *([turn.ask.text] if turn.ask is not None else [])]


CHANNEL = Channel(
    traits=ChannelTraits(name="web", records_opt_out=False, help_alone=False),
    label="Web chat",
    render=render,
)
# Every answer shows a conversation, or says whether an id opens one: never kept by a cache.
SURFACE = Surface(
    blueprint=bp,
    prefixes=("/api",),
    errors=json_error,
    csrf=False,
    headers={"Cache-Control": "no-store"},
)


def chat_key() -> str:
    """Messages are limited per chat (the id in the URL, or the page's chat cookie)."""
    token = (request.view_args or {}).get("token") or request.cookies.get(CHAT_COOKIE)
    return opaque(token) if token else client_address()


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


def transcript_json(found: turns.Conversation) -> dict[str, Any]:
    """The whole chat, both sides in order, and where it stands."""
    said = [
        {"from": "resident" if way == "in" else "bot", "text": text} for way, text in found.messages
    ]
    return {"id": found.token, "messages": said, **state_json(found.state)}


@bp.post("/chat")
@rate_limited(NEW_CHATS, key=client_address, scope="new-chats")
def start_chat() -> Any:
    """Start a check: the welcome and the first question."""
    answer = turns.start(CHANNEL, _language(json_object(required=False)))
    assert answer.state is not None
    body = {"id": answer.token, "messages": _bot(answer.said), **state_json(answer.state)}
    return jsonify(body), 201


@bp.post("/chat/<token>/messages")
@rate_limited(CHAT_MESSAGES, key=chat_key, scope="chat-messages")
def post_message(token: str) -> Any:
    """The resident's answer (free text or a choice's value); the bot's new messages."""
    data = json_object(required=True)
    text = data.get("text")
    if not isinstance(text, str):
        raise ApiError("text must be a string.", field="text")
    answer = turns.receive(CHANNEL, turns.Inbound(text=text, token=token))
    if answer is None or answer.state is None:
        raise ApiError("No chat with this id.", status=404)
    return jsonify({"id": token, "messages": _bot(answer.said), **state_json(answer.state)})


@bp.get("/chat/<token>")
def transcript(token: str) -> Any:
    """The whole conversation, both sides, and where it stands."""
    found = turns.conversation(CHANNEL, token)
    if found is None:
        raise ApiError("No chat with this id.", status=404)
    return jsonify(transcript_json(found))
