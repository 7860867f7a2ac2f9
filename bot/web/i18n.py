"""Page language: English or Spanish, chosen by the resident, else by the browser.

Page wording is translated with Flask-Babel (``translations/``); the conversation's own
messages live in ``bot/core/conversation/messages``. Staff pages stay in English.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from bot.core.conversation.catalog import DEFAULT_LANGUAGE, LANGUAGES
from bot.core.eligibility import OFFICES
from bot.web import surfaces

babel = Babel()
SESSION_KEY = "lang"


def select_language() -> str:
    """``?lang=`` (remembered), then the resident's earlier choice, then Accept-Language."""
    surface = surfaces.current()
    if surface is not None and surface.language is not None:
        return surface.language
    chosen = request.args.get("lang", "")
    if chosen in LANGUAGES:
        session[SESSION_KEY] = chosen
        return chosen
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def init_app(app: Flask) -> None:
    babel.init_app(
        app, locale_selector=select_language, default_translation_directories="translations"
    )
    app.jinja_env.globals["current_language"] = current_language
    # Pages print the offices' numbers from the policy data, never their own copy. Not named
    # ``offices``: views already pass a list by that name, which would hide a global.
    app.jinja_env.globals["county_offices"] = OFFICES
