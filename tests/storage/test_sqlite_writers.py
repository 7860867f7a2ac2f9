"""Several workers writing one SQLite file: the write lock is taken as soon as it is free."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from bot.storage import db as database
from tests.support.apps import TEST_DATABASE_URL, make_app
from tests.support.texter import Texter


def connect(path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA busy_timeout = {database.BUSY_TIMEOUT_MS}")
    return connection


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "writers.db"
    with connect(path) as setup:
        setup.execute("CREATE TABLE note (body TEXT)")
    return path


def test_a_second_writer_waits_for_the_first_and_sees_its_work(path):
    first, second = connect(path), connect(path)
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO note VALUES ('first')")
    waiting = threading.Thread(target=database.begin_immediate, args=(second.cursor(),))
    waiting.start()
    waiting.join(timeout=0.05)
    assert waiting.is_alive(), "the second writer must wait while the first holds the lock"
    first.execute("COMMIT")
    waiting.join(timeout=30)
    assert not waiting.is_alive()
    second.execute("INSERT INTO note VALUES ('second')")
    second.execute("COMMIT")
    assert [row[0] for row in first.execute("SELECT body FROM note")] == ["first", "second"]


def test_a_writer_gives_up_after_the_busy_timeout_and_keeps_its_setting(path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    holder, blocked = connect(path), connect(path)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        database.begin_immediate(blocked.cursor())
    assert blocked.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    holder.execute("ROLLBACK")
    database.begin_immediate(blocked.cursor())
    blocked.execute("ROLLBACK")


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's write lock")
def test_the_service_says_unavailable_while_another_process_holds_the_lock_too_long(
    database_url, monkeypatch
):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    app = make_app(database_url)
    holder = connect(database_url.removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert app.test_client().get("/healthz").status_code == 503
        assert Texter(app.test_client()).send("hi").status_code == 503
    finally:
        holder.execute("ROLLBACK")
    assert app.test_client().get("/healthz").status_code == 200
    assert "Sacramento County?" in Texter(app.test_client()).text("hi")


def test_a_background_thread_copies_the_log_into_the_database(tmp_path, monkeypatch):
    from sqlalchemy import create_engine, text

    monkeypatch.setattr(database, "CHECKPOINT_EVERY_S", 0.01)
    path = tmp_path / "checkpointed.db"
    engine = create_engine(f"sqlite:///{path}")
    database.configure_sqlite(engine)
    assert database.checkpoint_in_background(engine)
    assert not database.checkpoint_in_background(engine), "one thread per database file"
    with engine.begin() as connection:
        pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert pages == database.FALLBACK_CHECKPOINT_PAGES, "requests leave checkpoints alone"
        connection.execute(text("CREATE TABLE blob (body TEXT)"))
        connection.execute(text("INSERT INTO blob VALUES (:body)"), {"body": "x" * 1_000_000})
    for _ in range(3000):  # up to 30 s on a busy machine
        if path.stat().st_size > 1_000_000:
            break
        time.sleep(0.01)
    assert path.stat().st_size > 1_000_000, "the committed megabyte reached the database file"
    engine.dispose()


def test_only_sqlite_files_are_checkpointed_in_the_background():
    from sqlalchemy import create_engine

    assert not database.checkpoint_in_background(create_engine("sqlite://"))
    postgres = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert not database.checkpoint_in_background(postgres)
