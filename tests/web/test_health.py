"""``GET /healthz`` tells a load balancer whether the app can serve."""

from alembic.script import ScriptDirectory

from tests.support.apps import make_app
from tests.support.paths import ROOT

MIGRATIONS = ROOT / "migrations"


def test_health_reports_ok_and_the_alembic_revision(client):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "revision": head}
    assert head is not None and head != "0001"


def test_health_is_503_when_the_database_is_unreachable():
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_health_is_503_when_migrations_are_pending(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
