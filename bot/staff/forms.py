"""The staff pages' forms: each carries a CSRF token (Flask-WTF) and checks its own input."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from bot.staff.labels import STATUSES

MAX_NOTES = 5000


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class InquiryForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(value, label) for value, label in STATUSES.items()]
    )
    notes = TextAreaField("Notes", validators=[Length(max=MAX_NOTES)])
