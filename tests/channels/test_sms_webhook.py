"""The Twilio webhook as Twilio and residents use it: signed requests, TwiML replies."""

from __future__ import annotations

from xml.etree import ElementTree

from sqlalchemy import func, select

from bot.storage.db import db
from bot.storage.models import Conversation, Inquiry, Message
from tests.support.apps import make_app
from tests.support.texter import Texter, finish_possession_check, reply_text, sign


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_first_text_gets_a_welcome_and_the_first_question(texter):
    reply = texter.text("Hello")
    assert "Sacramento County" in reply
    assert "not legal advice" in reply
    assert "1 Yes 2 No 3 Not sure" in reply


def test_a_possession_check_ends_with_the_da_phone_and_a_reference(texter, app):
    result = finish_possession_check(texter)
    assert "dismissed" in result
    assert "916-874-6218" in result
    assert "not legal advice" in result
    with app.app_context():
        inquiry = db.session.scalars(select(Inquiry)).one()
        assert inquiry.outcome == "dismiss"
        assert inquiry.office == "district_attorney"
        assert inquiry.reference in result


def test_replies_are_twiml_with_one_message(texter):
    response = texter.send("hi")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.data.count(b"<Message") == 1


def test_forged_signature_is_rejected_and_changes_nothing(texter, app):
    params = texter.params("hi")
    response = texter.post(params, token="not-the-token")
    assert response.status_code == 403
    unsigned = texter.client.post("/sms", data=params)
    assert unsigned.status_code == 403
    assert count(app, Message) == 0
    assert count(app, Conversation) == 0


def test_signature_for_another_url_is_rejected(texter):
    response = texter.post(texter.params("hi"), url="https://evil.example/sms")
    assert response.status_code == 403


def test_request_without_twilio_fields_is_a_400(texter):
    response = texter.post({"Body": "hi"})
    assert response.status_code == 400
    assert response.mimetype == "text/xml"


def test_a_retried_message_sid_is_processed_once_and_gets_the_same_reply(texter, app):
    texter.text("hi")
    sid = texter.new_sid()
    first = texter.send("yes", sid=sid)
    again = texter.send("yes", sid=sid)
    assert first.data == again.data
    assert "What was the weed conviction for?" in reply_text(again.data)
    with app.app_context():
        inbound = db.session.scalars(select(Message).where(Message.direction == "in")).all()
        assert [m.body for m in inbound] == ["hi", "yes"]
    # The conversation advanced once: the next answer is taken for the offense question.
    assert "What year" in texter.text("possession")


def test_from_is_stored_in_e164(client, app):
    Texter(client, phone="(916) 555-0199").text("hi")
    with app.app_context():
        assert db.session.scalars(select(Conversation.phone)).one() == "+19165550199"


def test_every_message_in_and_out_is_stored(texter, app):
    finish_possession_check(texter)
    with app.app_context():
        directions = db.session.scalars(select(Message.direction).order_by(Message.id)).all()
    assert directions == ["in", "out"] * 6


def test_stop_is_recorded_and_nothing_more_is_sent_until_start(texter, app):
    texter.text("hi")
    response = texter.send("STOP")
    assert response.status_code == 200
    assert reply_text(response.data) == ""
    assert b"<Message" not in response.data
    with app.app_context():
        assert db.session.scalars(select(Conversation.opted_out)).one() is True
    assert texter.text("possession") == ""
    assert texter.text("HELP") == ""
    back = texter.text("START")
    assert "again" in back
    assert "Sacramento County?" in back
    with app.app_context():
        assert db.session.scalars(select(Conversation.opted_out)).one() is False


def test_texting_after_the_result_repeats_it_and_restart_opens_a_new_inquiry(texter, app):
    result = finish_possession_check(texter)
    assert texter.text("thanks!") == result
    assert "Sacramento County?" in texter.text("RESTART")
    with app.app_context():
        inquiries = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
    assert len(inquiries) == 2
    assert inquiries[0].reference is not None and inquiries[0].outcome == "dismiss"
    assert inquiries[1].reference is None


def test_back_after_the_result_keeps_the_reference(texter, app):
    result = finish_possession_check(texter)
    reference = result.split("ref ")[1].split(".")[0]
    assert "still serving" in texter.text("BACK")
    changed = texter.text("yes")
    assert "916-874-5578" in changed
    assert reference in changed


def test_yes_also_opts_back_in_while_opted_out(texter):
    texter.text("hi")
    texter.text("stop")
    assert "again" in texter.text("Yes")


def test_a_picture_gets_a_request_for_text(texter):
    texter.text("hi")
    reply = texter.send("", media=1)
    assert "photos" in reply_text(reply.data) or "pictures" in reply_text(reply.data)


def test_odd_texts_never_fail_and_get_the_question_again(texter):
    texter.text("hi")
    for odd in [
        "",
        "   ",
        "x" * 2000,
        "🙂🙂",
        "Je ne sais pas du tout",
        "'; DROP TABLE message; --",
    ]:
        reply = texter.text(odd)
        assert "Sacramento County?" in reply


def test_unavailable_database_gives_503(database_url):
    broken = make_app("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    params = Texter(broken.test_client()).params("hi")
    response = Texter(broken.test_client()).post(params)
    assert response.status_code == 503
    assert response.mimetype == "text/xml"


def test_short_codes_and_international_senders_are_answered(client, app):
    assert "Sacramento County?" in Texter(client, phone="12345").text("hi")
    assert "Sacramento County?" in Texter(client, phone="+447700900123").text("hi")
    with app.app_context():
        phones = set(db.session.scalars(select(Conversation.phone)))
    assert phones == {"12345", "+447700900123"}


def test_a_text_longer_than_twilio_sends_is_handled(texter, app):
    texter.text("hi")
    assert "Sacramento County?" in texter.text("y" * 5000)


def test_each_reply_reports_its_delivery_to_its_own_url(client, app):
    """Two residents asked the same question: each TwiML names its own reply for Twilio's
    delivery report, even though the text is the same."""
    actions = []
    for phone in ("+19165550141", "+19165550142"):
        response = Texter(client, phone=phone).send("hi")
        message = ElementTree.fromstring(response.data).find("Message")
        assert message is not None
        actions.append((message.text, message.get("action"), message.get("method")))
    (first_text, first_url, method), (second_text, second_url, _) = actions
    assert first_text == second_text and method == "POST"
    assert first_url != second_url
    with app.app_context():
        replies = db.session.scalars(
            select(Message.id).where(Message.direction == "out").order_by(Message.id)
        ).all()
    assert [first_url, second_url] == [
        f"http://localhost/sms/status?reply={reply_id}" for reply_id in replies
    ]


def test_a_text_sets_no_cookie(texter):
    """Twilio keeps no cookies: the webhook's answers set none, and do not vary by one."""
    response = texter.send("hi")
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_the_delivery_url_names_the_host_twilio_posted_to(client):
    """The service reached under two names (say, before and after a DNS change): each reply's
    delivery report goes back to the name its own text came in by."""
    for host in ("localhost", "texts.example.org"):
        texter = Texter(client, phone="+19165550143")
        params = texter.params("hi")
        url = f"http://{host}/sms"
        response = client.post(
            "/sms",
            data=params,
            headers={"X-Twilio-Signature": sign(url, params), "Host": host},
        )
        assert response.status_code == 200
        message = ElementTree.fromstring(response.data).find("Message")
        assert message is not None
        assert (message.get("action") or "").startswith(f"http://{host}/sms/status?reply=")


def test_a_zero_before_hundred_or_thousand_is_asked_again_not_an_error(texter):
    """ "zero hundred" is no number anyone says: the question comes again, with a 200."""
    texter.text("Hi")
    for answer in ("yes", "weed possession"):
        texter.text(answer)
    for nonsense in ("zero hundred", "oh thousand", "cero mil"):
        reply = texter.text(nonsense)
        assert "year" in reply.lower()
    texter.text("2009")
    assert "old" in texter.text("oh hundred").lower()
