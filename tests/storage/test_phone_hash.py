"""The keyed hash of a phone number: kept after a purge only for a number that opted out, with
no link to that resident's checks, and keyed by PHONE_HASH_KEY so that rotating SECRET_KEY
keeps every opt-out."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import exists, select, text, update

from bot import clock
from bot.storage import transactions
from bot.storage.db import db
from bot.storage.models import Conversation, Inquiry
from bot.web.config import ConfigError, check_required, from_environment
from tests.support.apps import PHONE_HASH_KEY, TEST_DATABASE_URL, make_app, postgres_schema
from tests.support.paths import ROOT
from tests.support.texter import Texter, finish_possession_check

PHONE = "+19165550123"


def keyed(phone: str, key: str = PHONE_HASH_KEY) -> str:
    return hmac.new(key.encode(), phone.encode(), hashlib.sha256).hexdigest()


def age_everything(app, days: int = 400) -> None:
    past = clock.now() - timedelta(days=days)
    with app.app_context():
        db.session.execute(update(Inquiry).values(updated_at=past, created_at=past))
        db.session.execute(update(Conversation).values(updated_at=past, created_at=past))
        db.session.commit()


def purge(app) -> None:
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output


def hashes_linked_to_checks(app) -> list[str]:
    """Phone hashes on a conversation that has checks (references, outcomes, dates)."""
    with app.app_context():
        has_checks = exists().where(Inquiry.conversation_id == Conversation.id)
        found = select(Conversation.phone_hash).where(
            Conversation.phone_hash.is_not(None), has_checks
        )
        return list(db.session.scalars(found))


def test_a_phone_thread_is_keyed_by_phone_hash_key_not_by_secret_key(app, texter):
    texter.text("hi")
    with app.app_context():
        stored = db.session.scalars(select(Conversation.phone_hash)).one()
    assert stored == keyed(PHONE)
    assert stored != keyed(PHONE, app.config["SECRET_KEY"])


def test_after_a_purge_no_hash_is_kept_for_a_number_that_did_not_opt_out(app, texter):
    finish_possession_check(texter)
    age_everything(app)
    purge(app)
    with app.app_context():
        assert list(db.session.scalars(select(Conversation.phone_hash))) == [None]
        assert db.session.scalars(select(Inquiry.outcome)).one() == "dismiss"  # counts stay
    assert hashes_linked_to_checks(app) == []


def test_after_a_purge_an_opt_out_is_kept_with_no_link_to_the_checks(app, texter):
    finish_possession_check(texter)
    texter.text("STOP")
    age_everything(app)
    purge(app)
    assert hashes_linked_to_checks(app) == []
    with app.app_context():
        by_hash = db.session.execute(
            text("SELECT count(*) FROM conversation WHERE phone_hash = :h"), {"h": keyed(PHONE)}
        ).scalar_one()
        assert by_hash == 0
    assert texter.text("hello again") == "", "the opt-out outlived the purge"
    assert texter.text("START") != ""


def test_after_a_purge_nothing_pairs_an_opted_out_number_with_its_check(app, client):
    """Someone with the key and a backup hashes candidate numbers and finds the opt-outs; the
    rows left must not say which erased check each came from: no opt-out flag on the erased
    threads, the opt-outs not stored in the threads' order, and no Twilio ids (Twilio's logs
    tie those to the number)."""
    phones = [f"+1916555{n:04d}" for n in range(1, 7)]
    for phone in phones:
        texter = Texter(client, phone)
        finish_possession_check(texter)
        texter.text("STOP")
    age_everything(app)
    purge(app)
    with app.app_context():
        assert db.session.scalar(select(Conversation.id).where(Conversation.opted_out)) is None
        # The order the rows lie in on disk (a plain SELECT may read them through the index).
        physical = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
        stored = list(
            db.session.execute(
                text(f"SELECT phone_hash FROM opt_out ORDER BY {physical}")
            ).scalars()
        )
        assert stored == sorted(keyed(phone) for phone in phones), "not in the threads' order"
        sids = db.session.execute(
            text("SELECT count(*) FROM message WHERE twilio_sid IS NOT NULL")
        ).scalar_one()
        assert sids == 0
    assert Texter(client, phones[0]).text("hello again") == "", "the opt-out is still kept"


def test_opting_back_in_after_a_purge_is_remembered_by_the_next_purge(app, texter):
    texter.text("hi")
    texter.text("STOP")
    age_everything(app)
    purge(app)
    assert texter.text("hi") == ""
    assert texter.text("START") != ""
    age_everything(app)
    purge(app)
    assert texter.text("hi") != "", "opted back in before the purge: answered after it"


def test_opt_outs_survive_a_new_secret_key(database_url):
    before = make_app(database_url, SECRET_KEY="the-old-secret")
    Texter(before.test_client()).text("hi")
    assert Texter(before.test_client()).text("STOP") == ""
    after = make_app(database_url, SECRET_KEY="a-new-secret")
    assert Texter(after.test_client()).text("hello") == "", "opted out, whatever SECRET_KEY is"


def test_opt_outs_purged_survive_a_new_secret_key(database_url):
    before = make_app(database_url, SECRET_KEY="the-old-secret")
    Texter(before.test_client()).text("hi")
    Texter(before.test_client()).text("STOP")
    age_everything(before)
    purge(before)
    after = make_app(database_url, SECRET_KEY="a-new-secret")
    assert Texter(after.test_client()).text("hello") == ""


def test_serving_needs_a_phone_hash_key():
    with pytest.raises(ConfigError, match="PHONE_HASH_KEY"):
        check_required({"SECRET_KEY": "s", "TWILIO_AUTH_TOKEN": "t", "AUDIT_KEY": "a"})
    check_required(
        {"SECRET_KEY": "s", "TWILIO_AUTH_TOKEN": "t", "PHONE_HASH_KEY": "p", "AUDIT_KEY": "a"}
    )


def test_the_phone_hash_key_comes_from_the_environment(tmp_path):
    assert from_environment(tmp_path, env={"PHONE_HASH_KEY": "k"})["PHONE_HASH_KEY"] == "k"
    assert from_environment(tmp_path, env={})["PHONE_HASH_KEY"] is None


def test_make_run_creates_a_local_phone_hash_key_apart_from_the_secret():
    planned = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "instance/dev_phone_hash_key" in planned
    assert 'PHONE_HASH_KEY="$(cat instance/dev_phone_hash_key)"' in planned


def _statements_per_text(texter: Texter, monkeypatch, bodies: list[str]) -> list[int]:
    counted: list[int] = []
    original_all, original_run = transactions.Transaction.all, transactions.Transaction.run

    def counting_all(self, statement, **params):
        counted[-1] += 1
        return original_all(self, statement, **params)

    def counting_run(self, statement, **params):
        counted[-1] += 1
        return original_run(self, statement, **params)

    monkeypatch.setattr(transactions.Transaction, "all", counting_all)
    monkeypatch.setattr(transactions.Transaction, "run", counting_run)
    for body in bodies:
        counted.append(0)
        texter.text(body)
    monkeypatch.undo()
    return counted


def test_the_hot_path_takes_as_many_statements_as_before(app, texter, monkeypatch):
    """One statement finds (or starts) the thread, counts the text for the per-number limit,
    tells whether the number opted out before a purge, and reads the current inquiry's answers
    once the thread is locked. On SQLite the first text then takes 6 statements (it makes the
    inquiry), each answer 5, a text while opted out 4; on PostgreSQL the message, the thread,
    the inquiry and the reply are written by one statement: 3 for the first text, then 2."""
    counts = _statements_per_text(texter, monkeypatch, ["hi", "yes", "possession", "STOP", "hi"])
    with app.app_context():
        dialect = db.engine.dialect.name
    assert counts == {"sqlite": [6, 5, 5, 4, 4], "postgresql": [3, 2, 2, 2, 2]}[dialect]
    age_everything(app)
    purge(app)
    after_purge = _statements_per_text(texter, monkeypatch, ["hi", "START"])
    assert after_purge[0] <= 7 and after_purge[1] <= 6, after_purge


# --- the migration ----------------------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with postgres_schema("rc_hard") as url:
        yield url


CONVERSATION = (
    "INSERT INTO conversation (token, channel, phone, phone_hash, language, state, opted_out,"
    " created_at, updated_at, texts_counted) VALUES (:token, 'sms', :phone, :hash, 'es', '{}',"
    " :opted_out, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)"
)
INQUIRY = (
    "INSERT INTO inquiry (conversation_id, channel, language, answers, status, notes, outcome,"
    " reference, created_at, updated_at) SELECT id, 'sms', 'es', '{}', 'new', '', 'dismiss',"
    " token, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM conversation WHERE token = :token"
)


def test_migration_0009_unlinks_purged_hashes_keeps_opt_outs_and_goes_back(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            # purged and opted out; purged and not; still in use (a number, so not purged)
            for row in (
                {"token": "out", "phone": None, "hash": "h-out", "opted_out": True},
                {"token": "in", "phone": None, "hash": "h-in", "opted_out": False},
                {"token": "live", "phone": PHONE, "hash": "h-live", "opted_out": False},
            ):
                connection.execute(text(CONVERSATION), row)
                connection.execute(text(INQUIRY), {"token": row["token"]})
        upgrade()
        with db.engine.connect() as connection:
            hashes = dict(
                connection.execute(text("SELECT token, phone_hash FROM conversation")).all()
            )
            opted = connection.execute(text("SELECT phone_hash FROM opt_out")).scalars().all()
        assert hashes == {"out": None, "in": None, "live": "h-live"}
        assert opted == ["h-out"]

        downgrade(revision="0008")
        with db.engine.connect() as connection:
            kept = connection.execute(
                text("SELECT phone_hash, opted_out FROM conversation WHERE phone_hash IS NOT NULL")
            ).all()
        assert sorted((h, bool(o)) for h, o in kept) == [("h-live", False), ("h-out", True)]
        upgrade()
        with db.engine.connect() as connection:
            opted = connection.execute(text("SELECT phone_hash FROM opt_out")).scalars().all()
            linked = connection.execute(
                text(
                    "SELECT count(*) FROM conversation JOIN inquiry"
                    " ON inquiry.conversation_id = conversation.id"
                    " WHERE conversation.phone_hash IS NOT NULL"
                )
            ).scalar_one()
        assert opted == ["h-out"]
        assert linked == 1  # the conversation still in use, and only it
        db.engine.dispose()
