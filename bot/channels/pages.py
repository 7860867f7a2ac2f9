"""The county page with the chat (``GET /``)."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.eligibility import OFFICES

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    """What the check is, both offices' numbers, and the chat."""
    return render_template("home.html", offices=OFFICES.values())
