"""Every page text exists in Spanish, and the compiled catalogue matches its source."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.support.paths import ROOT

PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def page_texts() -> set[str]:
    found = extract_from_dir(str(ROOT), method_map=[("templates/*.html", "jinja2")], options_map={})
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_every_page_text_has_a_spanish_translation():
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id: m.string for m in catalogue if m.id}
    missing = sorted(text for text in page_texts() if not translated.get(text))
    assert not missing, f"add Spanish for: {missing}"


def test_the_compiled_catalogue_is_up_to_date():
    with PO.open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with MO.open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source, "run: make translations"


def test_the_county_page_speaks_spanish_when_asked(client):
    page = client.get("/?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Revise una condena vieja de marihuana" in page
    assert "Defensor Público" in page
    remembered = client.get("/").get_data(as_text=True)
    assert "Empezar la revisión" in remembered


def test_the_browser_language_is_honoured(client):
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    english = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in english


def test_a_chat_started_from_the_spanish_page_is_in_spanish(client):
    import re

    page = client.get("/?lang=es").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/chat/start", data={"csrf_token": token, "language": "es"})
    chat = client.get("/").get_data(as_text=True)
    assert "Condado de Sacramento?" in chat
