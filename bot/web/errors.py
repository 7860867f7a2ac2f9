"""Errors carry their HTTP status; one handler turns them into the answer of the surface that
raised them: TwiML for a webhook, JSON for an API, a page elsewhere (``bot.web.surfaces``).

Residents and Twilio never see a stack trace: anything unexpected is logged (without personal
data) and answered with a plain 500 in the surface's own format.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from bot.storage.db import db
from bot.storage.transactions import ServiceUnavailableError
from bot.web import surfaces

log = logging.getLogger(__name__)
BUSY = "The service is busy or down for a moment. Please try again soon."

__all__ = ["ApiError", "ServiceUnavailableError", "json_error", "register"]


class ApiError(Exception):
    """A problem with an API request, answered as ``{"error": ..., "field": ...}``."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def json_error(status: int, message: str, field: str | None = None) -> Any:
    """The JSON APIs' error: ``{"error": "...", "field": "<id>"}`` with the status."""
    body: dict[str, str] = {"error": message}
    if field is not None:
        body["field"] = field
    return jsonify(body), status


def page_error(status: int, message: str, field: str | None = None) -> Any:
    return render_template("error.html", status=status, message=message), status


def _answer(status: int, message: str, field: str | None = None) -> Any:
    surface = surfaces.current()
    answer = surface.errors if surface is not None and surface.errors is not None else page_error
    return answer(status, message, field)


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Any:
        return _answer(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return _answer(error.code or 500, error.description or error.name)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(ServiceUnavailableError)
    def database_unavailable(error: Exception) -> Any:
        db.session.rollback()
        cause = getattr(error, "orig", None) or error.__cause__ or error
        log.error("database error: %s", type(cause).__name__)
        return _answer(503, BUSY)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        db.session.rollback()
        route = request.url_rule.rule if request.url_rule else "(unmatched)"
        log.exception("unexpected error on %s %s", request.method, route)  # the pattern: no ids
        return _answer(500, "Something went wrong on our side. Please try again.")
