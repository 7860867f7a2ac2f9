"""Every path through the questions, checked against the contract's own oracle.

The engine is walked over every path (pure, fast); a fixed sample of paths is replayed over the
real SMS webhook and the web chat API, which must ask the same questions and give the same result.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from sqlalchemy import select

from bot.core.conversation.catalog import question
from bot.core.conversation.engine import Context, reply
from bot.core.reference import generate
from bot.storage.db import db
from bot.storage.models import Inquiry
from tests.support.channels import traits
from tests.support.oracle import (
    THIS_YEAR,
    WALK_YEARS,
    contract_next_question,
    contract_outcome_and_office,
    domains,
)
from tests.support.texter import Texter

Path = tuple[tuple[str, object], ...]


@cache
def all_paths() -> list[Path]:
    """Every sequence of (question, answer) the contract asks, to its end."""
    values = domains(WALK_YEARS)
    paths: list[Path] = []

    def walk(path: Path) -> None:
        following = contract_next_question(dict(path))
        if following is None:
            paths.append(path)
            return
        for value in values[following]:
            walk((*path, (following, value)))

    walk(())
    return paths


def typed(question_id: str, value: object) -> str:
    """What a resident would type: the choice's number, or the year or an age."""
    if question_id == "conviction_year":
        return "not sure" if value == "unsure" else str(value)
    if question_id == "age_at_offense":
        return {"under_18": "16", "18_20": "19", "21_plus": "34", "unsure": "idk"}[value]
    choices = [c.value for c in question("en", question_id).choices]
    return str(choices.index(value) + 1)


def test_the_engine_asks_exactly_the_contract_questions_on_every_path():
    context = Context(channel=traits("sms"), this_year=THIS_YEAR, new_reference=generate)
    assert len(all_paths()) > 500
    for path in all_paths():
        turn = reply(None, "hi", context)
        for question_id, value in path:
            assert turn.state.question == question_id, path
            turn = reply(turn.state, typed(question_id, value), context)
        assert turn.state.done, path
        decision = turn.state.decision
        expected = contract_outcome_and_office(dict(path))
        assert (decision.outcome, decision.office.id) == expected, path


SAMPLE = random.Random(64).sample(all_paths(), 24)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: "-".join(str(v) for _, v in p))
def test_sms_and_web_chat_agree_with_the_contract(client, app, path):
    texter = Texter(client)
    texter.text("hi")
    chat = client.post("/api/chat").get_json()
    for question_id, value in path:
        assert chat["question"]["id"] == question_id
        sms_reply = texter.text(typed(question_id, value))
        chat = client.post(
            f"/api/chat/{chat['id']}/messages", json={"text": typed(question_id, value)}
        ).get_json()
    assert chat["done"] is True
    outcome, office = contract_outcome_and_office(dict(path))
    assert (chat["result"]["outcome"], chat["result"]["office"]["id"]) == (outcome, office)
    with app.app_context():
        sms_inquiry = db.session.scalars(select(Inquiry).where(Inquiry.channel == "sms")).one()
    assert (sms_inquiry.outcome, sms_inquiry.office) == (outcome, office)
    assert sms_inquiry.reference in sms_reply
    assert chat["result"]["reference"] != sms_inquiry.reference
