"""``flask --app app purge``: content goes after RETENTION_DAYS; counts and opt-outs stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot import clock
from bot.storage.db import db
from bot.storage.models import Conversation, Inquiry, Message
from tests.support.texter import finish_possession_check


def age_everything(app, days: int) -> None:
    past = clock.now() - timedelta(days=days)
    with app.app_context():
        db.session.execute(update(Inquiry).values(updated_at=past, created_at=past))
        db.session.execute(update(Conversation).values(updated_at=past))
        db.session.commit()


def test_purge_erases_old_content_but_keeps_counts(app, texter):
    finish_possession_check(texter)
    age_everything(app, 400)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0
    assert "1 inquiries" in result.output and "1 phone numbers" in result.output
    with app.app_context():
        inquiry = db.session.scalars(select(Inquiry)).one()
        assert inquiry.answers == {} and inquiry.outcome == "dismiss"
        assert db.session.scalar(select(func.count()).where(Message.body.is_not(None))) == 0
        assert db.session.scalars(select(Conversation.phone)).one() is None


def test_recent_checks_are_kept(app, texter):
    finish_possession_check(texter)
    app.test_cli_runner().invoke(args=["purge"])
    with app.app_context():
        assert db.session.scalars(select(Inquiry.answers)).one() != {}
        assert db.session.scalars(select(Conversation.phone)).one() == texter.phone


def test_an_opt_out_survives_a_purge(app, texter):
    texter.text("hi")
    texter.text("STOP")
    age_everything(app, 400)
    app.test_cli_runner().invoke(args=["purge"])
    assert texter.text("hello again") == ""
    assert "again" in texter.text("START")


def test_texting_after_a_purge_starts_a_new_inquiry(app, texter):
    finish_possession_check(texter)
    age_everything(app, 400)
    app.test_cli_runner().invoke(args=["purge"])
    assert "Sacramento County?" in texter.text("hi")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 2
        # a new thread: the purged one keeps neither the number nor its hash
        phones = db.session.scalars(select(Conversation.phone).order_by(Conversation.id)).all()
        assert phones == [None, texter.phone]


def test_an_unfinished_check_idle_for_a_day_starts_fresh_and_says_so(app, texter):
    texter.text("hi")
    texter.text("yes")
    with app.app_context():
        past = clock.now() - timedelta(hours=25)
        db.session.execute(update(Conversation).values(updated_at=past))
        db.session.commit()
    reply = texter.text("possession")
    assert "timed out" in reply and "Sacramento County?" in reply
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 2
