"""The staff pages' forms: each carries a CSRF token (Flask-WTF) and checks its own input."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from bot.core.eligibility import OFFICES
from bot.core.text import clean_text
from bot.staff.labels import STATUSES

MAX_NOTES = 5000


def _storable(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


class StaffForm(FlaskForm):
    """A staff page's form whose text is storable as typed: a NUL character (which PostgreSQL
    refuses) or a lone surrogate is taken out before any check or any query sees it."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = [*unbound_field.kwargs.get("filters", ()), _storable]
            return unbound_field.bind(form=form, filters=filters, **options)


class SignInForm(StaffForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class CodeForm(StaffForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired(), Length(max=32)],
    )


class EnrolForm(StaffForm):
    code = StringField("Six-digit code from the app", validators=[DataRequired(), Length(max=16)])


class NewPasswordForm(StaffForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "The same password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


def _office_choices() -> list[SelectChoice]:
    return [SelectChoice(office_id, office.name) for office_id, office in OFFICES.items()]


class NewAccountForm(StaffForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    office = SelectField("Office", choices=_office_choices())
    admin = BooleanField("Admin (sees every office, manages accounts, reads the audit trail)")


class AccountForm(StaffForm):
    office = SelectField("Office", choices=_office_choices())
    admin = BooleanField("Admin")


class ActionForm(StaffForm):
    """A button that changes something: only its CSRF token."""


class InquiryForm(StaffForm):
    status = SelectField(
        "Status", choices=[SelectChoice(value, label) for value, label in STATUSES.items()]
    )
    notes = TextAreaField("Notes", validators=[Length(max=MAX_NOTES)])
