"""The account commands, as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from bot.storage.db import db
from bot.storage.staff import StaffUser
from tests.support.apps import make_app
from tests.support.paths import ROOT
from tests.support.staff import PASSWORD, Staff


def account(app, email: str) -> StaffUser | None:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).first()
        db.session.expunge_all()
        return user


def run(app, *args: str, password: str | None = None):
    stdin = None if password is None else password + "\n"
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def test_create_staff_reads_the_password_from_standard_input(app):
    result = run(
        app, "create-staff", "Pat@PD.example.org", "--office", "public_defender", password=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "pat@pd.example.org" in result.output
    user = account(app, "pat@pd.example.org")
    assert user is not None
    assert (user.office, user.is_admin, user.active) == ("public_defender", False, True)
    assert user.password_hash != PASSWORD
    assert check_password_hash(user.password_hash, PASSWORD)
    assert Staff(app, "pat@pd.example.org").sign_in().status_code == 302


def test_create_staff_makes_an_admin_with_the_flag(app):
    result = run(
        app,
        "create-staff",
        "ada@county.example.org",
        "--office",
        "district_attorney",
        "--admin",
        password=PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert account(app, "ada@county.example.org").is_admin


def test_create_staff_refuses_an_unknown_office_a_short_password_and_a_duplicate(app):
    assert run(app, "create-staff", "a@x.org", "--office", "police", password=PASSWORD).exit_code
    short = run(app, "create-staff", "a@x.org", "--office", "public_defender", password="short")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    run(app, "create-staff", "a@x.org", "--office", "public_defender", password=PASSWORD)
    again = run(app, "create-staff", "A@x.org", "--office", "public_defender", password=PASSWORD)
    assert again.exit_code == 1
    assert "already has an account" in again.output
    assert (
        "not an email"
        in run(
            app, "create-staff", "nobody", "--office", "public_defender", password=PASSWORD
        ).output
    )


def test_deactivate_staff_stops_sign_in(app, pd):
    result = run(app, "deactivate-staff", pd.email)
    assert result.exit_code == 0, result.output
    assert account(app, pd.email).active is False
    assert pd.sign_in().status_code == 200
    assert run(app, "deactivate-staff", "nobody@x.org").exit_code == 1


def test_reset_password_changes_the_password(app, pd):
    result = run(app, "reset-password", pd.email, password="another long passphrase")
    assert result.exit_code == 0, result.output
    assert check_password_hash(account(app, pd.email).password_hash, "another long passphrase")


def test_demo_admin_prints_fresh_credentials_for_local_use_only(database_url):
    app = make_app(database_url, RECORD_CHECK_ENV="development")
    first = run(app, "demo-admin")
    assert first.exit_code == 0, first.output
    assert "local use only" in first.output
    assert "admin@example.org" in first.output
    password = first.output.split("password: ")[1].split()[0]
    demo = Staff(app, "admin@example.org")
    assert "Your recovery codes" in demo.sign_in(password).get_data(as_text=True)  # enrolled
    assert "Inquiries" in demo.page("/staff/")
    second = run(app, "demo-admin")
    new_password = second.output.split("password: ")[1].split()[0]
    assert new_password != password
    assert demo.get("/staff/").status_code == 302  # signed out by the reset
    assert Staff(app, "admin@example.org").sign_in(password).status_code == 200
    again = Staff(app, "admin@example.org")
    assert "Your recovery codes" in again.sign_in(new_password).get_data(as_text=True)
    assert account(app, "admin@example.org").is_admin


def test_demo_admin_refuses_outside_development(app):
    result = run(app, "demo-admin")
    assert result.exit_code == 1
    assert "RECORD_CHECK_ENV=development" in result.output
    assert account(app, "admin@example.org") is None


def test_create_staff_reads_a_piped_password_from_the_real_command(tmp_path):
    flask = Path(sys.executable).with_name("flask")
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "HOME": str(tmp_path), "AUDIT_KEY": "k"}
    upgrade = subprocess.run(
        [str(flask), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    created = subprocess.run(
        [
            str(flask),
            "--app",
            "app",
            "create-staff",
            "pat@pd.example.org",
            "--office",
            "public_defender",
        ],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    assert "Created staff account pat@pd.example.org" in created.stdout
