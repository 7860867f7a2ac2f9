"""The bulk screening pages: upload a court record file, watch it run, download what it found.

For admins and the District Attorney's staff; anyone else gets the same 404 as a missing page,
and a job is only ever found for its owner or an admin. The run happens in a thread
(``screen_runner``) and keeps its progress in the database, so the job page, which reloads itself
without JavaScript, may be served by any worker. The results can be downloaded once: the download
erases them, and the audit trail records it.

Showing a page changes nothing: a job past its 24 hours or a run that went quiet is shown as
such when it is read, and the chores that write this down run apart (``chores``). The only
writes here are a new job's row and a download's (its audit entry, and the results it erases).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from bot import clock
from bot.core.screening import COLUMNS, DEFAULT_COUNTY, DOJ
from bot.core.screening.summary import SECTION_COUNTS, SECTIONS
from bot.screening_jobs import runner as screen_runner
from bot.staff import labels
from bot.staff.auth import signed_in_user
from bot.staff.blueprint import bp
from bot.staff.forms import StaffForm
from bot.staff.stats import Chart
from bot.storage import screening_jobs as screen_jobs
from bot.storage.screening_jobs import JobView
from bot.web.extensions import csrf

P = ParamSpec("P")
R = TypeVar("R")

#: The largest upload this page takes (``SCREEN_MAX_UPLOAD``), far above the app's 64 KiB.
MAX_UPLOAD = 200 * 1024 * 1024
CHUNK = 64 * 1024
STATUSES = {
    "queued": "Waiting to start",
    "running": "Screening",
    "done": "Done",
    "failed": "Could not be screened",
    "expired": "Done; results expired",
}
#: Runs one person may have going at once: each holds a file's worth of work in a web worker.
ACTIVE_LIMIT = 2
BUSY = (
    "You already have two screenings running. Wait for one of them to finish, "
    "then upload this file."
)
ERASED = "Those results were already downloaded once, or expired, and have been erased."


def screeners_only(view: Callable[P, R]) -> Callable[P, R]:
    """Admins and the District Attorney's staff; anyone else gets the 404 of a missing page."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not screen_jobs.may_screen(signed_in_user()):
            abort(404)
        return view(*args, **kwargs)

    return wrapper


@bp.context_processor
def screening_access() -> dict[str, object]:
    """Lets the staff menu offer bulk screening only to those who may use it."""
    return {"may_screen": screen_jobs.may_screen}


def _today() -> date:
    return datetime.now(clock.COUNTY_TIME).date()


def _sensible_year(_form: FlaskForm, field: DateField) -> None:
    if field.data is not None and not 1900 <= field.data.year <= clock.this_year() + 1:
        raise ValidationError("Enter a date between 1900 and next year.")


def _county_name(value: str | None) -> str | None:
    return value.strip().upper() if value else value


#: Files one run takes: a DOJ delivery in parts.
MAX_FILES = 20
FORMAT_CHOICES = [
    SelectChoice("", "Tell from the file"),
    SelectChoice("csv", "CSV with our columns"),
    SelectChoice("doj", "DOJ research file"),
]


def _chosen_files(_form: FlaskForm, field: MultipleFileField) -> None:
    chosen = [upload for upload in field.data or [] if upload and upload.filename]
    if not chosen:
        raise ValidationError("Choose a file.")
    if len(chosen) > MAX_FILES:
        raise ValidationError(f"Choose at most {MAX_FILES} files for one screening.")
    field.data = chosen


class ScreenForm(StaffForm):
    file = MultipleFileField(
        "Court record file (CSV), or the parts of a DOJ research file", validators=[_chosen_files]
    )
    file_format = SelectField("Format", choices=FORMAT_CHOICES, default="")
    as_of = DateField(
        "Screen as of",
        default=_today,
        validators=[InputRequired("Enter a date."), _sensible_year],
    )
    county = StringField(
        "County to screen",
        default=DEFAULT_COUNTY,
        filters=[_county_name],
        validators=[DataRequired("Enter a county."), Length(max=64)],
    )


def _upload_limit() -> int:
    return int(current_app.config.get("SCREEN_MAX_UPLOAD") or MAX_UPLOAD)


def _size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(1, size // 1024)} KB"


def _upload_page(
    form: ScreenForm, problem: str | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "staff/screen.html",
        form=form,
        problem=problem,
        jobs=screen_jobs.recent(signed_in_user(), clock.now()),
        statuses=STATUSES,
        columns=COLUMNS,
        limit=_size_words(_upload_limit()),
    )
    return page, status


@bp.get("/screen")
@screeners_only
def screening() -> tuple[str, int]:
    """The upload form, and the viewer's recent runs."""
    return _upload_page(ScreenForm())


@bp.post("/screen")
@screeners_only
@csrf.exempt  # checked below, once this route's own size limit applies
def screening_start() -> tuple[str, int] | BaseResponse:
    """Take the upload and start its run; problems with the file are told on the form."""
    if screen_jobs.active_count(signed_in_user(), clock.now()) >= ACTIVE_LIMIT:
        return _upload_page(ScreenForm(formdata=None), BUSY, 429)
    request.max_content_length = _upload_limit()
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        form = ScreenForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        too_large = (
            f"The file is larger than {_size_words(_upload_limit())}, the most this page takes."
        )
        return _upload_page(ScreenForm(formdata=None), too_large, 413)
    if not valid:
        return _upload_page(form, status=400)
    try:
        job_id = screen_runner.start(
            signed_in_user(),
            form.file.data,
            form.as_of.data,
            form.county.data,
            request.remote_addr,
            form.file_format.data or None,
        )
    except screen_runner.UploadError as problem:
        return _upload_page(form, str(problem), 400)
    return redirect(url_for("staff.screening_job", job_id=job_id), 303)


def _job_or_404(job_id: str) -> JobView:
    """The job as it stands now, or the same 404 whether it is missing or someone else's."""
    job = screen_jobs.find(signed_in_user(), job_id, clock.now())
    if job is None:
        abort(404)
    return job


def _count(summary: Mapping[str, object], key: str) -> int:
    value = summary.get(key, 0)
    return value if isinstance(value, int) else 0


def outcome_chart(summary: Mapping[str, object]) -> Chart:
    """The outcomes as a bar chart, every outcome shown even at zero."""
    rows = [(words, _count(summary, outcome)) for outcome, words in labels.OUTCOMES.items()]
    counts = ", ".join(f"{words}: {count}" for words, count in rows)
    return Chart(
        "outcome",
        "Outcome",
        "Convictions by outcome",
        f"Prop 64 convictions screened, by likely outcome. {counts}.",
        rows,
        count_heading="Convictions",
    )


def by_section(summary: Mapping[str, object]) -> dict[str, dict[str, int]]:
    """The counts by code section, every section and count present (zero for older runs)."""
    found = summary.get("by_section")
    sections = found if isinstance(found, dict) else {}
    return {
        section: {key: _count(sections.get(section) or {}, key) for key in SECTION_COUNTS}
        for section in SECTIONS.values()
    }


def section_chart(summary: Mapping[str, object]) -> Chart:
    """Convictions by code section, every section shown even at zero."""
    sections = by_section(summary)
    rows = [(f"HS {section}", counts["convictions"]) for section, counts in sections.items()]
    counts = ", ".join(f"{words}: {count}" for words, count in rows)
    return Chart(
        "section",
        "Code section",
        "Convictions by code section",
        f"Prop 64 convictions screened, by code section. {counts}.",
        rows,
        count_heading="Convictions",
    )


def _duration(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@bp.get("/screen/<job_id>")
@screeners_only
def screening_job(job_id: str) -> str:
    """One run: its progress while it runs, then the summary, the charts and the downloads."""
    job = _job_or_404(job_id)
    charts = [outcome_chart(job.summary), section_chart(job.summary)] if job.summary else []
    return render_template(
        "staff/screen_job.html",
        job=job,
        charts=charts,
        sections=by_section(job.summary) if job.summary else {},
        time_left=_duration(job.seconds_left),
        statuses=STATUSES,
        outcome_words=labels.OUTCOMES,
    )


def _attachment(job: JobView, kind: str) -> dict[str, str]:
    name = f"record-check-screening-{job.county.lower()}-{job.as_of.isoformat()}-{kind}"
    safe = "".join(c if c.isalnum() or c in "-._" else "-" for c in name)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def _unzipped(results: bytes) -> Iterator[bytes]:
    with gzip.GzipFile(fileobj=io.BytesIO(results)) as source:
        while chunk := source.read(CHUNK):
            yield chunk


@bp.get("/screen/<job_id>/results.csv")
@screeners_only
def screening_results(job_id: str) -> BaseResponse:
    """The results CSV, once: it is erased from the server as it is handed over."""
    job = _job_or_404(job_id)
    doj = job.input_format == DOJ
    headers = _attachment(job, "results.zip" if doj else "results.csv")
    results = screen_jobs.take_results(signed_in_user(), job.id, request.remote_addr)
    if results is None:
        flash(ERASED, "info")
        return redirect(url_for("staff.screening_job", job_id=job_id), 303)
    if doj:  # the zip of the results, the court copy and the condensed list, as stored
        return Response(results, mimetype="application/zip", headers=headers)
    return Response(_unzipped(results), mimetype="text/csv", headers=headers)


@bp.get("/screen/<job_id>/summary.json")
@screeners_only
def screening_summary(job_id: str) -> Response:
    """The run's counts as JSON: the ``screen --json`` keys, with the county and date."""
    job = _job_or_404(job_id)
    if job.summary is None:
        abort(404)
    body = {"county": job.county, "as_of": job.as_of.isoformat(), **job.summary}
    headers = _attachment(job, "summary.json")
    screen_jobs.record_summary_download(signed_in_user(), job, request.remote_addr)
    return Response(json.dumps(body, indent=2) + "\n", mimetype="application/json", headers=headers)
