"""Errors carry their HTTP status; one handler per surface turns them into JSON, TwiML or a page.

Residents and Twilio never see a stack trace: anything unexpected is logged (without personal
data) and answered with a plain 500 in the surface's own format.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from bot.storage.db import db

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


class ServiceUnavailableError(Exception):
    """The database (or another service we need) did not answer; nothing was written."""


class ApiError(Exception):
    """A problem with an API request, answered as ``{"error": ..., "field": ...}``."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def _answer(status: int, message: str, field: str | None = None) -> Response | tuple:
    path = request.path
    if path.startswith("/sms"):
        return Response(EMPTY_TWIML, status=status, mimetype="text/xml")
    if path.startswith("/api") or path == "/healthz":
        body: dict[str, str] = {"error": message}
        if field is not None:
            body["field"] = field
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return _answer(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _answer(error.code or 500, error.description or error.name)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(ServiceUnavailableError)
    def database_unavailable(error: Exception):
        db.session.rollback()
        cause = getattr(error, "orig", None) or error.__cause__ or error
        log.error("database error: %s", type(cause).__name__)
        return _answer(503, "The service is busy or down for a moment. Please try again soon.")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _answer(500, "Something went wrong on our side. Please try again.")
