"""Gunicorn settings for Record Check (read automatically by `gunicorn app:app`).

Timeouts sit well below Twilio's 15 second webhook limit, so a stuck worker is replaced before
Twilio gives up. gunicorn writes no access log: a path can hold a web chat id, which alone
opens the whole conversation; the app logs one JSON line per request with the route pattern
instead (``bot/web/observe.py``, ``bot/web/logs.py``).
"""

import multiprocessing
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
timeout = 10
graceful_timeout = 10
keepalive = 5
# No max_requests: a worker restart costs a second of imports and start-up, and memory stays
# flat (bench/README.md); recycling would trade throughput in a burst for nothing.
accesslog = None  # never a path: see the docstring

# Prometheus counts from every worker are summed at /metrics through files in this folder.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="recordcheck-metrics-")


def post_worker_init(worker):
    """Each worker checkpoints a SQLite database from a background thread (bot/storage/db.py).

    Everything loaded so far (the app, its libraries, the rules) lives as long as the worker:
    ``gc.freeze`` takes it out of the garbage collector's full passes, which otherwise walk all
    of it now and then in the middle of a request."""
    import gc

    from bot.storage.db import checkpoint_in_background, db

    with worker.wsgi.app_context():
        checkpoint_in_background(db.engine)
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
