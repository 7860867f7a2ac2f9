"""Staff members in a browser, and residents' inquiries for them to read.

Accounts are made with the real ``create-staff`` command (password on standard input); staff
sign in through the real form and post every form with the CSRF token read from the page, as a
browser does. Inquiries come from residents texting the real webhook (``finish_check``), or,
when a test needs many, from ``create_inquiry``, which saves rows the way the store does.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bot import clock
from bot.core import reference
from bot.storage.db import db
from bot.storage.keys import new_token
from bot.storage.models import Conversation, Inquiry, Message
from bot.storage.transactions import transaction
from tests.support.texter import Texter

PASSWORD = "correct horse battery staple"
REFERENCE = re.compile(r"SAC-[0-9A-Z]{4}-[0-9A-Z]{4}")


class Inputs(HTMLParser):
    """The name and value of every input on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name"):
            self.values.setdefault(found["name"] or "", []).append(found.get("value") or "")


def csrf_token(html: str) -> str:
    parser = Inputs()
    parser.feed(html)
    return parser.values["csrf_token"][0]


def references_in(html: str) -> set[str]:
    return set(REFERENCE.findall(html))


def create_staff(app: Flask, email: str, office: str, admin: bool = False) -> None:
    args = ["create-staff", email, "--office", office] + (["--admin"] if admin else [])
    result = app.test_cli_runner().invoke(args=args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output


class Staff:
    """One staff member's browser: its own cookies, forms posted with their CSRF token, and
    (once enrolled) the authenticator app and the recovery codes."""

    def __init__(self, app: Flask, email: str) -> None:
        self.client: FlaskClient = app.test_client()
        self.email = email
        self.secret: str | None = None
        self.recovery_codes: list[str] = []
        self.last_step = -1

    def get(self, url: str, **kwargs: object) -> TestResponse:
        return self.client.get(url, **kwargs)

    def page(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def submit(self, form_url: str, data: dict[str, str], to: str | None = None) -> TestResponse:
        """Open the page with the form, then post it with the page's CSRF token."""
        token = csrf_token(self.page(form_url))
        return self.client.post(to or form_url, data={**data, "csrf_token": token})

    def sign_in(self, password: str = PASSWORD) -> TestResponse:
        """Sign in through the form, and the second factor when asked for one (enrolling at
        the first time): the last answer, a redirect to the page asked for once signed in
        (the recovery codes' page after enrolling)."""
        response = self.submit("/staff/login", {"email": self.email, "password": password})
        location = response.headers.get("Location", "")
        if location.endswith("/staff/login/enrol"):
            return self.enrol()
        if location.endswith("/staff/login/code"):
            return self.enter_code()
        return response

    def enrol(self) -> TestResponse:
        """Set up the second factor as a person does: the key from the page into the app."""
        html = self.page("/staff/login/enrol")
        key = re.search(r'<code class="totp-key">([A-Z2-7 ]+)</code>', html)
        assert key, html
        self.secret = key.group(1).replace(" ", "")
        code = self.next_code()
        assert code is not None
        response = self.client.post(
            "/staff/login/enrol", data={"code": code, "csrf_token": csrf_token(html)}
        )
        page = response.get_data(as_text=True)
        self.recovery_codes = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", page)
        return response

    def next_code(self) -> str | None:
        """The app's code for the first step after the last one used (now or the next step,
        which the service accepts as drift); ``None`` when both were used."""
        assert self.secret is not None
        totp = pyotp.TOTP(self.secret)
        now = totp.timecode(clock.now())
        step = max(now, self.last_step + 1)
        if step > now + 1:
            return None
        self.last_step = step
        return totp.generate_otp(step)

    def enter_code(self, code: str | None = None) -> TestResponse:
        """The code page: the app's next code, or a recovery code when the app has none left."""
        if code is None:
            code = self.next_code() or self.recovery_codes.pop()
        return self.submit("/staff/login/code", {"code": code})


def finish_check(client: FlaskClient, phone: str, answers: list[str]) -> str:
    """Text a whole check from ``phone``; the reference from the result."""
    texter = Texter(client, phone=phone)
    texter.text("Hi")
    result = ""
    for answer in answers:
        result = texter.text(answer)
    found = REFERENCE.search(result)
    assert found, result
    return found.group()


DA_ANSWERS = ["yes", "weed possession", "2009", "I was 25", "no"]  # dismiss, District Attorney
PD_ANSWERS = ["no", "growing plants", "2008"]  # other county: review, Public Defender


def create_inquiry(
    app: Flask,
    office: str = "public_defender",
    outcome: str = "review",
    channel: str = "web",
    created_at: datetime | None = None,
    status: str = "new",
    notes: str = "",
) -> str:
    """Save a finished inquiry directly, as the store would; its reference."""
    moment = created_at or clock.now()
    ref = reference.generate()
    with app.app_context(), transaction():
        conversation = Conversation(
            token=new_token(),
            channel=channel,
            state={},
            language="en",
            opted_out=False,
            created_at=moment,
            updated_at=moment,
        )
        inquiry = Inquiry(
            conversation=conversation,
            channel=channel,
            language="en",
            answers={"county": "other"},
            outcome=outcome,
            reasons=["other_county"],
            office=office,
            reference=ref,
            status=status,
            notes=notes,
            created_at=moment,
            updated_at=moment,
            completed_at=moment,
        )
        db.session.add_all([conversation, inquiry])
        db.session.flush()
        db.session.add(
            Message(
                conversation_id=conversation.id,
                inquiry=inquiry,
                direction="in",
                body="hello",
                created_at=moment,
            )
        )
    return ref


def days_ago(days: int) -> datetime:
    return clock.now() - timedelta(days=days)
