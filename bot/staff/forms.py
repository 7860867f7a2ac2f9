"""The staff pages' forms: each carries a CSRF token (Flask-WTF) and checks its own input."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from bot.core.eligibility import OFFICES
from bot.staff.labels import STATUSES

MAX_NOTES = 5000


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired(), Length(max=32)],
    )


class EnrolForm(FlaskForm):
    code = StringField("Six-digit code from the app", validators=[DataRequired(), Length(max=16)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "The same password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


def _office_choices() -> list[SelectChoice]:
    return [SelectChoice(office_id, office.name) for office_id, office in OFFICES.items()]


class NewAccountForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    office = SelectField("Office", choices=_office_choices())
    admin = BooleanField("Admin (sees every office, manages accounts, reads the audit trail)")


class AccountForm(FlaskForm):
    office = SelectField("Office", choices=_office_choices())
    admin = BooleanField("Admin")


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class InquiryForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(value, label) for value, label in STATUSES.items()]
    )
    notes = TextAreaField("Notes", validators=[Length(max=MAX_NOTES)])
