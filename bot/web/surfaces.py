"""The parts of the site, each declared by its own module: its blueprint and how the web layer
treats it (how errors look, CSRF, a fixed page language, headers it always gets).

The app registers every surface in one loop (``register``); the error handlers, the security
headers and the page language then ask ``current()`` instead of testing URL prefixes, so a new
channel declares itself and touches no other module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app, request

from bot.web.extensions import csrf

#: How a surface answers an error: (status, message, the field at fault) -> a Flask response.
ErrorAnswer = Callable[[int, str, str | None], Any]
EXTENSION = "surfaces"


@dataclass(frozen=True)
class Surface:
    blueprint: Blueprint
    # Paths it answers under, so an error raised before routing (404, 405) is still answered in
    # its format.
    prefixes: tuple[str, ...]
    errors: ErrorAnswer | None = None  # None: the county's error page
    csrf: bool = True  # False for webhooks signed by Twilio and JSON APIs without cookies
    language: str | None = None  # a fixed page language (staff pages are in English)
    headers: Mapping[str, str] = field(default_factory=dict)  # set on every answer, always

    def owns(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)


def register(app: Flask, surfaces: Iterable[Surface]) -> None:
    """Register each surface's blueprint, with CSRF unless it declares otherwise."""
    registered = list(surfaces)
    for surface in registered:
        if not surface.csrf:
            csrf.exempt(surface.blueprint)
        app.register_blueprint(surface.blueprint)
    by_name = {surface.blueprint.name: surface for surface in registered}
    app.extensions[EXTENSION] = (by_name, registered)


def current() -> Surface | None:
    """The surface serving this request: by its blueprint, else by the path it asked for."""
    by_name, registered = current_app.extensions[EXTENSION]
    asked = request._get_current_object()  # type: ignore[attr-defined]  # one context lookup
    found = by_name.get(asked.blueprint)
    if found is not None:
        return found
    path = asked.path
    for surface in registered:
        if surface.owns(path):
            return surface
    return None
