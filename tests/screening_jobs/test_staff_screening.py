"""The bulk screening page: staff upload a court record file, watch it run, download the results.

Files are hand-made like those of ``tests/core/screening``; each run is the real background
thread on the real database, and tests wait for it by polling the job's row.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update
from werkzeug.test import TestResponse

from bot import clock
from bot.screening_jobs import chores
from bot.storage import screening_jobs as screen_jobs
from bot.storage.db import db
from bot.storage.screening_jobs import ACTIVE, ScreeningJob
from bot.storage.staff import AuditEvent, staff_by_email
from tests.support.apps import make_app, release
from tests.support.screening_files import conviction, csv_text, doj_row, doj_text
from tests.support.staff import Staff, csrf_token

RECORDS = csv_text(
    [
        conviction("P1", "11359 HS"),
        conviction("P1", "187 PC", county="PLACER"),
        conviction("P2", "11357(B) HS", level="infraction", county="sacramento"),
        conviction("P3", "11360(A) HS", county="YOLO"),
        conviction("P4", level="FEL"),
    ]
)
RESULTS = [
    ["file", "line", "person_id", "code_section", "disposition_date", "outcome", "reason"],
    ["records.csv", "2", "P1", "11359 HS", "2010-05-01", "review", "possible_disqualifier"],
    ["records.csv", "4", "P2", "11357(B) HS", "2010-05-01", "dismiss", "possession"],
]
NO_SECTION = {"convictions": 0, "dismiss": 0, "reduce": 0, "review": 0, "not_eligible": 0}
SUMMARY = {
    "county": "SACRAMENTO",
    "as_of": "2025-06-30",
    "convictions": 2,
    "dismiss": 1,
    "reduce": 0,
    "review": 1,
    "not_eligible": 0,
    "people": 2,
    "people_cleared": 1,
    "bad_rows": 1,
    "by_section": {
        "11357": {**NO_SECTION, "convictions": 1, "dismiss": 1},
        "11358": NO_SECTION,
        "11359": {**NO_SECTION, "convictions": 1, "review": 1},
        "11360": NO_SECTION,
    },
    "felony_convictions": 1,
    "people_with_relief": 1,
    "people_no_felony": 0,
    "people_no_conviction_7_years": 0,
    "earliest_conviction": "2010-05-01",
}
NOT_UTF8 = "The file is not CSV text in UTF-8"
PAGE = "/staff/screen"


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def app(database_url: str, upload_dir: Path) -> Iterator[Flask]:
    """The usual app, with uploads in a folder of this test's own, to see what is left in it."""
    application = make_app(database_url, SCREEN_UPLOAD_DIR=str(upload_dir))
    yield application
    release(application)


def upload(
    staff: Staff,
    body: str | bytes,
    *,
    token: bool = True,
    filename: str = "records.csv",
    **fields: str,
) -> TestResponse:
    """Post the upload form as a browser does: the file, the date, the county and the token."""
    form: dict[str, object] = {"as_of": "2025-06-30", "county": "Sacramento", **fields}
    if token:
        form["csrf_token"] = csrf_token(staff.page(PAGE))
    data = body.encode("utf-8") if isinstance(body, str) else body
    form["file"] = (io.BytesIO(data), filename)
    return staff.client.post(PAGE, data=form, content_type="multipart/form-data")


def started(response: TestResponse) -> str:
    """The job id an accepted upload redirects to."""
    assert response.status_code == 303, response.get_data(as_text=True)
    path = urlsplit(response.headers["Location"]).path
    assert path.startswith(PAGE + "/")
    return path.removeprefix(PAGE + "/")


def wait_for(app: Flask, job_id: str, timeout: float = 30.0) -> ScreeningJob:
    """Poll the job's row until its run has ended; the row then."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            job = db.session.get(ScreeningJob, job_id)
            assert job is not None
            db.session.expunge(job)
        if job.status not in ACTIVE:
            return job
        assert time.monotonic() < deadline, f"the job is still {job.status} after {timeout}s"
        time.sleep(0.05)


def screened(app: Flask, staff: Staff, body: str | bytes = RECORDS, **fields: str) -> str:
    job_id = started(upload(staff, body, **fields))
    wait_for(app, job_id)
    return job_id


def stored_results(app: Flask, job_id: str) -> bytes | None:
    with app.app_context():
        return db.session.scalar(select(ScreeningJob.results).where(ScreeningJob.id == job_id))


def stored_job(app: Flask, job_id: str) -> dict[str, object]:
    """Every column of the job's row as stored, the results included."""
    with app.app_context():
        row = db.session.execute(
            select(ScreeningJob.__table__).where(ScreeningJob.id == job_id)
        ).one()
        return dict(row._mapping)


def audit_rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def set_job(app: Flask, job_id: str, **values: object) -> None:
    with app.app_context():
        db.session.execute(update(ScreeningJob).where(ScreeningJob.id == job_id).values(**values))
        db.session.commit()


def queued_job(app: Flask, email: str, size: int = 1000) -> str:
    """A job whose run has not started (no thread): for what a page shows mid-run."""
    job_id = screen_jobs.new_job_id()
    with app.app_context():
        owner = staff_by_email(email)
        assert owner is not None
        screen_jobs.create(job_id, owner, clock.now().date(), "SACRAMENTO", size, "127.0.0.1")
    return job_id


def test_district_attorney_staff_screen_a_file_and_download_the_results(app, da):
    job_id = started(upload(da, RECORDS))
    assert wait_for(app, job_id).status == "done"

    html = da.page(f"{PAGE}/{job_id}")
    assert "Bulk screening: SACRAMENTO as of 2025-06-30" in html
    assert 'http-equiv="refresh"' not in html
    assert "<svg" in html and "Convictions by outcome" in html
    assert (
        '<th scope="row">Prop 64 convictions screened in SACRAMENTO</th><td class="number">2</td>'
        in html
    )
    assert "line 6: level &#39;FEL&#39; is not felony, misdemeanor or infraction" in html

    response = da.get(f"{PAGE}/{job_id}/results.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="record-check-screening-sacramento-2025-06-30-results.csv"'
    )
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == RESULTS

    summary = da.get(f"{PAGE}/{job_id}/summary.json")
    assert summary.status_code == 200
    assert summary.get_json() == SUMMARY
    assert "attachment" in summary.headers["Content-Disposition"]


def test_the_chart_has_a_bar_and_a_table_row_for_every_outcome(app, da):
    html = da.page(f"{PAGE}/{screened(app, da)}")
    for words, count in (
        ("Dismiss (clear the conviction)", 1),
        ("Reduce the felony to a misdemeanor", 0),
        ("Needs a lawyer&#39;s review", 1),
        ("Not eligible under Prop 64", 0),
    ):
        assert f'<tr><th scope="row">{words}</th><td class="number">{count}</td></tr>' in html
    assert html.count('<g class="bar">') == 8  # four outcomes, four code sections
    assert '<th scope="col" class="number">Convictions</th>' in html


def test_the_summary_shows_the_figures_by_code_section_as_a_table_and_a_chart(app, da):
    html = da.page(f"{PAGE}/{screened(app, da)}")
    assert '<th scope="row">HS 11357</th>' in html
    assert (
        '<th scope="row">HS 11359</th>\n        <td class="number">1</td>\n        '
        '<td class="number">0</td><td class="number">0</td><td class="number">1</td>'
        '<td class="number">0</td>'
    ) in html
    assert '<tr><th scope="row">HS 11358</th><td class="number">0</td></tr>' in html  # chart
    for words, figure in (
        ("Felony convictions among them", "1"),
        ("Earliest conviction screened", "2010-05-01"),
        ("People with a conviction dismissed or reduced", "1"),
        ("People with a felony whose record would be left with no felony", "0"),
    ):
        assert f'<th scope="row">{words}</th><td class="number">{figure}</td>' in html


def test_the_job_page_shows_progress_and_reloads_itself_while_the_job_runs(app, da):
    job_id = queued_job(app, da.email, size=1000)
    html = da.page(f"{PAGE}/{job_id}")
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Waiting to start" in html
    with app.app_context():
        assert screen_jobs.mark_running(job_id)
    set_job(app, job_id, started_at=clock.now() - timedelta(seconds=10))
    with app.app_context():
        screen_jobs.note_progress(job_id, 1234, 400)
    html = da.page(f"{PAGE}/{job_id}")
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress max="100" value="40"' in html
    # 1,234 lines in 10 seconds; 400 of 1,000 bytes in 10 seconds leaves 15 seconds.
    assert "40% done (1,234 lines read, 123 lines a second); about 15 s left." in html


def test_a_run_that_stopped_reporting_shows_as_failed_and_the_chore_marks_it(app, da):
    job_id = queued_job(app, da.email)
    set_job(app, job_id, updated_at=clock.now() - timedelta(minutes=11))
    html = da.page(f"{PAGE}/{job_id}")
    assert "the server may have restarted" in html
    assert "Could not be screened" in html
    assert 'http-equiv="refresh"' not in html
    assert "Could not be screened" in da.page(PAGE)
    assert stored_job(app, job_id)["status"] == "queued"  # shown, not written

    with app.app_context():
        assert chores.tidy(clock.now()).stalled == 1
    job = wait_for(app, job_id)
    assert job.status == "failed"
    assert job.error is not None and "the server may have restarted" in job.error


def test_public_defender_staff_get_a_404_for_bulk_screening(app, pd, da):
    missing = pd.get("/staff/no-such-page").data
    job_id = screened(app, da)
    for url in (
        PAGE,
        f"{PAGE}/{job_id}",
        f"{PAGE}/{job_id}/results.csv",
        f"{PAGE}/{job_id}/summary.json",
    ):
        response = pd.get(url)
        assert response.status_code == 404
        assert response.data == missing
    posted = pd.client.post(PAGE, data={"csrf_token": csrf_token(pd.page("/staff/"))})
    assert posted.status_code == 404
    assert stored_results(app, job_id) is not None


def test_the_menu_offers_bulk_screening_only_to_those_who_may_use_it(pd, da, admin):
    link = f'href="{PAGE}"'
    assert link not in pd.page("/staff/")
    assert link in da.page("/staff/")
    assert link in admin.page("/staff/")
    assert f'{link} aria-current="page">Bulk screening' in da.page(PAGE)


def test_another_district_attorney_staff_member_cannot_see_someone_elses_job(
    app, da, make_staff, admin
):
    other = make_staff("drew@da.example.org", "district_attorney")
    job_id = screened(app, da)
    for url in (
        f"{PAGE}/{job_id}",
        f"{PAGE}/{job_id}/results.csv",
        f"{PAGE}/{job_id}/summary.json",
    ):
        assert other.get(url).status_code == 404
    assert job_id not in other.page(PAGE)
    assert stored_results(app, job_id) is not None
    assert job_id in da.page(PAGE)
    # An admin sees every job, and whose it is.
    assert job_id in admin.page(PAGE)
    assert da.email in admin.page(f"{PAGE}/{job_id}")


def test_the_uploaded_file_is_deleted_once_the_run_ends(app, da, upload_dir):
    screened(app, da)
    screened(app, da, RECORDS.encode() + b"P9,\xff\xfe,SACRAMENTO\n")
    assert upload_dir.is_dir()
    assert list(upload_dir.iterdir()) == []


def test_results_are_erased_after_the_first_download(app, da, admin):
    job_id = screened(app, da)
    assert da.get(f"{PAGE}/{job_id}/results.csv").status_code == 200
    assert stored_results(app, job_id) is None

    again = da.get(f"{PAGE}/{job_id}/results.csv")
    assert again.status_code == 303
    assert urlsplit(again.headers["Location"]).path == f"{PAGE}/{job_id}"
    html = da.page(f"{PAGE}/{job_id}")
    assert "already downloaded once" in html
    assert "were downloaded on" in html and "erased from the server" in html
    assert "results.csv" not in html
    assert "level &#39;FEL&#39;" not in html  # the bad rows went with the results
    assert '<td class="number">2</td>' in html  # the counts stay
    assert da.get(f"{PAGE}/{job_id}/summary.json").get_json() == SUMMARY

    audit = admin.page("/staff/audit")
    for action in ("Uploaded a file to screen", "Downloaded screening results"):
        assert action in audit
    assert f"bulk screening {job_id[:8]}, SACRAMENTO as of 2025-06-30, 2 result rows" in audit
    assert audit.count("Downloaded screening results") == 1


def test_an_upload_without_its_csrf_token_is_refused(app, da, upload_dir):
    response = upload(da, RECORDS, token=False)
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ScreeningJob.id)) is None
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (RECORDS.encode("utf-16"), NOT_UTF8),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)), NOT_UTF8),
        (RECORDS.replace("person_id", "personne_numéro").encode("latin-1"), NOT_UTF8),
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        ("person_id,county\nP1,SACRAMENTO\n", "lacks the column(s) dob, code_section, level"),
        ("Dear staff, here are the records you asked for.\n", "lacks the column(s) person_id"),
        (b"x" * 70_000, "too long for a header row"),
    ],
)
def test_a_file_that_cannot_be_screened_is_explained_on_the_form(
    app, da, upload_dir, body, message
):
    response = upload(da, body)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert '<div class="error-summary" role="alert">' in html
    with app.app_context():
        assert db.session.scalar(select(ScreeningJob.id)) is None
    assert list(upload_dir.iterdir()) == []


def test_a_file_that_is_not_utf8_after_its_header_fails_with_a_clear_message(app, da):
    job_id = screened(app, da, RECORDS.encode() + b"P9,\xff\xfe,SACRAMENTO\n")
    job = wait_for(app, job_id)
    assert job.status == "failed"
    response = da.get(f"{PAGE}/{job_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert NOT_UTF8 in html
    assert "Could not be screened" in html
    assert da.get(f"{PAGE}/{job_id}/results.csv").status_code == 303
    assert da.get(f"{PAGE}/{job_id}/summary.json").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"county": "   "}, "County to screen: Enter a county."),
        ({"as_of": "30/06/2025"}, "Screen as of: Not a valid date value."),
        ({"as_of": "1776-07-04"}, "Enter a date between 1900 and next year."),
    ],
)
def test_the_form_says_what_to_fix(app, da, fields, message):
    response = upload(da, RECORDS, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_form_without_a_file_asks_for_one(da):
    token = csrf_token(da.page(PAGE))
    response = da.client.post(
        PAGE,
        data={"csrf_token": token, "as_of": "2025-06-30", "county": "SACRAMENTO"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose a file." in response.get_data(as_text=True)


def test_the_county_is_chosen_in_any_case(app, da):
    job_id = screened(app, da, county=" yolo ")
    assert da.get(f"{PAGE}/{job_id}/summary.json").get_json()["convictions"] == 1
    assert "P3,11360(A) HS" in da.get(f"{PAGE}/{job_id}/results.csv").get_data(as_text=True)


def test_a_file_larger_than_the_apps_usual_limit_is_screened(app, da):
    rows = [conviction(f"P{number}", "11357 HS", level="misdemeanor") for number in range(1500)]
    body = csv_text(rows)
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    job_id = screened(app, da, body)
    assert da.get(f"{PAGE}/{job_id}/summary.json").get_json()["dismiss"] == 1500


def test_a_file_over_the_pages_limit_is_refused_with_a_clear_message(app, da, upload_dir):
    app.config["SCREEN_MAX_UPLOAD"] = 20_000
    response = upload(da, csv_text([conviction(f"P{n}") for n in range(400)]))
    assert response.status_code == 413
    assert "The file is larger than 19 KB" in response.get_data(as_text=True)
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_results_not_downloaded_expire_with_the_screen_expire_command(app, da):
    job_id = screened(app, da)
    set_job(app, job_id, expires_at=clock.now() - timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["screen-expire"])
    assert result.exit_code == 0, result.output
    assert "Expired 1 screening jobs" in result.output
    assert stored_results(app, job_id) is None
    assert wait_for(app, job_id).status == "expired"
    html = da.page(f"{PAGE}/{job_id}")
    assert "not downloaded within 24 hours" in html
    assert da.get(f"{PAGE}/{job_id}/results.csv").status_code == 303
    assert da.get(f"{PAGE}/{job_id}/summary.json").get_json() == SUMMARY


def test_results_past_their_expiry_are_shown_expired_and_refused_before_the_chore_runs(app, da):
    job_id = screened(app, da)
    set_job(app, job_id, expires_at=clock.now() - timedelta(minutes=1))
    html = da.page(f"{PAGE}/{job_id}")
    assert "not downloaded within 24 hours" in html
    assert "Done; results expired" in html
    assert "results.csv" not in html
    assert "level &#39;FEL&#39;" not in html  # the bad rows are not shown either
    assert "Done; results expired" in da.page(PAGE)
    assert da.get(f"{PAGE}/{job_id}/results.csv").status_code == 303
    assert "already downloaded once, or expired" in da.page(f"{PAGE}/{job_id}")
    assert da.get(f"{PAGE}/{job_id}/summary.json").get_json() == SUMMARY
    # Refused, but erased only by the chore.
    assert stored_results(app, job_id) is not None
    assert stored_job(app, job_id)["status"] == "done"


def test_the_chore_expires_due_jobs_and_sweeps_leftover_uploads(app, da, upload_dir):
    due, fresh = screened(app, da), screened(app, da)
    set_job(app, due, expires_at=clock.now() - timedelta(minutes=1))
    stopped = queued_job(app, da.email)
    set_job(app, stopped, updated_at=clock.now() - timedelta(minutes=11))
    leftover = upload_dir / f"{stopped}.csv"
    leftover.write_text(RECORDS, encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))

    with app.app_context():
        tidied = chores.tidy(clock.now())
    assert (tidied.expired, tidied.stalled, tidied.removed) == (1, 1, 1)
    assert wait_for(app, due).status == "expired"
    assert stored_results(app, due) is None
    assert wait_for(app, due).bad_rows is None
    assert wait_for(app, stopped).status == "failed"
    assert not leftover.exists()
    assert wait_for(app, fresh).status == "done"
    assert stored_results(app, fresh) is not None
    with app.app_context():
        assert chores.tidy(clock.now()) == chores.Tidied(0, 0, 0)  # nothing left to do


@pytest.fixture
def writes(app: Flask) -> Iterator[list[str]]:
    """Every statement other than a read that the app sends to the database, as it is sent."""
    sent: list[str] = []

    def note(_conn, _cursor, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


def test_viewing_the_screening_pages_writes_nothing(app, da, admin, upload_dir, writes):
    expired = screened(app, da)
    set_job(app, expired, expires_at=clock.now() - timedelta(minutes=1))
    stopped = queued_job(app, da.email)
    set_job(app, stopped, updated_at=clock.now() - timedelta(hours=1))
    leftover = upload_dir / f"{stopped}.csv"
    leftover.write_text(RECORDS, encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    before = {job_id: stored_job(app, job_id) for job_id in (expired, stopped)}
    audited = audit_rows(app)
    writes.clear()

    for viewer in (da, admin):
        for url in (PAGE, f"{PAGE}/{expired}", f"{PAGE}/{stopped}", f"{PAGE}/no-such-job"):
            viewer.get(url)

    assert writes == []
    assert {job_id: stored_job(app, job_id) for job_id in before} == before
    assert audit_rows(app) == audited
    assert leftover.exists()


def test_uploads_left_by_a_stopped_run_are_swept_up(app, da, upload_dir):
    upload_dir.mkdir()
    old, recent = upload_dir / "gone-worker.csv", upload_dir / "just-saved.csv"
    for path in (old, recent):
        path.write_text(RECORDS, encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    result = app.test_cli_runner().invoke(args=["screen-expire"])
    assert "removed 1 leftover uploads" in result.output
    assert list(upload_dir.iterdir()) == [recent]


def test_nothing_personal_is_logged_while_screening(app, da, caplog):
    caplog.set_level(logging.INFO, logger="bot")
    body = csv_text(
        [conviction("PERSON-7Q4", dob="1979-03-17"), conviction("PERSON-7Q4", level="x")]
    )
    job_id = screened(app, da, body)
    da.get(f"{PAGE}/{job_id}/results.csv")
    logged = " ".join(
        f"{record.getMessage()} {getattr(record, 'fields', '')}" for record in caplog.records
    )
    assert "bulk screening finished" in logged
    assert job_id not in logged
    for personal in ("PERSON-7Q4", "1979-03-17", "records.csv"):
        assert personal not in logged


def test_one_person_may_have_two_runs_going_at_once(app, da, upload_dir):
    queued_job(app, da.email)
    queued_job(app, da.email)
    response = upload(da, RECORDS)
    assert response.status_code == 429
    assert "You already have two screenings running" in response.get_data(as_text=True)
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_runs_that_went_quiet_or_expired_do_not_count_against_the_limit(app, da, make_staff):
    stopped, overdue = queued_job(app, da.email), queued_job(app, da.email)
    set_job(app, stopped, updated_at=clock.now() - timedelta(minutes=11))
    set_job(app, overdue, expires_at=clock.now() - timedelta(minutes=1))
    queued_job(app, make_staff("drew@da.example.org", "district_attorney").email)
    queued_job(app, da.email)  # the one run still going
    job_id = screened(app, da)  # no chore ran first
    assert wait_for(app, job_id).status == "done"
    assert stored_job(app, stopped)["status"] == "queued"
    assert stored_job(app, overdue)["status"] == "queued"


def upload_files(staff: Staff, files: list[tuple[str, str]], **fields: str) -> TestResponse:
    """Post several files at once, as a browser does for a file input with ``multiple``."""
    form: dict[str, object] = {"as_of": "2025-06-30", "county": "Sacramento", **fields}
    form["csrf_token"] = csrf_token(staff.page(PAGE))
    form["file"] = [(io.BytesIO(text.encode("utf-8")), name) for name, text in files]
    return staff.client.post(PAGE, data=form, content_type="multipart/form-data")


DOJ_PARTS = [
    (
        "doj-part1.csv",
        doj_text(
            [
                doj_row("S1", offense="11360 HS-SELL/ETC MARIJ", sent_length="20", sent_unit="Y"),
                doj_row(
                    '=HYPERLINK("http://evil")', offense="--11357 HS--", conv_stat="MISDEMEANOR"
                ),
            ]
        ),
    ),
    (
        "doj-part2.csv",
        doj_text(
            [doj_row("S1", "002002001", offense="459 PC-BURGLARY", event_date="20200101")],
            header=False,
        ),
    ),
]


def test_the_parts_of_a_doj_file_are_screened_as_one_run_and_downloaded_as_a_zip(
    app, da, upload_dir
):
    job_id = started(upload_files(da, DOJ_PARTS))
    job = wait_for(app, job_id)
    assert (job.status, job.input_format, job.files) == ("done", "doj", 2)
    html = da.page(f"{PAGE}/{job_id}")
    assert "DOJ research file, 2 files" in html
    assert "court-copy.csv" in html
    summary = da.get(f"{PAGE}/{job_id}/summary.json").get_json()
    assert (summary["convictions"], summary["reduce"], summary["dismiss"]) == (2, 1, 1)

    download = da.get(f"{PAGE}/{job_id}/results.csv")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].endswith('-results.zip"')
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        assert archive.namelist() == ["results.csv", "court-copy.csv", "condensed.csv"]
        files = {name: _parsed_csv(archive.read(name)) for name in archive.namelist()}
    assert files["results.csv"][1:] == [
        [
            "doj-part1.csv",
            "2",
            "S1",
            "11360 HS",
            "2010-05-01",
            "reduce",
            "recent_convictions",
            "",
        ],
        [
            "doj-part1.csv",
            "3",
            '\'=HYPERLINK("http://evil")',
            "11357 HS",
            "2010-05-01",
            "dismiss",
            "possession",
            "",
        ],
    ]
    assert len(files["court-copy.csv"]) == 4  # a header and the three rows
    assert files["condensed.csv"][1][:3] == ["S1", "10F01234", "11360 HS"]
    every_cell = [cell for rows in files.values() for row in rows for cell in row]
    assert not [cell for cell in every_cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert stored_results(app, job_id) is None
    assert list(upload_dir.iterdir()) == []


def _parsed_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_files_in_two_formats_or_not_in_the_chosen_one_are_explained_on_the_form(
    app, da, upload_dir
):
    mixed = upload_files(da, [("records.csv", RECORDS), DOJ_PARTS[0]])
    assert mixed.status_code == 400
    assert "not all in one format" in mixed.get_data(as_text=True)
    forced = upload_files(da, [("records.csv", RECORDS)], file_format="doj")
    assert forced.status_code == 400
    assert "records.csv is not a DOJ research file" in forced.get_data(as_text=True)
    assert list(upload_dir.iterdir()) == []


def test_a_doj_file_can_be_chosen_by_hand_and_runs_show_their_progress_in_both_passes(app, da):
    job_id = started(upload_files(da, DOJ_PARTS[:1], file_format="doj"))
    assert wait_for(app, job_id).status == "done"
    queued = queued_job(app, da.email, size=1000)
    set_job(app, queued, input_format="doj", status="running", started_at=clock.now())
    with app.app_context():
        screen_jobs.note_progress(queued, 10, 1000)  # read once: half the work
    assert '<progress max="100" value="50"' in da.page(f"{PAGE}/{queued}")


def test_every_upload_of_a_stopped_run_is_swept_up(app, da, upload_dir):
    stopped = queued_job(app, da.email)
    set_job(app, stopped, updated_at=clock.now() - timedelta(minutes=11))
    upload_dir.mkdir(exist_ok=True)
    parts = [upload_dir / f"{stopped}.csv", upload_dir / f"{stopped}.2.csv"]
    an_hour_ago = time.time() - 3600
    for path in parts:
        path.write_text(RECORDS, encoding="utf-8")
        os.utime(path, (an_hour_ago, an_hour_ago))
    with app.app_context():
        assert chores.tidy(clock.now()).removed == 2
    assert list(upload_dir.iterdir()) == []
