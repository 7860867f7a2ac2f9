"""Importing the app module builds nothing: gunicorn and ``flask --app app`` build ``app`` on
first use, and tests build their own apps with ``create_app``."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_importing_the_app_module_builds_no_app():
    assert run("import app; print('app' in vars(app))") == "False"


def test_the_app_is_built_on_first_use():
    code = "import app, flask; print(isinstance(app.app, flask.Flask), 'app' in vars(app))"
    assert run(code) == "True True"
