"""The SMS benchmark reads wrk's report right, whatever its thread statistics happen to be."""

from __future__ import annotations

from tests.support.paths import bench_module

REPORT = """Running 10s test @ http://127.0.0.1:8000/sms
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.49ms    1.37ms  30.01ms   72.99%
    Req/Sec     1.20k    98.81     1.38k    75.50%
  Latency Distribution
     50%    6.36ms
     75%    7.02ms
     90%    7.86ms
     99%   12.95ms
  12011 requests in 10.00s, 5.90MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.60
"""


def test_percentiles_come_from_the_latency_distribution_not_the_thread_statistics():
    run = bench_module("sms_throughput").parse_wrk("project", REPORT)
    assert (run.p50_ms, run.p99_ms) == (6.36, 12.95)
    assert (run.rps, run.requests, run.errors) == (1200.60, 12011, 3)


def test_the_outbound_bench_drains_every_text_once_never_above_the_rate(database_url):
    """A small run of ``bench/outbound_texts.py``: two worker processes, the shared pace.

    Over 30 texts a few milliseconds' lateness of the first arrival (the first request opens
    its connection) already moves the measured rate by percents, so this smoke run allows 10%;
    the benchmark's own 1,000-text runs hold 5% (bench/README.md)."""
    report = bench_module("outbound_texts").run_drain(database_url, texts=30, rate=20.0, workers=2)
    assert (report.sent, report.duplicated, report.missing) == (30, 0, 0)
    assert report.measured_rate <= report.configured_rate * 1.10


def test_interleaving_the_load_takes_residents_in_turn_and_keeps_each_ones_order(tmp_path):
    """``--interleave``: the same requests, N residents in turn, each resident's texts (and
    Twilio's repeats) still in their own order."""
    throughput = bench_module("sms_throughput")
    rows = [
        '{"From=%2B19160000001&Body=Hi&MessageSid=SM1","s1"},',
        '{"From=%2B19160000001&Body=yes&MessageSid=SM2","s2"},',
        '{"From=%2B19160000001&Body=yes&MessageSid=SM2","s2"},',
        '{"From=%2B19160000002&Body=Hi&MessageSid=SM3","s3"},',
        '{"From=%2B19160000002&Body=yes&MessageSid=SM4","s4"},',
        '{"From=%2B19160000003&Body=Hi&MessageSid=SM5","s5"},',
    ]
    script = tmp_path / "load.lua"
    script.write_text("local reqs = {\n" + "\n".join(rows) + "\n}\nlocal i = 0\nrequest = nil\n")
    throughput._interleave(script, 2)
    text = script.read_text()
    assert text.endswith("\n}\nlocal i = 0\nrequest = nil\n")
    sids = [row.split("MessageSid=")[1].split('"')[0] for row in text.splitlines()[1:7]]
    assert sids == ["SM1", "SM3", "SM2", "SM4", "SM2", "SM5"]
