"""Staff text a resident from an inquiry's page: a ready text in the inquiry's language, or
their own words within the language's segment budget, through the one outbound path
(``bot.service.outbound_texts.queue_text``). The page shows each text with its status and who
sent it, and why the form is off when no text may go (no number, or the resident opted out).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from bot.core import reference
from bot.core.conversation.segments import GSM7_BASIC, GSM7_EXTENSION
from bot.jobs import tasks
from bot.service import outbound_texts
from bot.service.outbound_texts import Queued, Refused, Sender
from bot.staff.auth import signed_in_user
from bot.staff.blueprint import bp
from bot.staff.forms import StaffForm
from bot.storage import outbound_texts as texts_store
from bot.storage.inquiries import InquiryDetail, Scope, find_inquiry
from bot.storage.outbound_texts import TextRow

OWN_WORDS = "own"
#: Status words staff read; Twilio's own values are shown as Twilio sends them.
STATUS_WORDS = {
    "held": "held until quiet hours end",
    "waiting": "waiting to be sent",
    "submitting": "being sent",
    "unknown": "unknown: Twilio may or may not have it; it will not be sent again by itself",
}
READY_LABELS = {
    "will_call": "We have your case and will call you",
    "please_call": "Please call us",
    "no_answer": "We could not reach you",
}


class TextForm(StaffForm):
    choice = RadioField("Text", default=OWN_WORDS)
    body = TextAreaField("Your own words", validators=[Length(max=1600)])


@dataclass(frozen=True)
class Panel:
    """What the inquiry page's texting section shows."""

    texts: list[TextRow]
    refusal: str | None
    ready: dict[str, str]
    budget: int
    form: TextForm


def _form(ready: dict[str, str]) -> TextForm:
    form = TextForm()
    form.choice.choices = [(key, READY_LABELS.get(key, key)) for key in ready] + [
        (OWN_WORDS, "Write your own (below)")
    ]
    return form


def panel(detail: InquiryDetail) -> Panel:
    """The texting section for an inquiry; opening it marks the resident's replies read."""
    texts_store.mark_read(detail.id)
    where = outbound_texts.target(detail.id)
    refused = outbound_texts.refusal(where)
    ready = outbound_texts.ready_texts(where) if where is not None else {}
    return Panel(
        texts=texts_store.for_inquiry(detail.id),
        refusal=refused.message if refused else None,
        ready=ready,
        budget=outbound_texts.budget(detail.language),
        form=_form(ready),
    )


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


#: For the page's live segment count (the server counts again, with bot.core).
GSM7 = {"basic": "".join(sorted(GSM7_BASIC)), "extension": "".join(sorted(GSM7_EXTENSION))}


@bp.post("/inquiries/<ref>/texts")
def send_text(ref: str) -> BaseResponse:
    """Queue a text to the inquiry's resident; back to the inquiry's page either way."""
    parsed = reference.parse(ref)
    user = signed_in_user()
    detail = None
    if parsed.reference is not None:
        detail = find_inquiry(Scope.of(user), parsed.reference)
    if detail is None:
        abort(404)  # missing or another office's: the same 404 as the page
    back = redirect(url_for("staff.inquiry", ref=detail.reference, _anchor="texts"), 303)
    where = outbound_texts.target(detail.id)
    ready = outbound_texts.ready_texts(where) if where is not None else {}
    form = _form(ready)
    if not form.validate_on_submit():
        flash("The text was not sent: " + "; ".join(_errors(form)), "error")
        return back
    body = ready.get(form.choice.data, form.body.data or "")
    sender = Sender.staff_member(user, request.remote_addr)
    result = outbound_texts.queue_text(detail.id, body, sender, tasks.sending())
    if isinstance(result, Refused):
        flash(f"The text was not sent. {result.message}", "error")
    elif isinstance(result, Queued) and result.status == "held":
        flash("Quiet hours: the text is held and will be sent when they end.", "success")
    else:
        flash("The text is queued and will be sent in a moment.", "success")
    return back


def _errors(form: TextForm) -> list[str]:
    return [error for errors in form.errors.values() for error in errors] or ["try again"]


@bp.context_processor
def texting_words() -> dict[str, object]:
    return {"texting_status": status_words, "texting_gsm": GSM7}
