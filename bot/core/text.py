"""What a resident typed, made storable: the one cleaning every channel applies."""

from __future__ import annotations


def clean_text(text: str) -> str:
    """No NUL characters (PostgreSQL refuses them), no lone surrogates (nothing encodes them)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
