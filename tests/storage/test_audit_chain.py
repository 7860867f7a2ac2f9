"""The audit trail is one HMAC chain: an edited, removed or reordered entry is found and named
by ``audit-verify``; trimming old entries leaves an anchor; concurrent writers cannot fork it."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

from sqlalchemy import select, text, update

from bot import clock
from bot.storage import audit
from bot.storage.audit import AuditAnchor, AuditEvent
from bot.storage.db import db
from tests.support.apps import make_app


def write(app, count: int, action: str = "view") -> None:
    with app.app_context():
        for number in range(count):
            audit.record(None, action, "127.0.0.1", inquiry_id=number, reference=f"SAC-{number}")


def verify(app):
    return app.test_cli_runner().invoke(args=["audit-verify"])


def seq_of(app, seq: int) -> int:
    with app.app_context():
        return db.session.scalars(select(AuditEvent.id).where(AuditEvent.seq == seq)).one()


def raw(app, sql: str, **params: object) -> None:
    """What someone with write access to the database, but not AUDIT_KEY, can do."""
    with app.app_context():
        db.session.execute(text(sql), params)
        db.session.commit()


def test_an_untouched_trail_verifies(app):
    write(app, 5)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries, #1 to #5" in result.output


def test_editing_one_row_makes_audit_verify_fail_and_name_it(app):
    write(app, 5)
    entry = seq_of(app, 3)
    raw(app, "UPDATE audit_event SET detail = 'nothing to see' WHERE id = :id", id=entry)
    result = verify(app)
    assert result.exit_code == 1
    assert f"entry #3 (id {entry}) was changed" in result.output
    assert "The 2 entries before it are intact" in result.output


def test_recomputing_a_hash_without_the_key_does_not_help(app):
    write(app, 3)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        event.ip = "10.9.9.9"
        event.mac = hashlib.sha256(audit.content(event).encode()).hexdigest()
        db.session.commit()
    assert "entry #2" in verify(app).output


def test_deleting_a_row_in_the_middle_is_found(app):
    write(app, 5)
    raw(app, "DELETE FROM audit_event WHERE seq = 2")
    assert "entry #2 is missing" in verify(app).output


def test_deleting_the_newest_rows_is_found(app):
    write(app, 5)
    raw(app, "DELETE FROM audit_event WHERE seq >= 4")
    result = verify(app)
    assert result.exit_code == 1
    assert "entries after #3 are missing" in result.output


def test_verify_with_another_key_fails(app, database_url):
    write(app, 2)
    other = make_app(database_url, AUDIT_KEY="another key")
    assert verify(other).exit_code == 1


def test_trimming_old_entries_keeps_an_anchor_and_the_rest_verifies(app, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start - timedelta(days=3000))
    write(app, 3)
    monkeypatch.setattr(clock, "now", lambda: start)
    write(app, 2)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 3 audit entries older than 2555 days" in result.output
    with app.app_context():
        assert db.session.scalar(select(AuditAnchor.after_seq)) == 3
        assert list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq))) == [4, 5]
    checked = verify(app)
    assert checked.exit_code == 0, checked.output
    assert "2 entries, #4 to #5" in checked.output
    raw(app, "UPDATE audit_anchor SET after_seq = 4")  # hiding entry #4 by moving the anchor
    assert "the anchor was changed" in verify(app).output


def test_concurrent_writers_cannot_fork_the_chain(app):
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            write(app, 10)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
    assert seqs == list(range(1, 41))
    assert verify(app).exit_code == 0


def test_entries_written_before_the_chain_join_it_at_the_next_append(app):
    with app.app_context():
        db.session.add(
            AuditEvent(user_id=None, action="view", detail="", created_at=clock.now(), ip=None)
        )
        db.session.commit()
    assert verify(app).exit_code == 0  # not sealed yet: nothing to compare
    write(app, 1)
    with app.app_context():
        assert list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.id))) == [1, 2]
    assert "2 entries" in verify(app).output
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="export"))
        db.session.commit()
    assert "entry #1" in verify(app).output


def test_without_audit_key_the_command_says_what_is_missing(database_url):
    keyless = make_app(database_url, AUDIT_KEY=None)
    result = verify(keyless)
    assert result.exit_code == 1
    assert "AUDIT_KEY is not set" in result.output
