"""``POST /api/eligibility``: the rules for other programs, with clear errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.clock import this_year
from bot.storage.db import db
from bot.storage.models import Inquiry


def test_facts_give_outcome_reasons_and_office(client, app):
    facts = {
        "county": "sacramento",
        "offense": "sale_transport",
        "conviction_year": 2005,
        "age_at_offense": "21_plus",
        "level": "felony",
        "disqualifying_record": "no",
        "sentence_status": "completed",
        "only_conviction": "yes",
    }
    response = client.post("/api/eligibility", json=facts)
    assert response.status_code == 200
    assert response.get_json() == {
        "outcome": "dismiss",
        "reasons": ["only_conviction_completed"],
        "office": {
            "id": "district_attorney",
            "name": "Sacramento County District Attorney",
            "phone": "916-874-6218",
        },
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_an_empty_object_is_all_unsure(client):
    body = client.post("/api/eligibility", json={}).get_json()
    assert body["outcome"] == "review"
    assert body["reasons"][0] == "offense_unknown"
    assert body["office"]["id"] == "public_defender"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"county": "yolo"}, "county"),
        ({"conviction_year": "2009"}, "conviction_year"),
        ({"conviction_year": True}, "conviction_year"),
        ({"conviction_year": 1899}, "conviction_year"),
        ({"conviction_year": this_year() + 1}, "conviction_year"),
        ({"conviction_year": 2009.0}, "conviction_year"),
        ({"level": None}, "level"),
        ({"favourite_color": "blue"}, "favourite_color"),
    ],
)
def test_values_outside_the_contract_are_400_naming_the_field(client, facts, field):
    response = client.post("/api/eligibility", json=facts)
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field
    assert body["error"]


@pytest.mark.parametrize("body", [b"[]", b"not json", b'"x"', b"", b"null"])
def test_a_body_that_is_not_a_json_object_is_400(client, body):
    response = client.post("/api/eligibility", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert "Traceback" not in response.get_data(as_text=True)
