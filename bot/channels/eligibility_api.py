"""``POST /api/eligibility``: the rules on a set of facts, for other programs. Stores nothing."""

from __future__ import annotations

from flask import Blueprint, jsonify

from bot import clock
from bot.channels.chat_api import json_object
from bot.core.eligibility import FactError, evaluate, validate_facts
from bot.web.errors import ApiError, json_error
from bot.web.surfaces import Surface

bp = Blueprint("eligibility", __name__, url_prefix="/api")
SURFACE = Surface(blueprint=bp, prefixes=("/api",), errors=json_error, csrf=False)


@bp.post("/eligibility")
def check():
    """Outcome, reasons and office for the facts given; missing facts count as unsure."""
    raw = json_object(required=True)
    try:
        facts = validate_facts(raw, clock.this_year())
    except FactError as error:
        raise ApiError(error.message, field=error.field) from error
    return jsonify(evaluate(facts).as_json())
