"""What one more round trip to PostgreSQL costs the machine, client, kernel and server together.

    .venv/bin/python bench/round_trip_cost.py [--seconds 40] [--database-url URL]

A text on PostgreSQL is four round trips to the server (``BEGIN``, two statements, ``COMMIT``),
as for the floor app. Whether one fewer would pay cannot be read off throughput on this machine
(it drifts by a fifth), nor off callgrind (it does not see the kernel, where a loopback round
trip spends much of its time). This measures it: one connection runs the floor app's
transaction (``BEGIN``, two small upserts, ``COMMIT``), alternately as it is and with one more
statement (``SELECT 1``) in the middle, and, for comparison, the same transaction sent in
psycopg's pipeline mode (``BEGIN`` with the first statement, the second with ``COMMIT``: two
round trips instead of four). Each shape runs for one second at a time, in turn, for
``--seconds`` seconds in all, so that the machine's drift falls on all of them alike; the CPU
time the whole machine spent (``/proc/stat``: all but idle and I/O wait) is divided by the
transactions each shape ran. Run it on a quiet machine; it prints microseconds a transaction.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def machine_ticks() -> int:
    """Clock ticks every CPU spent on anything but idling or waiting for I/O, so far."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    schema = f"round_trips_{os.getpid()}"
    connection = psycopg.connect(args.database_url)
    connection.execute(f"CREATE SCHEMA {schema}")
    connection.execute(f"CREATE TABLE {schema}.message (sid TEXT PRIMARY KEY, body TEXT)")
    connection.execute(f"CREATE TABLE {schema}.thread (phone TEXT PRIMARY KEY, step INTEGER)")
    connection.commit()
    store = f"INSERT INTO {schema}.message VALUES (%s, 'possession') ON CONFLICT DO NOTHING"
    step = (
        f"INSERT INTO {schema}.thread VALUES (%s, 1) "
        f"ON CONFLICT (phone) DO UPDATE SET step = {schema}.thread.step + 1"
    )
    sent = 0

    def floor(extra: bool) -> None:
        nonlocal sent
        sent += 1
        with connection.transaction():
            connection.execute(store, (f"SM{sent}",))
            if extra:
                connection.execute("SELECT 1")
            connection.execute(step, (f"+1916{sent % 1000:07d}",))

    def pipelined() -> None:
        nonlocal sent
        sent += 1
        cursor = connection.cursor()
        with connection.pipeline():
            cursor.execute(store, (f"SM{sent}",))
        with connection.pipeline():
            cursor.execute(step, (f"+1916{sent % 1000:07d}",))
            connection.commit()

    shapes: dict[str, Callable[[], None]] = {
        "four round trips (the floor's transaction)": lambda: floor(False),
        "five round trips (one more statement)": lambda: floor(True),
        "two round trips (psycopg's pipeline mode)": pipelined,
    }
    spent = dict.fromkeys(shapes, 0)
    done = dict.fromkeys(shapes, 0)
    try:
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            for name, run in shapes.items():
                before, stop = machine_ticks(), time.monotonic() + 1.0
                while time.monotonic() < stop:
                    run()
                    done[name] += 1
                spent[name] += machine_ticks() - before
    finally:
        connection.rollback()
        connection.execute(f"DROP SCHEMA {schema} CASCADE")
        connection.commit()
        connection.close()
    tick = os.sysconf("SC_CLK_TCK")
    for name in shapes:
        each = spent[name] / tick / max(done[name], 1) * 1e6
        print(f"{name:<44}{each:8.1f} us of machine CPU a transaction ({done[name]} run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
