"""The offices' numbers are written once, in the policy file, and every surface shows them."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.core.conversation import catalog
from bot.core.eligibility import OFFICES
from bot.core.eligibility.rules import RULES_FILE, load_policy
from tests.support.paths import ROOT

SEARCHED = ("bot", "templates", "static", "translations")
# The number without the area code, with and without its dash: how a copy would be written.
DIGITS = sorted(
    {office.phone.split("-", 1)[1] for office in OFFICES.values()}
    | {office.phone.split("-", 1)[1].replace("-", "") for office in OFFICES.values()}
)
PD, DA = OFFICES["public_defender"], OFFICES["district_attorney"]


def test_the_digits_searched_for_are_the_offices_numbers():
    assert DIGITS == ["874-5578", "874-6218", "8745578", "8746218"]


def test_no_file_but_the_policy_writes_an_office_number():
    copies = []
    for top in SEARCHED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path == RULES_FILE:
                continue
            content = path.read_bytes()
            copies += [
                f"{path.relative_to(ROOT)}: {d}" for d in DIGITS if d.encode("ascii") in content
            ]
    assert not copies, "take these numbers from OFFICES instead"


def test_the_office_json_is_unchanged():
    assert PD.as_json() == {"id": PD.id, "name": PD.name, "phone": PD.phone}
    assert DA.as_json() == {
        "id": "district_attorney",
        "name": "Sacramento County District Attorney",
        "phone": DA.phone,
    }


def test_each_office_dials_the_number_it_shows():
    for office in OFFICES.values():
        assert office.e164 == "+1" + office.phone.replace("-", "")


def test_a_dialling_number_that_disagrees_with_the_shown_one_fails_at_start_up(tmp_path):
    policy = RULES_FILE.read_text(encoding="utf-8").replace(f'"{DA.e164}"', '"+19165550100"')
    changed = tmp_path / "rules.toml"
    changed.write_text(policy, encoding="utf-8")
    with pytest.raises(ValueError, match="district_attorney"):
        load_policy(changed)


@pytest.mark.parametrize("language", catalog.LANGUAGES)
@pytest.mark.parametrize("key", ["help", "help_web"])
def test_help_texts_give_both_numbers(language, key):
    help_text = catalog.text(language, key)
    assert PD.phone in help_text and DA.phone in help_text
    assert "{" not in help_text


def test_a_caller_can_still_pass_its_own_fields():
    filled = catalog.text(
        "en", "result", outcome="O.", office="Public Defender", phone=PD.phone, reference="R"
    )
    assert (
        filled
        == f"O. Call the Public Defender at {PD.phone} and give ref R. Info, not legal advice."
    )


def test_the_core_needs_no_web_framework_database_or_clock():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.core.eligibility, bot.core.conversation.catalog;"
            "print(' '.join(sys.modules))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not [m for m in loaded if m.split(".")[0] in {"flask", "sqlalchemy"}]
    assert "bot.clock" not in loaded


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="tel:([^"]+)">([^<]+)</a>', html)


@pytest.mark.parametrize("page", ["/", "/privacy", "/?lang=es", "/privacy?lang=es"])
def test_pages_link_both_offices_from_the_policy(client, page):
    html = client.get(page).get_data(as_text=True)
    assert links(html) == [(PD.e164, PD.phone), (DA.e164, DA.phone)]


def test_the_page_hands_the_chat_script_its_number(client):
    html = client.get("/").get_data(as_text=True)
    assert f'data-help-phone="{PD.phone}"' in html


def test_the_error_page_gives_both_numbers_in_each_language(client):
    english = client.get("/no-such-page").get_data(as_text=True)
    assert (
        f"You can call the Public Defender at {PD.phone} or the District Attorney at {DA.phone}."
        in english
    )
    spanish = client.get("/no-such-page?lang=es").get_data(as_text=True)
    assert f"Puede llamar al Defensor Público al {PD.phone}" in spanish
    assert f"al Fiscal (District Attorney) al {DA.phone}." in spanish
