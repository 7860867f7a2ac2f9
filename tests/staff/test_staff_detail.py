"""One inquiry's record: the thread, the answers, the outcome and why, status and notes."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.core.eligibility.rules import RULES_BY_REASON
from bot.storage.db import db
from bot.storage.models import Inquiry
from bot.storage.staff import AuditEvent
from tests.support.staff import csrf_token


def events(app, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return list(found)


def test_the_record_shows_the_thread_in_order_both_sides(da, da_inquiry):
    html = da.page(f"/staff/inquiries/{da_inquiry}")
    thread = re.findall(r'<li class="message message-(in|out)">.*?<p>(.*?)</p>', html, re.S)
    assert [way for way, _ in thread] == ["in", "out"] * 6
    said = [text for way, text in thread if way == "in"]
    assert said == ["Hi", "yes", "weed possession", "2009", "I was 25", "no"]
    assert da_inquiry in thread[-1][1]


def test_the_record_shows_the_phone_number_of_a_texting_resident(da, da_inquiry):
    assert "+19165550101" in da.page(f"/staff/inquiries/{da_inquiry}")


def test_the_record_shows_the_answers_in_plain_words(da, da_inquiry):
    html = da.page(f"/staff/inquiries/{da_inquiry}")
    assert "Conviction in Sacramento County?" in html
    assert "Having it (possession)" in html
    assert "2009" in html
    assert "21 or older" in html
    assert "No, completed" in html
    assert "sentence_status" not in html


def test_the_record_explains_the_outcome_with_the_deciding_rule_and_its_citation(
    app, pd, pd_inquiry
):
    html = pd.page(f"/staff/inquiries/{pd_inquiry}")
    with app.app_context():
        reasons = db.session.scalars(
            select(Inquiry.reasons).where(Inquiry.reference == pd_inquiry)
        ).one()
    rule = RULES_BY_REASON[reasons[0]]
    assert "Needs a lawyer&#39;s review" in html
    assert rule.explain in html
    assert rule.citation in html
    assert "Sacramento County Public Defender" in html


def test_saving_status_and_notes_redirects_back_with_a_confirmation(app, da, da_inquiry):
    url = f"/staff/inquiries/{da_inquiry}"
    response = da.submit(url, {"status": "contacted", "notes": "Left a voicemail."})
    assert response.status_code == 303
    assert response.headers["Location"] == url
    html = da.page(url)
    assert "Saved. The status is now Contacted." in html
    assert "Left a voicemail." in html
    assert '<option selected value="contacted">' in html
    with app.app_context():
        inquiry = db.session.scalars(select(Inquiry).where(Inquiry.reference == da_inquiry)).one()
        assert (inquiry.status, inquiry.notes) == ("contacted", "Left a voicemail.")
    (update,) = events(app, "update")
    assert update.reference == da_inquiry
    assert "status new -> contacted" in update.detail


def test_an_unknown_status_is_refused_and_nothing_changes(app, da, da_inquiry):
    url = f"/staff/inquiries/{da_inquiry}"
    response = da.submit(url, {"status": "deleted", "notes": "x"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.scalars(select(Inquiry).where(Inquiry.reference == da_inquiry)).one()
        assert (inquiry.status, inquiry.notes) == ("new", "")


def test_saving_without_a_csrf_token_is_refused(app, da, da_inquiry):
    url = f"/staff/inquiries/{da_inquiry}"
    response = da.client.post(url, data={"status": "resolved", "notes": ""})
    assert response.status_code == 400
    assert events(app, "update") == []


def test_every_view_of_a_record_leaves_an_audit_event(app, da, da_inquiry):
    for _ in range(2):
        da.page(f"/staff/inquiries/{da_inquiry}")
    views = events(app, "view")
    assert len(views) == 2
    for event in views:
        assert event.reference == da_inquiry
        assert event.inquiry_id is not None
        assert event.ip == "127.0.0.1"
        assert event.created_at is not None


def test_a_missing_or_other_offices_record_leaves_no_view_event(app, pd, da_inquiry):
    assert pd.get(f"/staff/inquiries/{da_inquiry}").status_code == 404
    assert pd.get("/staff/inquiries/not-a-reference").status_code == 404
    assert events(app, "view") == []


def test_a_reference_typed_loosely_in_the_address_opens_the_record(da, da_inquiry):
    loose = da_inquiry.lower().replace("-", "")
    assert da_inquiry in da.page(f"/staff/inquiries/{loose}")


def test_the_record_form_is_usable_in_a_browser(da, da_inquiry):
    html = da.page(f"/staff/inquiries/{da_inquiry}")
    assert '<label for="status">Status</label>' in html
    assert '<label for="notes">Notes</label>' in html
    assert '<button type="submit">Save</button>' in html
    assert csrf_token(html)
