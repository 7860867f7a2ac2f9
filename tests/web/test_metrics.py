"""``/metrics``: behind its token, counting finished checks once, summed across workers."""

from __future__ import annotations

import json
import urllib.request

from tests.support.apps import make_app
from tests.support.paths import bench_module
from tests.support.texter import finish_possession_check


def test_metrics_need_the_token(database_url):
    app = make_app(database_url, METRICS_TOKEN="s3cret")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_metrics_count_checks_completed_across_workers(database_url, tmp_path):
    counts = tmp_path / "metrics"  # only metric files may live there
    counts.mkdir()
    server = bench_module("load").Server(
        database_url, METRICS_TOKEN="s3cret", PROMETHEUS_MULTIPROC_DIR=str(counts)
    )
    base = f"http://127.0.0.1:{server.port}"
    try:
        for _ in range(6):
            chat = post_json(f"{base}/api/chat", {})
            for answer in ("other", "something else"):
                post_json(f"{base}/api/chat/{chat['id']}/messages", {"text": answer})
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": "Bearer s3cret"}
        )
        text = urllib.request.urlopen(request, timeout=10).read().decode()
    finally:
        server.stop()
    line = next(
        line
        for line in text.splitlines()
        if line.startswith("recordcheck_checks_completed_total{")
        and 'outcome="not_eligible"' in line
        and 'channel="web"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == 6.0


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def test_a_finished_sms_check_counts_once(texter, app):
    finish_possession_check(texter)
    app.config["METRICS_TOKEN"] = "t"
    body = texter.client.get("/metrics", headers={"Authorization": "Bearer t"}).data.decode()
    assert (
        'recordcheck_checks_completed_total{channel="sms",office="district_attorney",outcome="dismiss"}'
        in body
    )
