"""The staff pages over residents' inquiries: the list, one record, the export, figures, audit.

Views only read the request, call storage (``bot.storage.inquiries``, where every read is
scoped to the viewer's office, and the audit trail in ``bot.storage.staff``) and render. Every
detail view and every export is recorded in the audit trail before anything personal is sent.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from bot import clock
from bot.core import reference
from bot.staff import export, labels, stats, texting
from bot.staff.auth import admin_only, signed_in_user
from bot.staff.blueprint import bp
from bot.staff.filters import page_number, parse_filters
from bot.staff.forms import InquiryForm
from bot.storage import calls
from bot.storage import inquiries as store
from bot.storage.inquiries import InquiryDetail, Scope
from bot.storage.staff import audit_page, record_export, record_view


@bp.get("/")
def inquiries() -> str:
    """The inquiries the viewer's office may see, newest first, filtered and searched."""
    filters = parse_filters(request.args)
    page = store.inquiry_page(Scope.of(signed_in_user()), filters, page_number(request.args))
    return render_template("staff/inquiries.html", filters=filters, page=page)


def _find_or_404(ref: str) -> InquiryDetail:
    """The inquiry, or the same 404 whether it is missing or another office's."""
    parsed = reference.parse(ref)
    found = None
    if parsed.reference is not None:
        found = store.find_inquiry(Scope.of(signed_in_user()), parsed.reference)
    if found is None:
        abort(404)
    return found


@bp.route("/inquiries/<ref>", methods=["GET", "POST"])
def inquiry(ref: str) -> BaseResponse | tuple[str, int] | str:
    """One inquiry's record: answers, outcome and why, the thread; status and notes to edit."""
    detail = _find_or_404(ref)
    user = signed_in_user()
    form = InquiryForm(data={"status": detail.status, "notes": detail.notes})
    if form.validate_on_submit():
        store.update_inquiry(
            user, detail.id, form.status.data, form.notes.data or "", request.remote_addr
        )
        flash(f"Saved. The status is now {labels.STATUSES[form.status.data]}.", "success")
        return redirect(url_for("staff.inquiry", ref=detail.reference), 303)
    record_view(user, detail.id, detail.reference, request.remote_addr)
    page = render_template(
        "staff/inquiry.html",
        inquiry=detail,
        messages=store.transcript(detail.id),
        call=calls.call_summary(detail.id),
        form=form,
        texting=texting.panel(detail),
    )
    return (page, 400) if request.method == "POST" else page


@bp.get("/export.csv")
def export_csv() -> Response:
    """The inquiries the current filters show, as CSV; message bodies only with ``bodies=1``."""
    user = signed_in_user()
    filters = parse_filters(request.args)
    bodies = request.args.get("bodies") == "1"
    scope = Scope.of(user)
    targets = store.export_targets(scope, filters)
    description = filters.describe() + ("; with message bodies" if bodies else "")
    record_export(user, [ref for _, ref in targets], description, request.remote_addr)
    filename = f"record-check-inquiries-{datetime.now(clock.COUNTY_TIME):%Y-%m-%d}.csv"
    return Response(
        stream_with_context(export.stream(scope, [i for i, _ in targets], bodies)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/stats")
def figures() -> str:
    """Counts by outcome, office, channel and week, as tables and bar charts."""
    filters = parse_filters(request.args)
    return render_template(
        "staff/stats.html",
        filters=filters,
        figures=stats.figures(Scope.of(signed_in_user()), filters),
    )


@bp.get("/audit")
@admin_only
def audit() -> str:
    """Who viewed, exported or changed which inquiry, and when (admins only)."""
    page = audit_page(page_number(request.args))
    return render_template("staff/audit.html", page=page)
