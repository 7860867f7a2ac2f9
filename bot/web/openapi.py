"""``GET /api/openapi.json``: the public API described for its users and for fuzzing tools."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from bot import clock
from bot.core.conversation.understanding import QUESTIONS
from bot.core.eligibility.facts import FACT_IDS, FACT_VALUES, FIRST_YEAR
from bot.web.errors import json_error
from bot.web.surfaces import Surface

bp = Blueprint("openapi", __name__, url_prefix="/api")
SURFACE = Surface(blueprint=bp, prefixes=("/api",), errors=json_error, csrf=False)

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "field": {"type": "string"}},
}
OFFICE = {
    "type": "object",
    "required": ["id", "name", "phone"],
    "properties": {
        "id": {"type": "string", "enum": ["public_defender", "district_attorney"]},
        "name": {"type": "string"},
        "phone": {"type": "string"},
    },
}
DECISION = {
    "type": "object",
    "required": ["outcome", "reasons", "office"],
    "properties": {
        "outcome": {"type": "string", "enum": ["dismiss", "reduce", "review", "not_eligible"]},
        "reasons": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "office": OFFICE,
    },
}


def _fact_schema(fact_id: str) -> dict[str, Any]:
    if fact_id == "conviction_year":
        return {
            "oneOf": [
                {"type": "integer", "minimum": FIRST_YEAR, "maximum": clock.this_year()},
                {"type": "string", "enum": ["unsure"]},
            ]
        }
    return {"type": "string", "enum": list(FACT_VALUES[fact_id])}


def _chat_state() -> dict[str, Any]:
    question = {
        "type": "object",
        "nullable": True,
        "properties": {
            "id": {"type": "string", "enum": list(QUESTIONS)},
            "text": {"type": "string"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                },
            },
        },
    }
    return {
        "type": "object",
        "required": ["id", "messages", "question", "done", "answers"],
        "properties": {
            "id": {"type": "string"},
            "messages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["from", "text"],
                    "properties": {
                        "from": {"type": "string", "enum": ["bot", "resident"]},
                        "text": {"type": "string"},
                    },
                },
            },
            "question": question,
            "done": {"type": "boolean"},
            "answers": {"type": "object"},
            "result": {
                "allOf": [DECISION],
                "properties": {"reference": {"type": "string", "pattern": "^SAC-"}},
            },
        },
    }


def _responses(ok_status: str, ok_schema: dict[str, Any], *errors: str) -> dict[str, Any]:
    responses: dict[str, Any] = {
        ok_status: {"description": "OK", "content": {"application/json": {"schema": ok_schema}}}
    }
    for status in errors:
        responses[status] = {
            "description": "Error",
            "content": {"application/json": {"schema": ERROR}},
        }
    return responses


def document() -> dict[str, Any]:
    facts = {
        "type": "object",
        "additionalProperties": False,
        "properties": {fact_id: _fact_schema(fact_id) for fact_id in FACT_IDS},
    }
    chat_id = {"name": "chat_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Record Check API",
            "version": "1",
            "description": "Sacramento County Prop 64 self-check. Information, not legal advice.",
        },
        "paths": {
            "/api/eligibility": {
                "post": {
                    "summary": "The rules on a set of facts; stores nothing",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": facts}},
                    },
                    "responses": _responses("200", DECISION, "400"),
                }
            },
            "/api/chat": {
                "post": {
                    "summary": "Start a chat: the welcome and the first question",
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "language": {"type": "string", "enum": ["en", "es"]}
                                    },
                                }
                            }
                        },
                    },
                    "responses": _responses("201", _chat_state(), "400", "429"),
                }
            },
            "/api/chat/{chat_id}/messages": {
                "post": {
                    "summary": "The resident's answer; the bot's new messages",
                    "parameters": [chat_id],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "responses": _responses("200", _chat_state(), "400", "404", "429"),
                }
            },
            "/api/chat/{chat_id}": {
                "get": {
                    "summary": "The whole transcript and where the chat stands",
                    "parameters": [chat_id],
                    "responses": _responses("200", _chat_state(), "404"),
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI 3 description."""
    return jsonify(document())
