"""The web chat JSON API of the contract (docs/contract.md), as the page and the widget call it."""

from __future__ import annotations

import pytest


def start(client, **body):
    response = client.post("/api/chat", json=body) if body else client.post("/api/chat")
    assert response.status_code == 201
    return response.get_json()


def say(client, chat_id: str, text: str) -> dict:
    response = client.post(f"/api/chat/{chat_id}/messages", json={"text": text})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_starting_a_chat_gives_an_id_a_welcome_and_the_first_question(client):
    chat = start(client)
    assert set(chat) >= {"id", "messages", "question", "done", "answers"}
    assert len(chat["id"]) >= 22  # 128 bits or more in URL-safe base64
    assert chat["done"] is False
    assert chat["answers"] == {}
    assert all(m["from"] == "bot" for m in chat["messages"])
    assert chat["question"]["id"] == "county"
    assert [c["value"] for c in chat["question"]["choices"]] == ["sacramento", "other", "unsure"]


def test_chat_ids_are_unguessable_and_distinct(client):
    ids = {start(client)["id"] for _ in range(20)}
    assert len(ids) == 20


def test_answers_so_far_are_shown_in_contract_values(client):
    chat = start(client)
    say(client, chat["id"], "yes")
    reply = say(client, chat["id"], "possession")
    assert reply["answers"] == {"county": "sacramento", "offense": "possession"}
    reply = say(client, chat["id"], "back in 09")
    assert reply["answers"]["conviction_year"] == 2009
    assert reply["question"]["id"] == "age_at_offense"


def test_choice_values_and_free_text_both_work_to_a_result(client):
    chat = start(client)
    for text in ("sacramento", "weed possession", "2009", "21_plus"):
        say(client, chat["id"], text)
    done = say(client, chat["id"], "completed")
    assert done["done"] is True
    assert done["question"] is None
    result = done["result"]
    assert result["outcome"] == "dismiss"
    assert result["reasons"][0] == "possession"
    assert result["office"] == {
        "id": "district_attorney",
        "name": "Sacramento County District Attorney",
        "phone": "916-874-6218",
    }
    assert result["reference"].startswith("SAC-")
    assert result["reference"] in done["messages"][-1]["text"]


def test_new_messages_only_and_the_resident_is_not_echoed(client):
    chat = start(client)
    reply = say(client, chat["id"], "yes")
    assert all(m["from"] == "bot" for m in reply["messages"])
    assert not any(m["text"] == "yes" for m in reply["messages"])


def test_a_blank_text_gets_the_question_again(client):
    chat = start(client)
    reply = say(client, chat["id"], "   ")
    assert reply["question"]["id"] == "county"
    assert reply["answers"] == {}


def test_back_takes_the_last_answer_away(client):
    chat = start(client)
    say(client, chat["id"], "yes")
    reply = say(client, chat["id"], "BACK")
    assert reply["answers"] == {}
    assert reply["question"]["id"] == "county"


def test_a_message_after_the_result_gets_the_result_again_and_restart_starts_over(client):
    chat = start(client)
    for text in ("no", "growing plants", "2008"):
        done = say(client, chat["id"], text)
    assert done["done"] is True and done["result"]["outcome"] == "review"
    again = say(client, chat["id"], "hello?")
    assert again["result"] == done["result"]
    fresh = say(client, chat["id"], "RESTART")
    assert fresh["done"] is False and fresh["answers"] == {}
    assert fresh["question"]["id"] == "county"


def test_the_transcript_has_both_sides_in_order(client):
    chat = start(client)
    say(client, chat["id"], "yes")
    response = client.get(f"/api/chat/{chat['id']}")
    assert response.status_code == 200
    transcript = response.get_json()
    sides = [m["from"] for m in transcript["messages"]]
    assert "resident" in sides and sides[0] == "bot"
    assert {"from": "resident", "text": "yes"} in transcript["messages"]
    assert transcript["question"]["id"] == "offense"
    assert transcript["answers"] == {"county": "sacramento"}


def test_spanish_chat_speaks_spanish(client):
    chat = start(client, language="es")
    assert "Sacramento" in chat["question"]["text"]
    assert chat["question"]["text"].startswith("¿")


def test_accept_language_chooses_spanish_when_no_language_is_given(client):
    response = client.post("/api/chat", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert response.get_json()["question"]["choices"][0]["label"] == "Si"


def test_unknown_chat_is_404(client):
    assert client.post("/api/chat/nope/messages", json={"text": "hi"}).status_code == 404
    assert client.get("/api/chat/nope").status_code == 404


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b'{"text": 5}', b"{}", b'{"text": null}'],
)
def test_bad_message_bodies_are_400_with_an_error(client, body):
    chat = start(client)
    response = client.post(
        f"/api/chat/{chat['id']}/messages", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.get_json()


@pytest.mark.parametrize("body", [b'{"language": "fr"}', b"[]", b"nonsense", b'{"language": 1}'])
def test_bad_start_bodies_are_400(client, body):
    response = client.post("/api/chat", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.get_json()
