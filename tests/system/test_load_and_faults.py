"""Eight residents at once over two gunicorn workers, every text sent twice, a worker killed."""

from __future__ import annotations

from tests.support.paths import bench_module


def test_nothing_is_lost_or_duplicated_when_a_worker_is_killed_mid_run(database_url):
    report = bench_module("load").run_load(database_url, residents=8)
    assert report.killed_worker is not None
    assert report.answered_200 >= 2 * 8
    assert report.lost == 0, report.problems
    assert report.duplicated == 0, report.problems
    assert report.unfinished == 0, report.problems
    assert report.wrong_office == 0, report.problems
